"""The offline engine over the Anthropic Messages protocol: the official anthropic package and the app's own
client get valid tool_use blocks (streamed and not), and tool results are used in the answer."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from playground.chat.events import Finish, ToolCallDelta
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import MODELSLAB, ProviderConfig
from playground.tools.calls import ToolCallAccumulator
from playground.tools.examples import EXAMPLE_TOOLS
from playground.tools.schema import validate
from playground.tools.settings import ToolSettings
from playground.tools.wire import assistant_message, tool_message
from playground.wire import anthropic_messages as am

TOOLS = [t.anthropic() for t in EXAMPLE_TOOLS]
SCHEMAS = {t.name: t.schema for t in EXAMPLE_TOOLS}
TWO = "What's the weather in Oslo, and search the docs for umbrellas"


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground.offline.server", "--port", "0", "--pace", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        match = re.fullmatch(r"offline engine listening on (http://127\.0\.0\.1:\d+)/v1\n", proc.stdout.readline())
        assert match
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_anthropic_package_gets_valid_tool_use_streamed_and_not(root: str) -> None:
    anthropic = pytest.importorskip("anthropic")
    sdk = anthropic.Anthropic(base_url=root, api_key="unused", max_retries=0)
    ask: dict[str, Any] = {"model": "m", "max_tokens": 2000, "tools": TOOLS}
    whole = sdk.messages.create(messages=[{"role": "user", "content": TWO}], **ask)
    with sdk.messages.stream(messages=[{"role": "user", "content": TWO}], **ask) as stream:
        streamed = stream.get_final_message()
    for message in (whole, streamed):
        assert message.stop_reason == "tool_use"
        uses = {b.name: b.input for b in message.content if b.type == "tool_use"}
        assert uses["get_weather"] == {"city": "Oslo"} and uses["search_docs"]["query"] == "umbrellas"
        assert all(validate(SCHEMAS[name], value) is None for name, value in uses.items())
    call = next(b for b in whole.content if b.type == "tool_use" and b.name == "get_weather")
    history = [
        {"role": "user", "content": "What's the weather in Oslo?"},
        {"role": "assistant", "content": [call.model_dump(exclude={"caller", "toolset_name"}, exclude_none=True)]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "snow, -3 C"}]},
    ]
    answer = sdk.messages.create(messages=history, **ask)
    assert answer.stop_reason == "end_turn" and "snow, -3 C" in answer.content[-1].text
    with pytest.raises(anthropic.BadRequestError):
        sdk.messages.create(model="m", max_tokens=10, messages="nope")  # type: ignore[arg-type]


@pytest.mark.parametrize("stream", [True, False])
def test_the_app_client_reads_the_same_calls_over_messages(root: str, stream: bool) -> None:
    config = ProviderConfig(MODELSLAB, root, "", "x-api-key")  # type: ignore[arg-type]
    tools = ToolSettings(tools=EXAMPLE_TOOLS)
    first = ({"role": "user", "content": TWO},)
    chat = ChatState(
        config, GROK_3_MINI, GenerationParams(), first, protocol="anthropic", stream=stream, tools=tools
    )
    with httpx.Client() as client:
        events = list(am.stream_messages(am.build_messages_request(chat), config=config, client=client))
    acc = ToolCallAccumulator(EXAMPLE_TOOLS)
    acc.extend(e for e in events if isinstance(e, ToolCallDelta))
    calls = acc.finish()
    assert sorted(c.name for c in calls) == ["get_weather", "search_docs"] and all(c.valid for c in calls)
    assert Finish("tool_calls") in events
    history = [chat.history[0], assistant_message("", calls), *(tool_message(c.id, f"ok {c.name}") for c in calls)]
    with httpx.Client() as client:
        plan = am.build_messages_request(chat.with_history(history))
        events = list(am.stream_messages(plan, config=config, client=client))
    assert Finish("stop") in events and not [e for e in events if isinstance(e, ToolCallDelta)]
