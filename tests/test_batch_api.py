"""The Batch API wire client against a loopback server speaking OpenAI's documented shape."""

from __future__ import annotations

import json

import pytest
from batch_loopback import BatchServer, parse_form

from playground.chat.errors import BadRequest, RateLimited, ServerError
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, ProviderConfig
from playground.wire import batch_api
from playground.wire.request import build_chat_request

KEY = "sk-batch-secret-4242"


def config(server: BatchServer) -> ProviderConfig:
    return ProviderConfig(CUSTOM, f"{server.url}/v1", api_key=KEY, auth="bearer")


def plans(cfg: ProviderConfig, n: int = 3):
    params = GenerationParams(temperature=0.2, max_tokens=300, reasoning_effort="low", system="Be brief.")
    out = []
    for i in range(n):
        state = ChatState(cfg, GROK_3_MINI, params, [{"role": "user", "content": f"question {i}"}])
        out.append((f"job-{i}", build_chat_request(state)))
    return out


def test_a_plan_becomes_exactly_the_documented_line() -> None:
    cfg = ProviderConfig(CUSTOM, "http://127.0.0.1:9/v1", api_key=KEY, auth="bearer")
    (custom_id, plan), *_ = plans(cfg, 1)
    assert plan.body["stream"] is True and plan.body["stream_options"] == {"include_usage": True}
    line = json.loads(batch_api.build_jsonl([(custom_id, plan)]).decode().splitlines()[0])
    expected_body = {k: v for k, v in plan.body.items() if k != "stream_options"} | {"stream": False}
    assert line == {"custom_id": "job-0", "method": "POST", "url": "/v1/chat/completions", "body": expected_body}
    assert list(line) == ["custom_id", "method", "url", "body"]
    assert KEY not in batch_api.build_jsonl([(custom_id, plan)]).decode()


def test_a_body_key_never_goes_into_the_file_and_ids_must_be_unique() -> None:
    cfg = ProviderConfig(CUSTOM, "http://127.0.0.1:9/v1", api_key=KEY, auth="body")
    (custom_id, plan), *_ = plans(cfg, 1)
    assert plan.body["key"] == KEY
    assert KEY not in batch_api.build_jsonl([(custom_id, plan)]).decode()
    with pytest.raises(BadRequest, match="its own custom_id"):
        batch_api.build_jsonl([(custom_id, plan), (custom_id, plan)])
    with pytest.raises(BadRequest, match="at least one"):
        batch_api.build_jsonl([])


def test_submit_poll_and_read_back_by_custom_id() -> None:
    with BatchServer(polls=3) as server:
        cfg = config(server)
        items = plans(cfg)
        info = batch_api.submit(cfg, items=items)
        upload, create = server.requests[0], server.requests[1]
        form = parse_form(upload)
        assert upload.path == "/v1/files" and form["purpose"] == b"batch"
        assert form["file"] == batch_api.build_jsonl(items)
        assert upload.headers["Authorization"] == f"Bearer {KEY}"
        assert create.json() == {
            "input_file_id": "file-1",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
        }
        assert info.status == "validating" and not info.done and info.total == 3
        seen = []
        while not info.done:
            info = batch_api.retrieve(cfg, batch_id=info.id)
            seen.append(info.status)
        assert seen == ["in_progress", "finalizing", "finalizing", "completed"]
        assert (info.completed, info.failed, info.error_file_id) == (3, 0, None)
        got = batch_api.results(cfg, info=info)
    assert sorted(got) == ["job-0", "job-1", "job-2"]
    for i in range(3):
        line = got[f"job-{i}"]
        assert line.ok and line.body["choices"][0]["message"]["content"] == f"echo: question {i}"
    assert info.as_json()["request_counts"] == {"total": 3, "completed": 3, "failed": 0}


def test_a_failed_line_and_an_expired_batch_are_read_as_such() -> None:
    with BatchServer(polls=0, fail_ids=frozenset({"job-1"})) as server:
        cfg = config(server)
        info = batch_api.retrieve(cfg, batch_id=batch_api.submit(cfg, items=plans(cfg)).id)
        got = batch_api.results(cfg, info=info)
    assert info.status == "completed" and (info.completed, info.failed) == (2, 1)
    assert got["job-0"].ok and got["job-2"].ok
    assert not got["job-1"].ok and got["job-1"].status_code == 500
    assert got["job-1"].error == "The server had an error processing the request"

    with BatchServer(polls=0, expire_after=1) as server:
        cfg = config(server)
        info = batch_api.retrieve(cfg, batch_id=batch_api.submit(cfg, items=plans(cfg)).id)
        got = batch_api.results(cfg, info=info)
    assert info.status == "expired" and info.done
    assert got["job-0"].ok
    assert got["job-1"].status_code is None and "completion window expired" in got["job-1"].error
    assert batch_api.missing(info, got, ["job-0", "job-1", "job-2", "job-9"]) == {
        "job-9": "The batch expired (24 hours) before this request ran."
    }


def test_a_429_on_create_is_rate_limited_with_its_wait_and_no_key() -> None:
    with BatchServer(create_429=1, echo_key=True) as server:
        cfg = config(server)
        with pytest.raises(RateLimited) as caught:
            batch_api.submit(cfg, items=plans(cfg))
        assert caught.value.retry_after == 7 and caught.value.status == 429
        assert KEY not in str(caught.value) and "[redacted]" in str(caught.value)
        info = batch_api.submit(cfg, items=plans(cfg))  # the next try goes through
        assert info.status == "validating"


def test_cancel_and_an_unknown_batch() -> None:
    with BatchServer(polls=5) as server:
        cfg = config(server)
        info = batch_api.cancel(cfg, batch_id=batch_api.submit(cfg, items=plans(cfg)).id)
        assert info.status == "cancelling" and not info.done
        info = batch_api.retrieve(cfg, batch_id=info.id)
        assert info.status == "cancelled" and info.done
        assert batch_api.missing(info, {}, ["job-0"]) == {
            "job-0": "The batch was cancelled before this request ran."
        }
        with pytest.raises(BadRequest, match="no longer has this batch"):
            batch_api.retrieve(cfg, batch_id="batch_404")


def test_ids_from_the_server_are_checked_before_they_go_into_a_path() -> None:
    with pytest.raises(ServerError, match="batch id"):
        batch_api.batch_info({"id": "../../files/secret", "status": "completed"})
    with pytest.raises(ServerError, match="file id"):
        batch_api.batch_info({"id": "batch_1", "status": "completed", "output_file_id": "a/b"})


def test_a_key_the_provider_echoes_in_a_batch_error_is_masked() -> None:
    data = {"id": "batch_1", "status": "failed", "errors": {"data": [{"message": f"bad input for {KEY}"}]}}
    info = batch_api.batch_info(data, secrets=[KEY])
    assert info.errors == ("bad input for [redacted]",) and KEY not in json.dumps(info.as_json())
