"""Parameters: the page's defaults, ranges with clear messages, and per-provider serialisation."""

import pytest

from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS, GenerationParams, parse, spec
from playground.wire.request import NOT_REASONING, USER_DISABLED, build_chat_request

HISTORY = [{"role": "user", "content": "Hello!"}]


def config(provider_id: str, **kwargs):
    env = {
        "MODELSLAB_API_KEY": "ml-test-key-123",
        "XAI_API_KEY": "xai-test-key-123",
        "OPENROUTER_API_KEY": "or-test-key-123",
    }
    return providers.resolve(provider_id, env=env, **kwargs)


def test_defaults_are_the_product_pages():
    assert (DEFAULTS.temperature, DEFAULTS.max_tokens, DEFAULTS.top_p) == (0.7, 1000, 0.9)
    assert (DEFAULTS.frequency_penalty, DEFAULTS.presence_penalty) == (0, 0)
    assert DEFAULTS.system == (
        "You are a helpful AI assistant specialized in providing accurate and detailed responses."
    )
    assert DEFAULTS.reasoning_effort is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"temperature": 2.5}, "temperature must be at most 2"),
        ({"temperature": -0.1}, "temperature must be at least 0"),
        ({"top_p": 1.5}, "top_p must be at most 1"),
        ({"max_tokens": 0}, "max_tokens must be at least 1"),
        ({"frequency_penalty": -3}, "frequency_penalty must be at least -2"),
        ({"presence_penalty": 2.01}, "presence_penalty must be at most 2"),
        ({"reasoning_effort": "medium"}, "reasoning_effort"),
        ({"seed": 3}, "seed"),
    ],
)
def test_out_of_range_values_are_refused_with_a_clear_message(values, message):
    with pytest.raises(ValueError, match=message):
        parse(values)


def test_spec_gives_the_slider_ranges():
    temperature = spec("temperature")
    assert (temperature["min"], temperature["max"], temperature["default"]) == (0, 2, 0.7)
    assert spec("presence_penalty")["min"] == -2 and spec("presence_penalty")["max"] == 2
    assert spec("top_p")["help"]


def test_grok_on_xai_leaves_penalties_and_stop_out_with_reasons():
    params = GenerationParams(presence_penalty=0.5, stop=("END",))
    plan = build_chat_request(ChatState(config("xai"), catalog.GROK_3_MINI, params, HISTORY))
    for name in ("presence_penalty", "frequency_penalty", "stop"):
        assert name not in plan.body
        assert "reasoning models" in plan.omitted[name]
    assert plan.body["model"] == "grok-3-mini"
    assert plan.body["temperature"] == 0.7 and plan.body["top_p"] == 0.9 and plan.body["max_tokens"] == 1000


def test_other_providers_send_every_parameter():
    plan = build_chat_request(
        ChatState(config("modelslab"), catalog.GROK_3_MINI, GenerationParams(stop=("x",)), HISTORY)
    )
    assert plan.body["frequency_penalty"] == 0 and plan.body["presence_penalty"] == 0
    assert plan.body["stop"] == ["x"]
    assert plan.body["model"] == "x-ai-grok-3-mini-beta"
    assert plan.headers["Authorization"] == "Bearer ml-test-key-123"
    assert plan.body["messages"][0] == {"role": "system", "content": DEFAULTS.system}


def test_modelslab_body_key_payload_uses_the_pages_field_names():
    plan = build_chat_request(
        ChatState(config("modelslab", auth="body"), catalog.GROK_3_MINI, DEFAULTS, HISTORY, stream=False)
    )
    assert plan.body["model_id"] == "x-ai-grok-3-mini-beta"
    assert plan.body["key"] == "ml-test-key-123"
    assert plan.body["max_tokens"] == 1000
    assert "model" not in plan.body and "Authorization" not in plan.headers
    assert plan.redacted().body["key"] == "YOUR_API_KEY"
    assert "ml-test-key-123" not in repr(plan)


def test_reasoning_effort_per_provider_and_only_for_reasoning_models():
    params = GenerationParams(reasoning_effort="high")
    assert (
        build_chat_request(ChatState(config("xai"), catalog.GROK_3_MINI, params, HISTORY)).body["reasoning_effort"]
        == "high"
    )
    body = build_chat_request(ChatState(config("openrouter"), catalog.GROK_3_MINI, params, HISTORY)).body
    assert body["reasoning"] == {"effort": "high"} and body["model"] == "x-ai/grok-3-mini-beta"
    other = catalog.get_model("openai-gpt-oss-20b")
    plan = build_chat_request(ChatState(config("openrouter"), other, params, HISTORY))
    assert "reasoning" not in plan.body and plan.omitted["reasoning_effort"] == NOT_REASONING


def test_a_parameter_turned_off_by_the_user_is_not_sent():
    plan = build_chat_request(
        ChatState(config("modelslab"), catalog.GROK_3_MINI, DEFAULTS, HISTORY, disabled={"presence_penalty"})
    )
    assert "presence_penalty" not in plan.body and plan.omitted["presence_penalty"] == USER_DISABLED
    assert "frequency_penalty" in plan.body


def test_max_tokens_is_capped_by_the_models_context():
    plan = build_chat_request(
        ChatState(config("modelslab"), catalog.GROK_3_MINI, GenerationParams(max_tokens=131_072), HISTORY)
    )
    assert plan.body["max_tokens"] == 131_072
    with pytest.raises(ValueError):
        parse({"max_tokens": 131_073})


def test_empty_system_message_is_not_sent():
    plan = build_chat_request(
        ChatState(config("modelslab"), catalog.GROK_3_MINI, GenerationParams(system="  "), HISTORY)
    )
    assert plan.body["messages"] == HISTORY
