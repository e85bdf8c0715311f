"""Issue 12 through the pages: uploads (finding 6) and what public mode withholds from a shared server's users."""

from __future__ import annotations

from apptest_util import captions, send, start_app
from test_pricing_page import open_page

from playground.money import tokens
from playground.wire import http

SECRET = "sk-operator-SECRET-0123456789abcdef"


def test_finding_6_a_deeply_nested_jsonl_upload_is_explained_not_a_crash():
    """Finding 6: a deeply nested JSONL line raised an uncaught RecursionError on the pricing page."""
    at = open_page()
    deep = b'{"prompt": "ok"}\n{"prompt": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    at.file_uploader(key="pricing_batch_file").set_value(("rows.jsonl", deep, "text/plain")).run()
    assert not at.exception
    assert any("Line 2 is nested too deeply" in e.value for e in at.error)


def test_finding_6_uploaded_files_are_counted_once_per_content(monkeypatch):
    """Finding 6: every rerun of the pricing page counted every uploaded file again."""
    body = "A long uploaded document. " * 2_000
    counted: list[int] = []
    real = tokens.count_tokens

    def spy(text: str) -> int:  # the real counter, with a tally of the texts it was given
        if text == body:
            counted.append(1)
        return real(text)

    monkeypatch.setattr(tokens, "count_tokens", spy)
    at = open_page()
    at.file_uploader(key="pricing_files").set_value([("doc.txt", body.encode(), "text/plain")]).run()
    for requests in (200, 300, 400):  # unrelated changes rerun the page
        at.number_input(key="pricing_requests_per_day").set_value(requests).run()
    assert not at.exception
    assert len(counted) == 1


def test_public_mode_guards_the_local_default_and_names_no_key_source(monkeypatch):
    """Public mode: on a shared server the custom provider's localhost default is the server itself, and users
    need not learn which variable holds the operator's key."""
    http.close_all()
    monkeypatch.setenv("PLAYGROUND_PUBLIC", "1")
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_API_KEY", SECRET)
    at = start_app()
    assert "Using this deployment's key" in captions(at) and "PLAYGROUND_API_KEY" not in captions(at)
    assert at.text_input(key="base_url").placeholder == "https://llm.example.com/v1"
    send(at, "Hello")
    assert "does not call private or internal addresses" in "\n".join(e.value for e in at.error)
    http.close_all()
