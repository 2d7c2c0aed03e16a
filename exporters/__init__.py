"""Formal Word documents (GB/T 9704-2012) printed from the ledgers.

``exporters.gongwen`` is the page builder, ``exporters.tables`` the fast table writer, one module per
document, and ``exporters.documents`` the API the TUI and the CLI call (build, preview_text, write).
Nothing here imports textual; only ``exporters.cli`` imports click.
"""
