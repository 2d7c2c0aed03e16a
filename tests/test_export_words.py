"""Where table text breaks (exporters/words.py) and how wide columns get (exporters/tables.py): between
words a reader would break at, never inside a code, a date or a name — the defects a 办公室 reviewer
found on printed tables (县委办/公室, 村党组/织书记, 2027./02.15, 430121***/*****7414)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exporters import words
from exporters.tables import Column, TableSpec, table_layout

CJK = st.text(alphabet=st.sampled_from(list("县委办公室人大常委会副主任村党组织书记镇乡农业局青石山第十一批年度考核称职")),
              max_size=30)
MIXED = st.text(alphabet=st.sampled_from(list("县委办公室村党组织书记2026.0915*X、；（）年月日 ")), max_size=40)


@given(MIXED)
@settings(max_examples=200, deadline=None)
def test_words_put_together_give_the_line_back(line):
    assert "".join(words.words(line)) == line
    for w in words.words(line):
        assert "".join(words.pieces(w)) == w


@given(MIXED, st.floats(min_value=2, max_value=20))
@settings(max_examples=200, deadline=None)
def test_wrapped_lines_fit_their_room_unless_one_piece_is_wider(text, room):
    lines = words.wrap(text, room)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        if words.width(line) > room + 1e-6:
            assert len(words.units(line)) == 1, (line, room)  # only a piece that cannot be broken


@given(st.sampled_from(["430121********741X", "138****7315", "2027.02.15", "2026年"]), CJK, CJK,
       st.floats(min_value=5, max_value=30))
@settings(max_examples=200, deadline=None)
def test_a_code_is_never_broken(code, before, after, room):
    text = before + code + after
    joined = "\n".join(words.wrap(text, max(room, words.width(code))))
    assert code in joined.split("\n") or any(code in line for line in joined.split("\n"))


def test_breaks_a_reader_would_make():
    assert words.wrap("县人大常委会副主任", 5) == ["县人大", "常委会", "副主任"]
    assert words.wrap("县人大常委会副主任", 6) == ["县人大常委会", "副主任"]
    assert words.wrap("村党组织书记", 4) == ["村党组织", "书记"]
    assert words.wrap("县委办公室", 3) == ["县委", "办公室"]
    assert "村" not in words.wrap("易地扶贫搬迁安置村", 4)  # a suffix never alone on a line
    assert words.wrap("赵立新", 2) == ["赵立新"]  # a name is never broken
    assert words.wrap("第十一批", 3) == ["第十一批"]
    assert words.wrap("2025年基本称职", 4) == ["2025年", "基本称职"]
    # a header on two lines at a word break
    assert words.fewest_lines_width("任期届满时间", 2) == 4


def test_a_code_column_is_never_narrower_than_its_code():
    """Forty columns cannot fit a page even at 六号: Chinese words then break, an ID number does not."""
    columns = [Column("身份证号", 10)] + [Column(f"栏目{n}", 5) for n in range(40)]
    rows = [["430121********741X"] + ["县人大常委会副主任"] * 40 for _ in range(3)]
    spec = TableSpec(columns, rows, size=9.0, margin=28, width=12756)
    layout = table_layout(spec, rows)
    assert layout.size == 7.5
    assert layout.rooms[0] >= words.width("430121********741X")
