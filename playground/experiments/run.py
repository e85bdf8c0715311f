"""One prompt to every variant at once: a thread per variant, each streaming into its own sink; Stop stops all."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import httpx

from playground.chat.conversation import Reply
from playground.chat.errors import NotAllowed, OverBudget, PlaygroundError
from playground.chat.events import Event
from playground.chat.turn import ReplyBuilder
from playground.money.budget import Ledger
from playground.store.records import Budget
from playground.tools.calls import ToolCall
from playground.tools.response_format import ReplyCheck, check_reply
from playground.wire.protocols import build_plan, stream_events
from playground.wire.request import RequestPlan
from playground.wire.retry import RetryNotice

from .variant import Variant

History = Sequence[Mapping[str, str]]
SENT_KEYS = ("temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty", "stop")


class Sink(Protocol):
    """Where a variant's typed events go as they arrive (a ``ReplyBuilder`` is one)."""

    def feed(self, event: Event) -> None: ...


def open_stream(
    variant: Variant,
    history: History,
    *,
    client: httpx.Client | None = None,
    headers: Mapping[str, str] | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> tuple[RequestPlan, Iterator[Event]]:
    """The one adapter onto the playground's single-request path: the plan and its (lazy) event stream.

    ``headers`` are added to the request (a job's ``Idempotency-Key``); ``on_retry`` hears each retry the wire
    makes (a job's shared rate limit slows down on a 429)."""
    state = variant.chat_state(history)
    plan = build_plan(state)
    if headers:
        plan = replace(plan, headers={**plan.headers, **headers})
    return plan, stream_events(state, plan, client=client, on_retry=on_retry)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished request: the answer text, its reply record (usage, cost, timings, status), any error, the tool
    calls the model asked for and the reply's check against the variant's response format."""

    text: str
    reply: Reply
    error: PlaygroundError | None = None
    calls: tuple[ToolCall, ...] = ()
    format_check: ReplyCheck | None = None

    def output(self) -> str:
        """The answer, or the tool calls asked for when there is no text (what a test set's checks read)."""
        if self.text or not self.calls:
            return self.text
        return json.dumps([c.as_dict() for c in self.calls], ensure_ascii=False)


def _sent(plan: RequestPlan, variant: Variant) -> dict[str, object]:
    sent: dict[str, object] = {k: plan.body[k] for k in SENT_KEYS if k in plan.body}
    effort = variant.params.reasoning_effort
    sent["reasoning_effort"] = None if "reasoning_effort" in plan.omitted else effort
    sent["system"] = variant.params.system
    sent["protocol"] = variant.protocol
    return sent


def start_builder(variant: Variant, plan: RequestPlan) -> ReplyBuilder:
    """The reply builder for ``plan`` (its clock starts now): priced, timed and counted as in the playground."""
    return ReplyBuilder(
        model=variant.model,
        provider_id=variant.config.provider.id,
        params=_sent(plan, variant),
        messages=plan.body.get("messages", []),
        estimated=variant.config.provider.offline,
        tools=variant.tools.tools,
        extra_tokens=variant.tools.extra_tokens(),
    )


def run_one(
    variant: Variant,
    history: History,
    *,
    stop: threading.Event,
    client: httpx.Client | None = None,
    allow: Callable[[str], bool] | None = None,
    on_builder: Callable[[ReplyBuilder], None] | None = None,
    sink: Sink | None = None,
    ledger: Ledger | None = None,
    headers: Mapping[str, str] | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Outcome:
    """Stream one request to the end, a stop or an error; never raises a ``PlaygroundError``.

    ``stop`` is checked between events; a stop closes the HTTP response (generation and billing stop).
    ``on_builder`` receives the live builder before the request is sent; ``sink`` gets every event too.
    ``ledger`` holds the daily budget before sending (a refusal is the outcome's error, nothing sent) and records
    the reply's spend after, as the chat does.
    """
    plan, events = open_stream(variant, history, client=client, headers=headers, on_retry=on_retry)
    builder = start_builder(variant, plan)
    if on_builder is not None:
        on_builder(builder)
    status, error, hold, sent = "stopped", None, None, False
    try:
        if not variant.config.provider.offline and allow is not None and not allow(variant.config.base_url):
            raise NotAllowed(f"This deployment does not allow requests to {variant.config.base_url}.")
        hold = _hold(ledger, variant, history)
        sent = True
        for event in events:
            builder.feed(event)
            if sink is not None:
                sink.feed(event)
            if stop.is_set():
                break
        else:
            status = None
    except PlaygroundError as exc:
        status, error = "error", exc
        builder.text_parts[:] = [exc.partial_text or builder.text]
        builder.reasoning_parts[:] = [exc.partial_reasoning or builder.reasoning]
    finally:
        events.close()  # closes the HTTP response
    reply = builder.finish(status=status, error=error)
    if ledger is not None and sent:
        ledger.record(reply=reply, reservation=hold)
    calls = tuple(builder.tool_calls())
    checked = check_reply(builder.text, variant.tools.response_format) if error is None and not calls else None
    return Outcome(builder.text, reply, error, calls, checked)


def budget_messages(variant: Variant, history: History) -> list[Mapping[str, str]]:
    """What the daily budget counts as a request's prompt: the system message and the history."""
    system = [{"role": "system", "content": variant.params.system}] if variant.params.system else []
    return [*system, *history]


def _hold(ledger: Ledger | None, variant: Variant, history: History) -> Budget | None:
    """The daily budget's reservation for this request; raises ``OverBudget`` when it refuses."""
    if ledger is None:
        return None
    got = ledger.hold(
        price=variant.priced_model().price,
        messages=budget_messages(variant, history),
        max_tokens=variant.params.max_tokens,
        config=variant.config,
        offline=variant.config.provider.offline,
    )
    if isinstance(got, str):
        raise OverBudget(got)
    return got


class Lane:
    """One variant's column: its live builder while streaming, its outcome when done."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.builder: ReplyBuilder | None = None
        self.outcome: Outcome | None = None
        self.thread: threading.Thread | None = None

    def _set_builder(self, builder: ReplyBuilder) -> None:
        self.builder = builder

    @property
    def done(self) -> bool:
        return self.outcome is not None


class CompareRun:
    """One prompt streaming to every variant at once; ``stop()`` stops them all, an error stops only its own."""

    def __init__(
        self,
        variants: Sequence[Variant],
        history: History,
        *,
        client: httpx.Client | None = None,
        allow: Callable[[str], bool] | None = None,
        sinks: Sequence[Sink | None] | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.lanes = [Lane(v) for v in variants]
        self.ledger = ledger
        self.history = list(history)
        self.client = client
        self.allow = allow
        self.sinks = list(sinks) if sinks is not None else [None] * len(self.lanes)
        self.stop_event = threading.Event()

    def _work(self, lane: Lane, sink: Sink | None) -> None:
        lane.outcome = run_one(
            lane.variant,
            self.history,
            stop=self.stop_event,
            client=self.client,
            allow=self.allow,
            on_builder=lane._set_builder,
            sink=sink,
            ledger=self.ledger,
        )

    def start(self) -> CompareRun:
        """Send every request now (one daemon thread each)."""
        for lane, sink in zip(self.lanes, self.sinks, strict=True):
            lane.thread = threading.Thread(target=self._work, args=(lane, sink), daemon=True, name="compare-lane")
            lane.thread.start()
        return self

    def stop(self) -> None:
        """Stop every variant at its next event."""
        self.stop_event.set()

    @property
    def done(self) -> bool:
        return all(lane.done for lane in self.lanes)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every lane has finished (True) or ``timeout`` seconds have passed (False)."""
        for lane in self.lanes:
            if lane.thread is not None:
                lane.thread.join(timeout)
        return self.done

    def outcomes(self) -> list[Outcome | None]:
        return [lane.outcome for lane in self.lanes]


def compare(variants: Sequence[Variant], history: History, **kwargs: object) -> CompareRun:
    """Start one prompt (the last message of ``history``) on every variant; returns the running comparison."""
    return CompareRun(variants, history, **kwargs).start()  # type: ignore[arg-type]
