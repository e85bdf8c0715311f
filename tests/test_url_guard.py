"""Base URLs: strict parsing, the segment-wise allowlist and public mode (issue 12, findings 2 and 7)."""

from __future__ import annotations

import httpcore
import httpx
import pytest
from loopback import LoopbackServer, sse, sse_reply

from playground.chat.errors import NotAllowed
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.urls import UnsafeURL, allowed_by, normalise
from playground.wire import http
from playground.wire.guard import AddressRefused, PublicOnlyBackend, blocked_address
from playground.wire.openai_chat import stream_chat
from playground.wire.protocols import build_plan

MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
GOOD = sse({"choices": [{"delta": {"content": "Fine"}, "finish_reason": "stop"}]})


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


@pytest.fixture
def internal():
    """A loopback service standing in for an internal address; it records any request that reaches it."""
    with LoopbackServer(sse_reply(GOOD)) as server:
        yield server


def send(config) -> list:
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return list(stream_chat(plan, config=config))


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pw@127.0.0.1:8011/v1",
        "http://127.0.0.1:8011/v1?x=1",
        "http://127.0.0.1:8011/v1#frag",
        "http://127.0.0.1:8011/v1/../admin",
        "http://127.0.0.1:8011/v1/./x",
        "http://127.0.0.1:8011/v1/%2e%2e/admin",
        "http://127.0.0.1:8011/v1/%2E%2e/admin",
        "http://127.0.0.1:8011/v1/%252e%252e/admin",
        "http://127.0.0.1:8011/v1/%2fadmin",
        "http://127.0.0.1:8011\\v1",
        "ftp://127.0.0.1/v1",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http:///v1",
        "http://127.0.0.1:99999/v1",
        "http://exa mple.com/v1",
    ],
)
def test_urls_that_could_change_the_target_are_refused(url):
    """Finding 7: user info, ?, #, dot segments (percent-encoded too) and other schemes are refused outright."""
    with pytest.raises(UnsafeURL):
        normalise(url)


def test_normal_form():
    assert normalise("HTTPS://API.Example.COM:443/v1/") == "https://api.example.com/v1"
    assert normalise("http://[::1]:8080/v1") == "http://[::1]:8080/v1"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://llm.example.com/v1", True),
        ("https://LLM.example.com:443/v1/", True),
        ("https://llm.example.com/v1/chat", True),
        ("https://llm.example.com/v10", False),
        ("https://llm.example.com/v1/../../steal", False),
        ("https://llm.example.com/v1/%2e%2e/%2e%2e/steal", False),
        ("https://llm.example.com/v1/../../steal#", False),
        ("https://llm.example.com/v1?x", False),
        ("http://llm.example.com/v1", False),
        ("https://llm.example.com:8443/v1", False),
        ("https://llm.example.com.evil.test/v1", False),
        ("https://llm.example.com@evil.test/v1", False),
    ],
)
def test_the_allowlist_compares_scheme_host_port_and_whole_segments(url, allowed):
    """Finding 7: the allowlist was a string prefix, so ``<allowed>/v1/../../steal#`` passed."""
    assert allowed_by(url, ["https://llm.example.com/v1"]) is allowed
    env = {"PLAYGROUND_ALLOWED_BASE_URLS": "https://llm.example.com/v1"}
    assert providers.base_url_allowed(url, env) is allowed


def test_an_allowed_host_with_a_path_escape_gets_no_request_and_no_key(internal):
    """Finding 1 and 7: the operator's key reached any path of an allowed host."""
    env = {"PLAYGROUND_ALLOWED_BASE_URLS": internal.url + "/v1", "PLAYGROUND_API_KEY": "sk-operator-0123456789"}
    config = providers.resolve("custom", env=env, base_url=internal.url + "/v1/../../steal#")
    assert config.api_key == "" and "cannot be used" in config.problem
    with pytest.raises(NotAllowed):
        send(config)
    assert internal.requests == []


@pytest.mark.parametrize("suffix", ["?", "#", "/x?y=", "/v1#"])
def test_a_question_mark_or_hash_cannot_swallow_the_path(internal, suffix):
    """Finding 2: ``#`` or ``?`` in the base URL cut off ``/chat/completions`` and the page showed the reply."""
    config = providers.resolve("custom", env={}, base_url=internal.url + suffix)
    with pytest.raises(NotAllowed):
        send(config)
    assert internal.requests == []


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "240.0.0.1"]
    + ["::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "100.64.0.1"],
)
def test_private_reserved_and_mapped_addresses_are_blocked(address):
    assert blocked_address(address)


def test_public_addresses_are_not_blocked():
    assert not blocked_address("93.184.216.34") and not blocked_address("2606:2800:220:1::1")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_public_mode_refuses_typed_urls_that_reach_private_addresses(internal, monkeypatch, host):
    """Finding 2: without an allowlist a typed URL reached loopback, private and link-local addresses.

    ``localhost`` is a name: only the address it resolves to at connect time shows it is loopback.
    """
    env = {"PLAYGROUND_PUBLIC": "1"}
    url = internal.url.replace("127.0.0.1", host) + "/v1"
    config = providers.resolve("custom", env=env, base_url=url)
    assert config.public_only
    with pytest.raises(NotAllowed) as info:
        send(config)
    assert "private or internal" in info.value.message
    assert internal.requests == []


def test_the_address_checked_is_the_address_resolved_at_connect_time():
    """A name that resolves to a private address (DNS rebinding) is refused when connecting, not only when typed:
    every address of the answer is checked, one private address is enough to refuse."""
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34", "127.0.0.1"]

    transport = httpx.HTTPTransport()
    transport._pool._network_backend = PublicOnlyBackend(resolver=rebinding)
    with httpx.Client(transport=transport, timeout=2) as client, pytest.raises(httpx.ConnectError) as info:
        client.get("http://rebind.test:9/v1")
    assert isinstance(info.value.__cause__, AddressRefused) and asked == ["rebind.test"]


def test_every_checked_address_is_tried_in_order_until_one_answers(internal):
    """A host whose first address does not answer (an IPv6 address on a machine without an IPv6 route) is
    reached on its next checked address; the network below maps the public addresses onto the loopback server."""
    port = int(internal.url.rsplit(":", 1)[1])
    tried: list[str] = []
    unreachable = {"2606:4700::6810:1"}

    class Network(httpcore.SyncBackend):  # this machine's network: some addresses unreachable
        def connect_tcp(self, host, port_, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
            tried.append(host)
            if host in unreachable:
                raise httpcore.ConnectError("network is unreachable")
            return super().connect_tcp("127.0.0.1", port, timeout, local_address, socket_options)

    backend = PublicOnlyBackend(resolver=lambda host, _: ["2606:4700::6810:1", "1.1.1.1"], inner=Network())
    transport = httpx.HTTPTransport()
    transport._pool._network_backend = backend
    with httpx.Client(transport=transport, timeout=2) as client:
        assert client.post("http://api.example.test/v1/chat/completions", json={}).status_code == 200
    assert tried == ["2606:4700::6810:1", "1.1.1.1"]
    unreachable.add("1.1.1.1")
    tried.clear()
    with httpx.Client(transport=transport, timeout=2) as client, pytest.raises(httpx.ConnectError):
        client.post("http://api.example.test/v1/chat/completions", json={})
    assert tried == ["2606:4700::6810:1", "1.1.1.1"]  # every address tried, then the last failure raised


def test_public_mode_allows_allowlisted_private_urls_and_the_operators_url(internal):
    env = {"PLAYGROUND_PUBLIC": "1", "PLAYGROUND_ALLOWED_BASE_URLS": internal.url + "/v1"}
    listed = providers.resolve("custom", env=env, base_url=internal.url + "/v1")
    assert not listed.public_only and send(listed)
    operator = providers.resolve(
        "custom", env={"PLAYGROUND_PUBLIC": "1", "PLAYGROUND_BASE_URL": internal.url + "/v1"}
    )
    assert operator.url_source == "operator" and send(operator)


def test_the_local_default_keeps_working_without_settings(internal):
    """One person on their own machine: a local server typed as the custom URL, no settings at all."""
    config = providers.resolve("custom", env={}, base_url=internal.url + "/v1")
    assert not config.problem and not config.public_only
    assert send(config)
    assert providers.resolve("custom", env={}).base_url == "http://127.0.0.1:11434/v1"
