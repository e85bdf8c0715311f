"""The playground with tools and output formats, on the offline engine: call cards, answers, mocks, schema
checks, refusals before sending, role-based message editing, and the one-click retry without tools."""

from __future__ import annotations

import json

from apptest_util import captions, chat, run, send, start_app
from loopback import LoopbackServer, json_reply

from playground.tools.examples import REVIEW


def open_tools(at, tab: str = "Output format"):
    at.session_state["tools_tab"] = tab  # only the open tab is built
    at.button(key="open_tools").click()
    return run(at)


def load_examples(at):
    open_tools(at, "Tools")
    at.button(key="tools_examples").click()
    run(at)
    at.button(key="tools_done").click()
    return run(at)


def answer_boxes(at) -> list[str]:
    return [t.key for t in at.text_area if t.key and t.key.startswith("tool_answer_")]


def test_a_full_tool_round_trip_card_typed_result_final_answer():
    at = load_examples(start_app())
    assert "3 tools" in captions(at)
    send(at, "What's the weather in Paris?")
    (box,) = answer_boxes(at)
    call_id = box.removeprefix("tool_answer_")
    card = at.get("flex_container")  # the call card is drawn with its name, id and checked arguments
    assert card is not None
    code = [c.value for c in at.code]
    assert json.dumps({"city": "Paris"}, indent=2) in code
    assert "Arguments valid for the tool's parameters." in captions(at)
    at.text_area(key=box).input('{"temperature": 19, "sky": "cloudy"}')
    at.button(key=f"send_result_{call_id}").click()
    run(at)
    messages = chat(at)
    assert [m[0] for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert '{"temperature": 19, "sky": "cloudy"}' in messages[-1][1] and "get_weather" in messages[-1][1]
    assert not answer_boxes(at)


def test_answer_with_mocks_answers_every_call_and_the_model_goes_on():
    at = load_examples(start_app())
    open_tools(at, "Answering calls")
    at.toggle(key="tools_auto_mocks").set_value(True)
    run(at)
    at.button(key="tools_done").click()
    run(at)
    send(at, "What's the weather in Oslo, and search the docs for umbrellas")
    roles = [m[0] for m in chat(at)]
    assert roles == ["user", "assistant", "tool", "tool", "assistant"]
    final = chat(at)[-1][1]
    assert '"city": "Oslo"' in final and '"query": "umbrellas"' in final  # the mocks, filled with the arguments
    assert not answer_boxes(at)


def test_the_round_limit_stops_a_loop_of_mocked_calls():
    at = load_examples(start_app())
    open_tools(at, "Answering calls")
    at.toggle(key="tools_auto_mocks").set_value(True)
    at.number_input(key="tools_round_limit").set_value(1)
    run(at)
    at.session_state["tools_tab"] = "Tools"
    run(at)
    at.toggle(key="tools_parallel").set_value(False)  # one call per round: two tools need two rounds
    run(at)
    at.button(key="tools_done").click()
    run(at)
    send(at, "What's the weather in Oslo, and search the docs for umbrellas")
    assert [m[0] for m in chat(at)] == ["user", "assistant", "tool"]
    assert any("round limit" in w.value for w in at.warning)


def test_a_schema_reply_is_marked_valid_with_pretty_json():
    at = open_tools(start_app())
    at.radio(key="fmt_kind").set_value("json_schema")
    run(at)
    at.button(key="schema_start_review").click()
    run(at)
    at.button(key="tools_done").click()
    run(at)
    assert "JSON schema (review)" in captions(at)
    send(at, "Review this phone, rating: 4")
    assert ":material/check_circle: Valid JSON" in captions(at)
    reply = json.loads(at.chat_message[-1].code[-1].value)  # pretty JSON in a code block (with copy)
    assert reply["rating"] == 4 and set(reply) == set(REVIEW["required"])


def test_an_invalid_schema_is_refused_before_anything_is_sent():
    at = open_tools(start_app())
    at.radio(key="fmt_kind").set_value("json_schema")
    run(at)
    at.text_area(key="fmt_schema").input('{"type": "object", "properties": {"a": {"type": "strin"}}}')
    run(at)
    assert any("$.properties.a.type" in e.value for e in at.error)
    at.button(key="tools_done").click()
    run(at)
    assert any("$.properties.a.type" in w.value for w in at.warning)  # the sidebar says it too
    send(at, "Hello")
    assert chat(at) == []
    assert any("Not sent" in e.value and "$.properties.a.type" in e.value for e in at.error)


def test_messages_of_any_role_are_added_reordered_and_rerun_from_an_earlier_one():
    at = start_app()
    at.button(key="open_messages").click()
    run(at)
    for role, text in (("system", "Answer in one word."), ("user", "First question"), ("user", "Second")):
        at.selectbox(key="new_message_role").set_value(role)
        at.text_area(key="new_message_text").input(text)
        at.button(key="add_message").click()
        run(at)
    at.button(key="msg_up_3_2").click()  # "Second" above "First question"
    run(at)
    texts = [at.text_area(key=f"msg_text_4_{i}").value for i in range(3)]
    assert texts == ["Answer in one word.", "Second", "First question"]
    at.text_area(key="msg_text_4_1").input("Second, edited")
    run(at)
    at.button(key="msg_rerun_4_1").click()  # keep the system message and "Second, edited"; reply to it
    run(at)
    messages = chat(at)
    assert [m[0] for m in messages] == ["system", "user", "assistant"]
    assert messages[1][1] == "Second, edited" and "Second, edited" in messages[2][1]


def test_a_provider_that_rejects_tools_gets_a_one_click_retry_without(monkeypatch):
    def handler(req):
        if "tools" in req.json():
            error = {"message": "Argument not supported on this model: tools", "type": "invalid_request_error"}
            return json_reply(400, {"error": error})
        return json_reply(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Plain."},
                                             "finish_reason": "stop"}]})  # fmt: skip

    with LoopbackServer(handler) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = load_examples(start_app())
        send(at, "Weather in Paris?")
        assert any("tools" in e.value for e in at.error)
        at.button(key="retry_without").click()
        run(at)
        assert "tools" not in server.requests[-1].json() and chat(at)[-1] == ("assistant", "Plain.")
        assert [m[0] for m in chat(at)] == ["user", "assistant"]


def test_view_code_and_the_json_export_carry_the_tool_conversation():
    at = load_examples(start_app())
    open_tools(at, "Answering calls")
    at.toggle(key="tools_auto_mocks").set_value(True)
    run(at)
    at.button(key="tools_done").click()
    run(at)
    send(at, "What's the weather in Paris?")
    at.button(key="view_code").click()
    run(at)
    code = "\n".join(c.value for c in at.code)
    assert "search_docs" in code and "tool_call_id" in code and '"role": "tool"' in code
    assert "fetch(" in code and "curl" in code


def test_a_tool_round_trip_over_the_anthropic_protocol(monkeypatch):
    import threading

    from playground.offline.server import serve

    server = serve(pace=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        monkeypatch.setenv("MODELSLAB_API_KEY", "ml-test-key-0000")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", f"http://{host}:{port}")
        at = start_app()
        at.radio(key="protocol").set_value("anthropic")
        run(at)
        load_examples(at)
        send(at, "What's the weather in Paris?")
        (box,) = answer_boxes(at)
        at.text_area(key=box).input("light rain, 14 C")
        at.button(key=f"send_result_{box.removeprefix('tool_answer_')}").click()
        run(at)
        messages = chat(at)
        assert [m[0] for m in messages] == ["user", "assistant", "tool", "assistant"]
        assert "light rain, 14 C" in messages[-1][1] and '{"city": "Paris"}' in messages[-1][1]
    finally:
        server.shutdown()
        server.server_close()


def test_what_the_model_puts_in_a_call_is_shown_inert(monkeypatch):
    from loopback import sse, sse_reply

    evil = "x](http://evil.invalid/p.png)"
    call = {"index": 0, "id": "c1![a](http://evil.invalid/i.png)", "type": "function",
            "function": {"name": evil, "arguments": '{"city": "![i](http://evil.invalid/p.png)"}'}}  # fmt: skip
    chunks = sse(
        {"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    )
    with LoopbackServer(lambda req: sse_reply(chunks)) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = load_examples(start_app())
        send(at, "Weather?")
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("not among the defined tools" in text for text in shown)
    assert not [text for text in shown if "](" in text or "![" in text]
    assert any("evil.invalid" in c.value for c in at.code)  # the raw arguments stay visible, as code


def test_a_schema_reply_that_breaks_the_schema_is_marked_invalid_at_its_path(monkeypatch):
    content = '{"label": "rant", "confidence": 2, "reason": "x"}'
    reply = {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]
    }
    with LoopbackServer(json_reply(200, reply)) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = open_tools(start_app())
        at.radio(key="fmt_kind").set_value("json_schema")
        run(at)
        at.button(key="schema_start_classification").click()
        run(at)
        at.button(key="tools_done").click()
        run(at)
        send(at, "Classify: this is awful")
        sent = server.requests[-1].json()["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "classification"
    assert any(c.value.startswith(":material/error: Invalid: $.label:") for c in at.caption)
