"""The ledger core: domain model, rules, workflows, lookup, statistics and the store.

Pure Python by design: nothing here imports textual, rich, docx, openpyxl or click, so the same core
serves the TUI, the exporters, the CLI and (later) a county server.
"""
