"""The Textual app and the rich renderings shared with the command line."""
