"""The offline engine: a deterministic stand-in that speaks the same wire, in-process or as a loopback server."""
