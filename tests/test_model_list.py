"""The provider's model list against loopback servers (both styles), and the unknown/retired model error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback import LoopbackServer, Recorded, json_reply

from playground.chat.errors import AuthError, BadRequest, RetiredModel, UnknownModel
from playground.facts.catalog import GROK_3_MINI
from playground.facts.providers import MODELSLAB, OFFLINE, XAI, Provider, ProviderConfig
from playground.wire.classify import error_from_response
from playground.wire.models import check_model, closest_served, model_ids, served_status, suggest
from playground.wire.openai_chat import stream_chat
from playground.wire.request import RequestPlan

KEY = "sk-loopback-models-123456"
XAI_LIST = ["grok-4.3", "grok-4.20", "grok-3-mini-fast", "grok-code-fast-1", "grok-imagine-image"]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0)) as c:
        yield c


def listing(ids: list[str]):
    """A server answering ``GET .../models`` with ``ids`` (OpenAI and Anthropic list shapes are alike)."""

    def handle(req: Recorded):
        if req.method == "GET" and req.path.endswith("/models"):
            return json_reply(200, {"object": "list", "data": [{"id": i, "object": "model"} for i in ids]})
        return json_reply(404, {"error": "no such path"})

    return handle


def config(server: LoopbackServer, provider: Provider = XAI, base: str = "/v1") -> ProviderConfig:
    return ProviderConfig(provider, server.url + base, KEY, provider.auth)


def test_openai_style_list_marks_the_model_served_or_not(client) -> None:
    with LoopbackServer(listing(["grok-3-mini", *XAI_LIST])) as server:
        check = check_model(config(server), GROK_3_MINI, style="openai", client=client)
    assert check.status == "served" and "grok-4.3" in check.ids
    request = server.requests[0]
    assert request.path == "/v1/models" and request.headers["Authorization"] == f"Bearer {KEY}"
    with LoopbackServer(listing(XAI_LIST)) as server:
        assert check_model(config(server), GROK_3_MINI, style="openai", client=client).status == "not served"


def test_anthropic_style_list_with_the_api_key_header(client) -> None:
    with LoopbackServer(listing(["x-ai-grok-3-mini-beta", "x-ai-grok-3-mini"])) as server:
        cfg = ProviderConfig(MODELSLAB, server.url + "/api/v7/llm", KEY, "x-api-key")
        check = check_model(cfg, GROK_3_MINI, style="anthropic", client=client)
    assert check.status == "served"
    request = server.requests[0]
    assert request.path == "/api/v7/llm/v1/models" and request.headers["x-api-key"] == KEY
    assert request.headers["anthropic-version"]


def test_the_body_key_style_lists_with_bearer(client) -> None:
    with LoopbackServer(listing(["x-ai-grok-3-mini-beta"])) as server:
        cfg = ProviderConfig(MODELSLAB, server.url + "/api/v7/llm", KEY, "body")
        assert check_model(cfg, GROK_3_MINI, style="openai", client=client).status == "served"
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_failing_list_is_unknown_with_its_reason_and_never_leaks_the_key(client) -> None:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}}
    with LoopbackServer(json_reply(401, body)) as server:
        check = check_model(config(server), GROK_3_MINI, style="openai", client=client)
        with pytest.raises(AuthError):
            model_ids(config(server), style="openai", client=client)
    assert check.status == "unknown" and "API key" in check.reason and KEY not in check.reason


def test_no_key_or_offline_means_unknown_without_a_request(client) -> None:
    with LoopbackServer(listing(["grok-3-mini"])) as server:
        keyless = ProviderConfig(XAI, server.url + "/v1", "")
        assert check_model(keyless, GROK_3_MINI, style="openai", client=client).status == "unknown"
        offline = ProviderConfig(OFFLINE, OFFLINE.base_url, "", "none")
        assert check_model(offline, GROK_3_MINI, style="openai", client=client).status == "unknown"
    assert server.requests == []


def test_served_status_uses_the_providers_name_and_snapshot_tags() -> None:
    assert served_status(model=GROK_3_MINI, provider_id="xai", ids=["grok-3-mini-2025-04-03"]) == "served"
    assert served_status(model=GROK_3_MINI, provider_id="xai", ids=["grok-3"]) == "not served"
    assert served_status(model=GROK_3_MINI, provider_id="xai", ids=[]) == "unknown"


def test_closest_served_ranks_by_likeness_and_drops_the_unlike() -> None:
    got = closest_served("grok-3-mini", [*XAI_LIST, "gpt-4o", "x-ai/grok-3-mini-beta"])
    assert got[0] == "x-ai/grok-3-mini-beta" and got[1] == "grok-3-mini-fast" and "gpt-4o" not in got
    assert len(got) == 3 and closest_served("grok-3-mini", ["llama-3-8b"]) == []


# (status, body, expected type): the providers' own wordings
WORDINGS = [
    (
        404,
        {
            "error": {
                "message": "The model `text-davinci-003` has been deprecated, learn more here: "
                "https://platform.openai.com/docs/deprecations",
                "type": "invalid_request_error",
                "code": "model_not_found",
            }
        },
        RetiredModel,
    ),
    (410, {"error": {"message": "Gone", "type": "invalid_request_error"}}, RetiredModel),
    (
        400,
        {"code": "Client specified an invalid argument", "error": "Model grok-3 was retired on 2026-05-15."},
        RetiredModel,
    ),
    (404, {"error": {"message": "This model is no longer available.", "code": 404}}, RetiredModel),
    (
        404,
        {
            "error": {
                "message": "The model `gpt-9` does not exist or you do not have access to it.",
                "code": "model_not_found",
            }
        },
        UnknownModel,
    ),
    (
        404,
        {
            "code": "Some requested entity was not found",
            "error": "The model grok-9 does not exist or your team does not have access to it.",
        },
        UnknownModel,
    ),
    (404, {"type": "error", "error": {"type": "not_found_error", "message": "model: claude-2.0"}}, UnknownModel),
    (404, {"error": {"code": 404, "message": "No endpoints found for x-ai/grok-3-mini-beta."}}, UnknownModel),
    (400, {"error": {"code": 400, "message": "x-ai/grok-9 is not a valid model ID"}}, UnknownModel),
    (200, {"status": "error", "message": "Model not found"}, UnknownModel),
]


@pytest.mark.parametrize(("status", "body", "kind"), WORDINGS)
def test_unknown_retired_and_deprecated_wordings_get_their_own_error(status, body, kind, client) -> None:
    with LoopbackServer(json_reply(status, body)) as server:
        plan = RequestPlan(server.url + "/v1/chat/completions", {}, {"model": "grok-3", "messages": []})
        with pytest.raises(UnknownModel) as caught:
            list(stream_chat(plan, config=config(server), client=client))
    assert type(caught.value) is kind


def test_a_gone_endpoint_is_not_a_retired_model() -> None:
    body = {"error": "The Anthropic SDK compatible endpoint has been removed."}
    assert type(error_from_response(410, body, {})) is BadRequest
    assert type(error_from_response(400, {"error": {"message": "`functions` is deprecated"}}, {})) is BadRequest


def test_a_retired_model_error_suggests_the_closest_served_models(client) -> None:
    def handle(req: Recorded):
        if req.method == "GET":
            return listing(XAI_LIST)(req)
        return json_reply(410, {"code": "Gone", "error": "Model grok-3-mini has been retired."})

    with LoopbackServer(handle) as server:
        cfg = config(server)
        plan = RequestPlan(server.url + "/v1/chat/completions", {}, {"model": "grok-3-mini", "messages": []})
        with pytest.raises(RetiredModel) as caught:
            list(stream_chat(plan, config=cfg, client=client))
        err = suggest(caught.value, cfg, GROK_3_MINI, style="openai", client=client)
    assert err.suggestions[0] == "grok-3-mini-fast" and "grok-4.3" not in err.suggestions[:1]
    assert "retired" in err.message and err.action.startswith("The provider has retired")
