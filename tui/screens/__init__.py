"""One top-level screen per module."""
