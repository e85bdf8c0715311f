"""The offline engine's prompt cache: a model of xAI's automatic prefix caching, so the cache can be shown and
forecast honestly with no key.

The model, stated once:

* The prefix model (``BLOCK``, ``prompt_prefix``, ``shared_tokens``) lives in ``playground.money.cache``,
  where the footer's prediction uses the same one.
* A request's prompt is its messages in order; each message costs its estimated tokens plus the per-message
  overhead (``playground.money.tokens.count_messages``, the same count the engine reports as ``prompt_tokens``).
* Requests are grouped by conversation id (the ``x-grok-conv-id`` header, as xAI routes them).  A request with
  no conversation id is never served from the cache.
* The cached tokens of a request are the longest prefix it shares with one of the ``RECENT`` latest requests of
  the same conversation id, compared message by message (a message counts only when it is identical, role and
  text; an edited message breaks the cache from that point on), rounded DOWN to whole blocks of ``BLOCK``
  tokens, and never more than the prompt.
* Only prompts are cached, not the replies: the reply to request n is read at full price by request n+1, and from
  the cache from request n+2 on.
* At most ``CONVERSATIONS`` conversation ids are remembered (the least recently used is forgotten first).

Tool definitions and the output schema are counted in ``prompt_tokens`` but never cached here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from playground.money.cache import BLOCK, Prefix, in_blocks, prompt_prefix, shared_tokens

__all__ = ["BLOCK", "CACHE", "HEADER", "PrefixCache", "in_blocks", "prompt_prefix", "shared_tokens"]

RECENT = 4  # requests remembered per conversation id
CONVERSATIONS = 512  # conversation ids remembered
HEADER = "x-grok-conv-id"


class PrefixCache:
    """The latest prompts of each conversation id (thread-safe: the loopback server answers in threads)."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, list[Prefix]] = OrderedDict()
        self._lock = threading.Lock()

    def serve(self, conversation_id: str, messages: Iterable[Mapping[str, str]], prompt_tokens: int) -> int:
        """The cached tokens of this request, and remember it for the next ones."""
        if not conversation_id:
            return 0
        prefix = prompt_prefix(messages)
        with self._lock:
            recent = self._seen.pop(conversation_id, [])
            best = max((shared_tokens(prefix, old) for old in recent), default=0)
            self._seen[conversation_id] = [prefix, *recent][:RECENT]
            while len(self._seen) > CONVERSATIONS:
                self._seen.popitem(last=False)
        return min(in_blocks(best), max(0, prompt_tokens))

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


CACHE = PrefixCache()  # the engine's, shared by the in-process transport and the loopback server
