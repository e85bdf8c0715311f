"""The offline engine's Batch API: over its loopback HTTP server and in-process, with no key."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from playground.chat.errors import BadRequest
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, ProviderConfig, resolve
from playground.offline import batches
from playground.offline import server as offline_server
from playground.wire import batch_api
from playground.wire.request import build_chat_request


@pytest.fixture
def server() -> Iterator[str]:
    srv = offline_server.serve("127.0.0.1", 0, pace=0, batch_delay=0.3)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield offline_server.base_url(srv)
    finally:
        srv.shutdown()
        srv.server_close()


def items(cfg: ProviderConfig, n: int = 3):
    params = GenerationParams(max_tokens=400, reasoning_effort="low")
    out = []
    for i in range(n):
        state = ChatState(cfg, GROK_3_MINI, params, [{"role": "user", "content": f"Name a river, number {i}."}])
        out.append((f"unit-{i}", build_chat_request(state)))
    return out


def wait_done(cfg: ProviderConfig, info: batch_api.BatchInfo, seconds: float = 20) -> batch_api.BatchInfo:
    deadline = time.monotonic() + seconds
    while not info.done and time.monotonic() < deadline:
        time.sleep(0.1)
        info = batch_api.retrieve(cfg, batch_id=info.id)
    return info


def test_the_server_answers_each_line_as_its_chat_endpoint_would(server: str) -> None:
    cfg = ProviderConfig(CUSTOM, server)
    plan_items = items(cfg)
    info = batch_api.submit(cfg, items=plan_items)
    assert info.status == "in_progress" and info.total == 3 and info.output_file_id is None
    assert batch_api.retrieve(cfg, batch_id=info.id).status == "in_progress"  # before the delay
    info = wait_done(cfg, info)
    assert info.status == "completed" and (info.completed, info.failed) == (3, 0)
    got = batch_api.results(cfg, info=info)
    for custom_id, plan in plan_items:
        live = httpx.post(f"{server}/chat/completions", json=batch_api.batch_body(plan)).json()
        assert got[custom_id].ok
        assert got[custom_id].body["choices"] == live["choices"] and got[custom_id].body["usage"] == live["usage"]


def test_a_line_the_engine_refuses_goes_to_the_error_file(server: str) -> None:
    cfg = ProviderConfig(CUSTOM, server)
    good = items(cfg, 1)
    bad = replace(good[0][1], body={**good[0][1].body, "max_tokens": 0})  # the engine refuses it (HTTP 400)
    info = wait_done(cfg, batch_api.submit(cfg, items=[good[0], ("unit-bad", bad)]))
    assert (info.completed, info.failed) == (1, 1) and info.error_file_id and info.output_file_id
    got = batch_api.results(cfg, info=info)
    assert got["unit-0"].ok
    assert got["unit-bad"].status_code == 400 and "max_tokens" in got["unit-bad"].error


def test_cancel_before_the_delay_ends_the_batch_with_no_answers(server: str) -> None:
    cfg = ProviderConfig(CUSTOM, server)
    info = batch_api.cancel(cfg, batch_id=batch_api.submit(cfg, items=items(cfg)).id)
    assert info.status == "cancelling"
    info = batch_api.retrieve(cfg, batch_id=info.id)
    assert info.status == "cancelled" and info.output_file_id is None
    time.sleep(0.4)
    assert batch_api.retrieve(cfg, batch_id=info.id).status == "cancelled"  # never completes afterwards


def test_the_documented_rules_are_enforced(server: str) -> None:
    cfg = ProviderConfig(CUSTOM, server)
    with pytest.raises(BadRequest, match="names no uploaded file"):
        batch_api.create(cfg, input_file_id="file-missing")
    response = httpx.post(f"{server}/files", data={"purpose": "fine-tune"}, files={"file": ("a.jsonl", b"{}\n")})
    assert response.status_code == 400 and "purpose 'batch'" in response.json()["error"]["message"]
    dup = items(cfg, 1) * 2
    file_id = batch_api.upload(cfg, jsonl=b"\n".join(batch_api.build_jsonl(dup[:1]) for _ in range(2)))
    with pytest.raises(BadRequest, match="repeats the custom_id"):
        batch_api.create(cfg, input_file_id=file_id)


def test_the_in_process_engine_runs_a_batch_with_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(batches.DELAY_ENV, "0")
    cfg = resolve("offline", env={})
    assert cfg.provider.offline and not cfg.api_key
    info = wait_done(cfg, batch_api.submit(cfg, items=items(cfg, 2)))
    assert info.status == "completed"
    got = batch_api.results(cfg, info=info)
    assert sorted(got) == ["unit-0", "unit-1"] and all(line.ok for line in got.values())


def test_the_store_is_bounded() -> None:
    store = batches.BatchStore(delay=0)
    form = (
        b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.jsonl"\r\n\r\n{}\r\n--b--\r\n'
    )
    ids = []
    for _ in range(batches.MAX_FILES + 5):
        answer = store.handle("POST", "/v1/files", "multipart/form-data; boundary=b", form)
        assert answer is not None and answer.status == 200
        ids.append(answer.payload["id"])
    kept = [i for i in ids if store.handle("GET", f"/v1/files/{i}", "", b"").status == 200]
    assert kept == ids[-batches.MAX_FILES :]
    assert store.handle("POST", "/v1/chat/completions", "", b"") is None  # not a Batch API route


def test_a_batch_is_in_progress_until_the_delay_then_finalizing_then_completed() -> None:
    now = [100.0]
    store = batches.BatchStore(delay=30, clock=lambda: now[0])
    cfg = ProviderConfig(CUSTOM, "http://offline.invalid/v1")
    jsonl = batch_api.build_jsonl(items(cfg, 2))
    form = (
        b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="in.jsonl"\r\n\r\n'
        + jsonl
        + b"\r\n--b--\r\n"
    )
    file_id = store.handle("POST", "/v1/files", "multipart/form-data; boundary=b", form).payload["id"]
    create = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h"}
    batch_id = store.handle("POST", "/v1/batches", "application/json", json.dumps(create).encode()).payload["id"]

    def look() -> dict:
        return store.handle("GET", f"/v1/batches/{batch_id}", "", b"").payload

    assert look()["status"] == "in_progress"
    now[0] += 29.9
    assert look()["status"] == "in_progress"
    now[0] += 0.1
    assert look()["status"] == "finalizing"  # the lines are answered on a thread, not in this look
    deadline = time.monotonic() + 20
    while look()["status"] == "finalizing" and time.monotonic() < deadline:
        time.sleep(0.02)
    done = look()
    assert done["status"] == "completed" and done["request_counts"] == {"total": 2, "completed": 2, "failed": 0}
    output = store.handle("GET", f"/v1/files/{done['output_file_id']}/content", "", b"").content
    assert sorted(json.loads(x)["custom_id"] for x in output.decode().splitlines()) == ["unit-0", "unit-1"]
