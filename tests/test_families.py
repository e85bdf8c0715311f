"""Parameter families: one retry without the whole family, against a loopback server that names one per 400."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback import LoopbackServer, Recorded, json_reply, sse, sse_reply

from playground.chat.errors import UnsupportedParameter
from playground.facts.catalog import GROK_3_MINI, MODELS, get_model
from playground.facts.families import XAI_REASONING, drop_reasons, family_for, remember_key, to_drop
from playground.facts.providers import MODELSLAB, ProviderConfig
from playground.wire.openai_chat import stream_chat
from playground.wire.request import RequestPlan

FAMILY = ("presence_penalty", "frequency_penalty", "stop")
CAMEL = {"presence_penalty": "presencePenalty", "frequency_penalty": "frequencyPenalty", "stop": "stop"}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as c:
        yield c


def xai_like(req: Recorded):
    """Like api.x.ai for a reasoning model: a 400 naming the first family member sent, else a reply."""
    body = req.json()
    for name in FAMILY:
        if name in body:
            error = f"Argument not supported on this model: {CAMEL[name]}"
            return json_reply(400, {"code": "Client specified an invalid argument", "error": error})
    return sse_reply(sse({"choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}))


def send_until_accepted(server: LoopbackServer, client: httpx.Client, *, whole_family: bool) -> list[str]:
    """Send penalties and stop, dropping what each rejection says to drop; the rejected names, in order."""
    cfg = ProviderConfig(MODELSLAB, server.url + "/v1", "k")
    body = {"model": "x-ai-grok-3-mini-beta", "messages": [], "presence_penalty": 0.5, "frequency_penalty": 0.5}
    body["stop"] = ["END"]
    rejected: list[str] = []
    for _ in range(5):
        plan = RequestPlan(server.url + "/v1/chat/completions", {"Content-Type": "application/json"}, dict(body))
        try:
            list(stream_chat(plan, config=cfg, client=client))
            return rejected
        except UnsupportedParameter as err:
            rejected.append(err.param)
            drop = to_drop(model=GROK_3_MINI, provider_id="modelslab", param=err.param) if whole_family else ()
            for name in drop or (err.param,):
                body.pop(name, None)
    raise AssertionError("never accepted")


def test_one_retry_drops_the_whole_family_where_one_at_a_time_takes_three(client) -> None:
    with LoopbackServer(xai_like) as server:
        assert send_until_accepted(server, client, whole_family=True) == ["presence_penalty"]
    assert len(server.requests) == 2
    with LoopbackServer(xai_like) as server:
        assert send_until_accepted(server, client, whole_family=False) == list(FAMILY)
    assert len(server.requests) == 4


@pytest.mark.parametrize("param", ["presence_penalty", "frequency_penalty", "stop", "stop_sequences"])
def test_any_member_brings_the_whole_family_for_grok_on_every_provider(param) -> None:
    for provider_id in ("modelslab", "xai", "openrouter", "custom"):
        assert to_drop(model=GROK_3_MINI, provider_id=provider_id, param=param) == FAMILY


def test_outside_a_family_only_the_rejected_parameter_goes() -> None:
    assert to_drop(model=GROK_3_MINI, provider_id="modelslab", param="top_p") == ("top_p",)
    other = MODELS["openai-gpt-5.5"]  # not a reasoning model of the vendor that documents the family
    assert to_drop(model=other, provider_id="openrouter", param="presence_penalty") == ("presence_penalty",)


def test_a_model_the_catalogue_does_not_know_gets_the_family_only_at_the_documenting_provider() -> None:
    unknown = get_model("grok-4.20-reasoning")
    assert family_for(model=unknown, provider_id="xai", param="stop") is XAI_REASONING
    assert to_drop(model=unknown, provider_id="custom", param="stop") == ("stop",)


def test_reasons_quote_the_server_and_the_documentation() -> None:
    said = "Argument not supported on this model: presencePenalty"
    reasons = drop_reasons(model=GROK_3_MINI, provider_id="modelslab", param="presence_penalty", server_said=said)
    assert set(reasons) == set(FAMILY) and said in reasons["presence_penalty"]
    assert XAI_REASONING.quote in reasons["stop"] and "presence_penalty" in reasons["frequency_penalty"]


def test_the_catalogue_reads_its_xai_rejections_from_the_family() -> None:
    assert tuple(GROK_3_MINI.rejected("xai")) == XAI_REASONING.params


def test_remembered_per_model_and_url() -> None:
    key = remember_key(model_id=GROK_3_MINI.id, base_url="https://modelslab.com/api/v7/llm/")
    assert key == "x-ai-grok-3-mini-beta@https://modelslab.com/api/v7/llm"
    assert key != remember_key(model_id=GROK_3_MINI.id, base_url="http://127.0.0.1:8011/v1")
