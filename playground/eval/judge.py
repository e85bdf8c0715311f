"""The rubric grader's judge: a variant asked with an editable prompt, answering a JSON verdict by a schema.

The default judge is Grok 3 Mini at reasoning effort low and temperature 0, on the experiment's first variant's
provider. Its prompt holds ``{{rubric}}``, ``{{output}}``, ``{{expected}}`` and any of the row's columns; it
answers ``{"pass": bool, "score": 0–1, "reason": str}`` through a ``json_schema`` response format. A judge request
is predicted before the run (its input holds the answer, so its high end adds the graded variant's max tokens) and
reserves against the same cap as the answers.

On the offline engine no model judges: the engine is asked (so its request, tokens and cost are real), and the
verdict is decided by the stated rule ``OFFLINE_RULE``, labelled as not a model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import httpx

from playground.chat.events import Usage
from playground.experiments import template
from playground.experiments.budget import Bounds, request_bounds
from playground.experiments.run import Outcome, run_one
from playground.experiments.variant import Variant
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.money.budget import Ledger
from playground.money.pricing import cost
from playground.offline import ENGINE_MODEL
from playground.tools.response_format import ResponseFormat
from playground.tools.settings import ToolSettings
from playground.wire.request import capped_max_tokens
from playground.wire.retry import RetryNotice

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "pass": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["pass", "score", "reason"],
    "additionalProperties": False,
}
DEFAULT_PROMPT = """Grade the answer below against the rubric.

Rubric:
{{rubric}}

Expected answer (may be empty):
{{expected}}

Answer to grade:
{{output}}

Reply with JSON only: {"pass": true or false, "score": a number from 0 to 1, "reason": one short sentence}."""
JUDGE_SYSTEM = "You are a strict, fair grader. You answer with the JSON verdict only."
JUDGE_MAX_TOKENS = 600
OFFLINE_LABEL = "Offline engine (not a model)"
OFFLINE_RULE = (
    "The offline engine is not a model: its verdict passes when the expected text appears in the answer "
    "(case and surrounding spaces ignored), or, with no expected column, when the answer is not empty."
)


def default_judge(base: Variant) -> Variant:
    """Grok 3 Mini, effort low, temperature 0, on ``base``'s provider, answering the verdict schema."""
    params = GenerationParams(
        system=JUDGE_SYSTEM, temperature=0.0, reasoning_effort="low", max_tokens=JUDGE_MAX_TOKENS
    )
    return with_verdict_format(Variant("Judge", base.config, GROK_3_MINI, params, base.protocol))


def with_verdict_format(variant: Variant) -> Variant:
    fmt = ResponseFormat("json_schema", "verdict", VERDICT_SCHEMA, True)
    return replace(variant, tools=ToolSettings(response_format=fmt))


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    """The judge's verdict on one answer, what it cost, and who judged."""

    passed: bool
    score: float
    reason: str
    cost: Decimal | None
    seconds: float | None
    by: str
    error: str = ""


def judge_prompt(prompt: str, *, rubric: str, output: str, expected: str, row: Mapping[str, str]) -> str:
    """The judge's prompt for one answer (the answer and expected value inserted as they are)."""
    return template.render(prompt, {**row, "rubric": rubric, "output": output, "expected": expected})


def check_prompt(prompt: str, columns: list[str]) -> None:
    """Raise ``template.TemplateError`` when the judge prompt names a column the rows do not have."""
    template.check(prompt, [*columns, "rubric", "output", "expected"])


def judge_bounds(
    judge: Variant, graded: Variant, *, prompt: str, rubric: str, expected: str, row: Mapping[str, str]
) -> Bounds | None:
    """The judge request's cost range: its prompt with no answer, up to the graded variant's max tokens more."""
    text = judge_prompt(prompt, rubric=rubric, output="", expected=expected, row=row)
    base = request_bounds(judge, [{"role": "user", "content": text}])
    price = judge.priced_model().price
    if base is None or price is None:
        return None
    answer = capped_max_tokens(graded.model, graded.params)
    return Bounds(base.low, base.high + cost(Usage(prompt_tokens=answer), price).total)


def is_offline(variant: Variant, outcome: Outcome | None = None) -> bool:
    """The offline engine: in-process, or a server whose replies name it (``offline-engine``)."""
    served = outcome.reply.served_model if outcome is not None else None
    return variant.config.provider.offline or served == ENGINE_MODEL


def offline_verdict(output: str, expected: str) -> tuple[bool, str]:
    """``OFFLINE_RULE`` applied."""
    if expected.strip():
        ok = expected.strip().lower() in output.lower()
        return ok, f"the expected text {'appears' if ok else 'does not appear'} in the answer"
    ok = bool(output.strip())
    return ok, "the answer is not empty" if ok else "the answer is empty"


def parse_verdict(text: str) -> tuple[bool, float, str]:
    """The judge's JSON verdict; raise ``ValueError`` saying what is wrong with it."""
    try:
        doc = json.loads(text.strip().removeprefix("```json").removesuffix("```"))
    except ValueError:
        raise ValueError("the judge's answer is not JSON") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("pass"), bool):
        raise ValueError("the judge's answer has no true/false 'pass'")
    value = doc.get("score", 1.0 if doc["pass"] else 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError("the judge's 'score' is not a number from 0 to 1")
    return doc["pass"], float(value), str(doc.get("reason") or "")[:500]


def ask(
    judge: Variant,
    text: str,
    *,
    expected: str,
    output: str,
    stop: threading.Event,
    client: httpx.Client | None = None,
    allow: Callable[[str], bool] | None = None,
    ledger: Ledger | None = None,
    headers: Mapping[str, str] | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> JudgeVerdict:
    """Send one judge request and read its verdict (a bad answer never raises: the verdict fails, saying why)."""
    history = [{"role": "user", "content": text}]
    outcome = run_one(
        judge, history, stop=stop, client=client, allow=allow, ledger=ledger, headers=headers, on_retry=on_retry
    )
    reply = outcome.reply
    spent = reply.cost.total if reply.cost is not None else None
    seconds = reply.timings.total
    if outcome.error is not None or reply.status == "stopped":
        why = str(outcome.error) if outcome.error is not None else "stopped"
        return JudgeVerdict(False, 0.0, "", spent, seconds, judge.label, f"The judge did not answer: {why}")
    if is_offline(judge, outcome):
        ok, why = offline_verdict(output, expected)
        return JudgeVerdict(ok, 1.0 if ok else 0.0, f"Rule: {why}.", spent, seconds, OFFLINE_LABEL)
    try:
        ok, value, reason = parse_verdict(outcome.text)
    except ValueError as exc:
        return JudgeVerdict(False, 0.0, "", spent, seconds, judge.model.name, f"No verdict: {exc}.")
    return JudgeVerdict(ok, value, reason, spent, seconds, judge.model.name)
