"""Tools and output format: the panel and its dialog (used by the playground and compare)."""
