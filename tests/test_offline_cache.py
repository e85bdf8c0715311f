"""The offline engine's prefix cache: cached tokens are the longest prefix shared with a recent request of the
same conversation id, in whole blocks; an edit breaks it from that point on."""

from __future__ import annotations

import httpx
import pytest

from playground.offline.cache import BLOCK, CACHE, HEADER
from playground.offline.engine import OfflineTransport

SYSTEM = "You are a careful assistant for a travel agency. " * 12  # well over one block


@pytest.fixture
def client():
    CACHE.clear()
    with httpx.Client(transport=OfflineTransport(pace=0)) as c:
        yield c
    CACHE.clear()


def usage(client, messages, conv: str | None = "conv-a"):
    headers = {HEADER: conv} if conv else {}
    body = {"model": "offline", "messages": messages, "stream": False}
    return client.post("http://offline.invalid/v1/chat/completions", json=body, headers=headers).json()["usage"]


def turns(n: int) -> list[dict]:
    out = [{"role": "system", "content": SYSTEM}]
    for i in range(n):
        out += [{"role": "user", "content": f"Question {i}: what about Lisbon in May?"}]
        out += [{"role": "assistant", "content": f"Answer {i}: mild, sunny, about twenty degrees. " * 3}]
    return out


def test_a_follow_up_reads_the_previous_prompt_from_the_cache_in_whole_blocks(client) -> None:
    first = usage(client, turns(1)[:2])
    assert first["prompt_tokens_details"]["cached_tokens"] == 0  # nothing seen yet
    second = usage(client, turns(2)[:4])
    cached = second["prompt_tokens_details"]["cached_tokens"]
    assert cached == first["prompt_tokens"] // BLOCK * BLOCK > 0
    assert cached % BLOCK == 0 and cached < second["prompt_tokens"]


def test_an_edited_system_message_breaks_the_cache_from_the_start(client) -> None:
    usage(client, turns(2)[:4])
    edited = [{"role": "system", "content": SYSTEM + " Answer in French."}, *turns(2)[1:4]]
    assert usage(client, edited)["prompt_tokens_details"]["cached_tokens"] == 0


def test_an_edited_middle_message_keeps_what_comes_before_it(client) -> None:
    base = turns(3)[:6]
    usage(client, base)
    edited = [*base[:3], {"role": "user", "content": "Question 1, edited: and in June?"}, *base[4:]]
    before_edit = usage(client, base[:3])["prompt_tokens"]  # the unchanged leading messages alone
    CACHE.clear()
    usage(client, base)
    got = usage(client, edited)["prompt_tokens_details"]["cached_tokens"]
    assert got == before_edit // BLOCK * BLOCK


def test_other_conversations_and_requests_without_an_id_share_nothing(client) -> None:
    usage(client, turns(1)[:2], conv="conv-a")
    assert usage(client, turns(2)[:4], conv="conv-b")["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage(client, turns(2)[:4], conv=None)["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage(client, turns(2)[:4], conv="conv-a")["prompt_tokens_details"]["cached_tokens"] > 0
