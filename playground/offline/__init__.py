"""The offline engine: a deterministic stand-in that speaks the same wire, in-process or as a loopback server."""

ENGINE_MODEL = "offline-engine"  # the ``model`` field of its replies (never a real model's name)
