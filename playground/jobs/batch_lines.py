"""A batch job's units as Batch API lines, and each line's result as the same outcome a live request gives.

The plan of a unit is exactly the live one (``playground.wire.protocols.build_plan`` on the variant's state); its
line's ``custom_id`` is the unit's idempotency key. A result line becomes an ``Outcome`` through the same events,
reply builder and pricing as a streamed reply, then its cost is taken to the batch price (``playground.money
.batch_price``); a failed, expired or missing line is an ``Outcome`` carrying the typed error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playground.chat.errors import BadRequest, PlaygroundError, ServerError
from playground.eval import runner as r
from playground.experiments import template
from playground.experiments.run import Outcome, budget_messages, start_builder
from playground.experiments.variant import Variant
from playground.facts.batch import BatchSupport
from playground.money.batch_price import discounted
from playground.money.budget import Ledger
from playground.money.pricing import ZERO, Cost
from playground.store.records import Budget
from playground.tools.response_format import check_reply
from playground.wire.batch_api import LineResult
from playground.wire.classify import error_from_response
from playground.wire.openai_events import StreamState, events_from_objects
from playground.wire.protocols import build_plan
from playground.wire.request import RequestPlan

NOTHING = Cost(ZERO, ZERO, ZERO, ZERO, ZERO)
HOLD_SECONDS = 25 * 3600  # a batch line's budget hold: the provider's 24 h completion window and an hour more


@dataclass(frozen=True, slots=True)
class Planned:
    """One unit's request: its variant, its messages and the exact plan a live run would send."""

    variant: Variant
    plan: RequestPlan
    history: tuple[dict[str, str], ...] = ()


def plan_unit(suite: r.Suite, *, row: int, variant: int) -> Planned:
    """The live request of the unit at (``row``, ``variant``)."""
    chosen = suite.variants[variant]
    history = ({"role": "user", "content": template.render(suite.prompt, suite.rows[row])},)
    return Planned(chosen, build_plan(chosen.chat_state(history)), history)


def budget_hold(ledger: Ledger | None, planned: Planned) -> Budget | str | None:
    """The daily budget's reservation for this request, its refusal, or None when no budget applies: the same
    hold as a live request's (its predicted maximum at the live price), kept for the batch's whole completion
    window; the line's real cost settles it when it comes back, and a line that never ran releases it."""
    if ledger is None:
        return None
    variant = planned.variant
    return ledger.hold(
        price=variant.priced_model().price,
        messages=budget_messages(variant, planned.history),
        max_tokens=variant.params.max_tokens,
        config=variant.config,
        offline=variant.config.provider.offline,
        lasts=HOLD_SECONDS,
    )


def group_key(planned: Planned) -> tuple[str, str, str]:
    """Units that go in one batch: one provider URL, one key, one model (OpenAI: one model per input file)."""
    body = planned.plan.body
    model = str(body.get("model") or body.get("model_id") or "")
    return planned.variant.config.base_url, planned.variant.config.api_key, model


def _line_error(line: LineResult | None, why: str, secrets: list[str]) -> PlaygroundError:
    if line is None:
        return BadRequest(why, action="Run the job again to send the requests that did not run.")
    if line.status_code is not None and line.status_code >= 300 and line.body:
        return error_from_response(line.status_code, dict(line.body), {}, secrets=secrets)
    return ServerError(f"The batch did not answer this request: {line.error or 'no reply'}.")


def outcome_from(planned: Planned, line: LineResult | None, *, support: BatchSupport, why: str = "") -> Outcome:
    """The outcome of one batch line, priced at the batch price; ``why``: the reason when there is no line."""
    variant, config = planned.variant, planned.variant.config
    secrets = [config.api_key] if config.api_key else []
    builder = start_builder(variant, planned.plan)
    error: PlaygroundError | None = None
    if line is not None and line.ok:
        try:
            for event in events_from_objects([dict(line.body)], config, StreamState()):
                builder.feed(event)
        except PlaygroundError as exc:
            error = exc
    else:
        error = _line_error(line, why or "The provider returned no result for this request.", secrets)
    reply = builder.finish(status="error" if error else None, error=error)
    if error is not None:  # a line that did not complete is not billed (only completed requests are)
        reply = replace(reply, cost=NOTHING)
    elif reply.cost is not None:
        reply = replace(reply, cost=discounted(reply.cost, support))
    reply = replace(reply, timings=replace(reply.timings, total=None))  # a batch line has no latency of its own
    if error is not None:
        return Outcome(builder.text, reply, error)
    calls = tuple(builder.tool_calls())
    checked = check_reply(builder.text, variant.tools.response_format) if not calls else None
    return Outcome(builder.text, reply, None, calls, checked)
