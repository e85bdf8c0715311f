"""Build one reply record from a stream of events: text, reasoning, timings, usage (billed or estimated), cost."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from playground.chat.conversation import Reply, Status, Timings
from playground.chat.errors import PlaygroundError
from playground.chat.events import (
    UNKNOWN_FINISH,
    Event,
    Finish,
    ReasoningDelta,
    ServedModel,
    TextDelta,
    ToolCallDelta,
    Usage,
)
from playground.facts.catalog import Model
from playground.money.tokens import count_tokens
from playground.offline import ENGINE_MODEL
from playground.tools.calls import ToolCall, ToolCallAccumulator
from playground.tools.count import history_tokens
from playground.tools.functions import ToolSpec

_STATUS_OF: dict[str, Status] = {"length": "length", UNKNOWN_FINISH: "unconfirmed"}  # other reasons: complete


class ReplyBuilder:
    """Accumulate one reply as its events arrive, measuring time from the moment the request was sent.

    Args:
        model: the catalogue model (for the price).
        provider_id: which provider answered.
        params: the parameters sent, as a plain dict (kept with the reply).
        messages: the wire messages sent (for an estimated prompt count when the server reports no usage).
        estimated: label the usage as an estimate even when the server sent one (the offline engine).
        tools: the tools sent (calls are checked against them); ``extra_tokens`` what they and a response format
            add to the estimated prompt.
        clock: a monotonic clock in seconds (injectable for tests).
    """

    def __init__(
        self,
        *,
        model: Model,
        provider_id: str,
        params: Mapping[str, object],
        messages: Sequence[Mapping[str, str]],
        estimated: bool = False,
        clock: Callable[[], float] = time.perf_counter,
        tools: Sequence[ToolSpec] = (),
        extra_tokens: int = 0,
    ) -> None:
        self.model = model
        self.provider_id = provider_id
        self.params = dict(params)
        self.messages = list(messages)
        self.force_estimated = estimated
        self.clock = clock
        self.start = clock()
        self.text_parts: list[str] = []
        self.reasoning_parts: list[str] = []
        self.calls = ToolCallAccumulator(tools)
        self.extra_tokens = extra_tokens
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.served: str | None = None  # the reply's ``model`` field, when the server sent one
        self.first_token: float | None = None
        self.first_reasoning: float | None = None
        self.first_answer: float | None = None
        self.version = 0  # bumps on every text or reasoning change (renderers compare it)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    @property
    def reasoning(self) -> str:
        return "".join(self.reasoning_parts)

    def _elapsed(self) -> float:
        return self.clock() - self.start

    def feed(self, event: Event) -> None:
        """Take one event from the client."""
        if isinstance(event, TextDelta | ReasoningDelta) and event.text:
            now = self._elapsed()
            self.first_token = self.first_token if self.first_token is not None else now
            self.version += 1
            if isinstance(event, TextDelta):
                self.first_answer = self.first_answer if self.first_answer is not None else now
                self.text_parts.append(event.text)
            else:
                self.first_reasoning = self.first_reasoning if self.first_reasoning is not None else now
                self.reasoning_parts.append(event.text)
        elif isinstance(event, Finish):
            self.finish_reason = event.reason
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, ToolCallDelta):
            self.first_token = self.first_token if self.first_token is not None else self._elapsed()
            self.calls.add(event)
            self.version += 1
        elif isinstance(event, ServedModel):
            from playground.facts.model_names import safe_name

            self.served = safe_name(event.name) or None

    def tool_calls(self) -> list[ToolCall]:
        """The calls received, complete and checked against the tools."""
        return self.calls.finish()

    def reasoning_seconds(self) -> float | None:
        """How long the model thought: from its first reasoning token to its first answer token (or now)."""
        if self.first_reasoning is None:
            return None
        end = self.first_answer if self.first_answer is not None else self._elapsed()
        return max(0.0, end - self.first_reasoning)

    def estimated_usage(self) -> Usage:
        """Usage from the estimator, for servers that send none."""
        reasoning = count_tokens(self.reasoning)
        calls = sum(count_tokens(c.arguments) + count_tokens(c.name or "") for c in self.calls.pending)
        return Usage(
            prompt_tokens=history_tokens(self.messages) + self.extra_tokens,
            completion_tokens=count_tokens(self.text) + reasoning + calls,
            reasoning_tokens=reasoning,
            estimated=True,
        )

    def final_usage(self) -> Usage:
        """The server's usage (labelled estimated for the offline engine), or the estimator's.

        A ``cost`` field is used as the price only from a provider documented to send it (OpenRouter); from any
        other server it stays in the raw usage (shown in the note) and the tokens are priced instead.
        """
        if self.usage is None:
            return self.estimated_usage()
        usage = self.usage
        if usage.cost is not None and not _reports_cost(self.provider_id):
            usage = replace(usage, cost=None)
        return replace(usage, estimated=True) if self.force_estimated else usage

    def usage_flags(self) -> str:
        """What in the server's usage is not believed: a ``cost`` from a server not known to bill that way, or
        more output tokens than ``max_tokens`` allows (the budget never charges more than the request's hold)."""
        if self.usage is None:
            return ""
        notes = []
        if self.usage.cost is not None and not _reports_cost(self.provider_id):
            from playground.money.pricing import format_usd

            notes.append(f"the server reported a cost of {format_usd(self.usage.cost)} (not used: unverified)")
        limit = self.params.get("max_tokens")
        if isinstance(limit, int) and self.usage.output_tokens > limit:
            notes.append(f"the server reported {self.usage.output_tokens:,} output tokens, past max tokens")
        return "; ".join(notes)

    def served_by(self) -> str | None:
        """The model that answered when it is not the one asked for (never for the offline engine's stand-in)."""
        if not self.served or self.force_estimated or self.served == ENGINE_MODEL:
            return None  # the offline engine (in-process or on loopback) stands in for the model asked
        from playground.facts.model_names import is_asked

        return (
            None if is_asked(asked=self.model, provider_id=self.provider_id, served=self.served) else self.served
        )

    def timings(self) -> Timings:
        total = self._elapsed()
        usage = self.final_usage()
        rate = None
        if self.first_token is not None and total - self.first_token > 0 and usage.output_tokens:
            rate = usage.output_tokens / (total - self.first_token)
        return Timings(self.first_token, self.first_answer, total, self.reasoning_seconds(), rate)

    def finish(self, *, status: Status | None = None, error: PlaygroundError | None = None) -> Reply:
        """The reply record; ``status`` defaults from the finish reason (length, unconfirmed, else complete)."""
        if status is None:
            status = "error" if error else _STATUS_OF.get(self.finish_reason or "", "complete")
        usage = self.final_usage()
        other = self.served_by()
        price_cost, price_note = _cost(usage, self.model, other, self.provider_id)
        flags = self.usage_flags()
        price_note = "; ".join(n for n in (price_note, flags) if n)
        return Reply(
            model_id=self.model.id,
            provider_id=self.provider_id,
            params=self.params,
            reasoning=self.reasoning,
            usage=usage,
            cost=price_cost,
            asked_model=self.model.name_for(self.provider_id),
            served_model=self.served,
            served_other=other is not None,
            price_note=price_note,
            timings=self.timings(),
            finish_reason=self.finish_reason or ("error" if error else status if status == "stopped" else None),
            status=status,
            error=f"{error.message} {error.action}".strip() if error else None,
        )


def _reports_cost(provider_id: str) -> bool:
    from playground.facts.providers import PROVIDERS

    provider = PROVIDERS.get(provider_id)
    return provider is not None and provider.reports_cost


def _cost(usage: Usage, model: Model, served: str | None, provider_id: str):  # noqa: ANN202 - (Cost | None, str)
    """The reply's cost and a note: at the served model's price when another model answered, else at the asked
    model's (the catalogue's price, else genai-prices'; see ``playground.money.served``).

    Impossible usage numbers (``usage.invalid``) are shown but never priced.
    """
    if usage.invalid:
        return None, ""
    if served is None and model.price is not None:
        from playground.money.pricing import cost

        return cost(usage, model.price), ""
    if served is None and model.genai_prices_ref is None:
        return None, ""  # a name the catalogue does not know: not guessed
    from playground.money.served import price_model, price_served  # genai-prices is loaded only when needed

    if served is not None:
        got = price_served(usage, name=served, provider_id=provider_id)
    else:
        got = price_model(usage, model=model, provider_id=provider_id)
    return got.cost, got.note
