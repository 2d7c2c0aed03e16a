"""验收销号表 for one village: a portrait form with the acceptance, the poll and both opinions."""
from __future__ import annotations

from ledgers.dates import cn_date
from ledgers.errors import LedgerError
from ledgers.ledger import Ledger
from ledgers.models import RectificationCase

from .content import Attachment, Content, scope_words
from .layout import SIZE_S4, Fonts
from .options import ExportOptions, require_village
from .summary import NOT_LISTED
from .forms import FormCell, FormRow, form_table_xml

WEIGHTS = (34, 30.5, 30.5, 30.5, 30.5)  # label column + four value columns (the poll's four figures)
RECIPIENTS = "县委组织部"  # the sign-off is reported up


def pick_case(ledger: Ledger, options: ExportOptions) -> RectificationCase:
    """The village's case with an acceptance (the latest), else its latest listed case."""
    village_id = require_village(ledger, options, "验收销号表")
    cases = [c for c in ledger.cases_for_village(village_id) if c.state not in NOT_LISTED]
    year = options.year  # a year prefers that batch's case; without one (or none that year), the latest
    if year:
        cases = [c for c in cases if c.year == year] or cases
    if not cases:
        raise LedgerError(f"{ledger.village_name(village_id)}没有已认定的整顿案卷，无法生成验收销号表。")
    accepted = [c for c in cases if c.acceptances]
    return (accepted or cases)[-1]


def form_rows(ledger: Ledger, c: RectificationCase, *, report: bool = False) -> list[FormRow]:
    """The form's rows. Attached to the 报告 (``report``) it asks the county for its opinion, so the
    county's cells (意见, 销号日期) are left for the county to fill in, whatever the ledger holds."""
    v = ledger.village(c.village_id)
    acc = c.last_acceptance
    situations = "；".join(f"{ledger.situation_text(code)}" for code in c.situations)
    if c.situation_note:
        situations += f"（{c.situation_note}）"

    def line(label: str, value: str, height: float = 0.0) -> FormRow:
        return FormRow([FormCell(label, label=True), FormCell(value, span=4, align="left")], height)

    def opinion(label: str, text: str) -> FormRow:
        return FormRow([FormCell(label, label=True),
                        FormCell(span=4, paras=((text, "left"), ("", "left"), ("（盖章）", "right"),
                                                ("　　年　　月　　日", "right")))], 30)

    poll = [str(acc.participants), str(acc.satisfied), str(acc.basically_satisfied), str(acc.dissatisfied)] \
        if acc else ["", "", "", ""]
    return [
        line("村名", f"{v.township}{v.name}（{v.org_name or v.name + v.org_type.value}）"),
        line("认定情形", situations, 14),
        line("整改任务", f"共{len(c.tasks)}项，已完成{c.tasks_done}项"),
        line("验收组成员", "、".join(acc.members) if acc else ""),
        line("验收日期", cn_date(acc.on) if acc else ""),
        FormRow([FormCell("民主测评", label=True, vmerge="restart")]
                + [FormCell(t, label=True) for t in ("参评", "满意", "基本满意", "不满意")]),
        FormRow([FormCell(vmerge="continue")] + [FormCell(n + "人" if n else "") for n in poll]),
        line("得分", "" if acc is None or acc.score is None else f"{acc.score:g}分"),
        line("验收等次", acc.result.value if acc else ""),
        opinion("乡镇党委意见", acc.township_opinion if acc else ""),
        opinion("县委组织部意见", acc.county_opinion if acc and not report else ""),
        line("销号日期", cn_date(c.signed_off_on) if c.signed_off_on and not report else ""),
    ]


def signoff_attachment(ledger: Ledger, options: ExportOptions) -> Attachment:
    c = pick_case(ledger, options)
    rows = form_rows(ledger, c, report=options.notice is not False)
    name = ledger.village_name(c.village_id)

    def xml(fonts: Fonts, width: int) -> str:
        return form_table_xml(WEIGHTS, rows, fonts, width, SIZE_S4)

    return Attachment(f"{name}软弱涣散村党组织整顿验收销号表", xml=xml, landscape=False,
                      subtitle=f"（{c.batch or str(c.year) + '年'}）", rows=len(rows))


def content(ledger: Ledger, options: ExportOptions) -> Content:
    att = signoff_attachment(ledger, options)
    if options.notice is False:  # the form alone
        return Content(att.title, attachments=[att], notice=False)
    s = ledger.settings
    c = pick_case(ledger, options)
    acc = c.last_acceptance
    org = ledger.village_name(c.village_id)
    first = f"{org}党组织于{c.year}年被认定为软弱涣散村党组织。"
    if acc is not None:
        score = "" if acc.score is None else f"得分{acc.score:g}分，"
        first += f"经整改，{cn_date(acc.on)}验收组进行了验收，{score}验收等次为{acc.result.value}。"
    # a 报告 reports and asks for nothing (报告不得夹带请示事项): no "请审核"; it closes with 特此报告
    body = first + f"\n经{scope_words(s.township)[1]}研究，现将《{att.title}》随文报送。\n特此报告。"
    return Content(f"{s.committee_name}关于{att.title.removesuffix('表')}的报告", body, [att], doc_type="报告",
                   to=RECIPIENTS)
