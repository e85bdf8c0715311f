"""Helpers for the Anthropic Messages client tests: SSE event chunks, a loopback config, a full stream, a run."""

from __future__ import annotations

import json

import httpx
from loopback import LoopbackServer

from playground.chat.events import ServedModel
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import MODELSLAB, ProviderConfig
from playground.wire import anthropic_messages as am

KEY = "sk-test-anthropic-5f0c9d"


HISTORY = [
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "Count to three"},
]


def events(*items: dict, names: bool = True) -> list[bytes]:
    """Anthropic-style SSE chunks: ``event: <type>`` then the JSON data (no [DONE])."""
    out = []
    for item in items:
        head = f"event: {item['type']}\n" if names else ""
        out.append(f"{head}data: {json.dumps(item)}\n\n".encode())
    return out


def config(url: str, *, auth: str = "x-api-key", key: str = KEY) -> ProviderConfig:
    return ProviderConfig(MODELSLAB, url, key, auth)  # type: ignore[arg-type]


def run(
    server: LoopbackServer, *, auth: str = "x-api-key", stream: bool = True, params: GenerationParams | None = None
) -> list:
    cfg = config(server.url, auth=auth)
    plan = am.build_messages_request(
        ChatState(cfg, GROK_3_MINI, params or GenerationParams(), HISTORY, stream=stream)
    )
    with httpx.Client() as client:  # the served model is checked on its own (test_served_model_is_reported)
        return [e for e in am.stream_messages(plan, config=cfg, client=client) if not isinstance(e, ServedModel)]


START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "x-ai-grok-3-mini-beta",
        "stop_reason": None,
        "usage": {
            "input_tokens": 20,
            "output_tokens": 1,
            "cache_read_input_tokens": 5,
            "cache_creation_input_tokens": 3,
        },
    },
}


FULL_STREAM = (
    START,
    {"type": "ping"},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me "}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "count."}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIY"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "One, two, "}},
    {"type": "ping"},
    {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "three."}},
    {"type": "content_block_stop", "index": 1},
    {
        "type": "content_block_start",
        "index": 2,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "count", "input": {}},
    },
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"to": '}},
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "3}"}},
    {"type": "content_block_stop", "index": 2},
    {"type": "brand_new_event", "whatever": [1, 2]},
    {"type": "message_delta", "delta": {"stop_reason": None}, "usage": {"output_tokens": 9}},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"output_tokens": 42},
    },
    {"type": "message_stop"},
)
