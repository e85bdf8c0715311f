"""What a planned evaluation will cost before it runs: the answers and the judge's requests apart, live and, where
every variant's provider offers a Batch API, at the batch price (``playground.money.batch_price``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from playground.experiments.budget import Bounds, Prediction, predict
from playground.facts.batch import BatchSupport, batch_support
from playground.money.batch_price import at_batch

from .runner import Job, Suite


@dataclass(frozen=True, slots=True)
class Forecast:
    """The predicted cost of a plan: the answers and the judge's requests apart, and the answers at the batch
    price when every variant's provider offers a Batch API (``batch_answers``; None otherwise)."""

    answers: Prediction
    judges: Prediction
    batch_answers: Prediction | None = None
    batch_sources: tuple[str, ...] = ()  # where each discount used is documented (or who declared it)

    @property
    def low(self) -> Decimal:
        return self.answers.low + self.judges.low

    @property
    def high(self) -> Decimal:
        return self.answers.high + self.judges.high

    @property
    def batch_low(self) -> Decimal | None:
        """The low end with the answers sent as a batch (judges stay live: they read the answers)."""
        return None if self.batch_answers is None else self.batch_answers.low + self.judges.low

    @property
    def batch_high(self) -> Decimal | None:
        return None if self.batch_answers is None else self.batch_answers.high + self.judges.high

    def refusal(self, cap: Decimal | None) -> str | None:
        both = predict([("answers", Bounds(self.low, self.high))])
        unpriced = tuple(dict.fromkeys((*self.answers.unpriced, *self.judges.unpriced)))
        return Prediction(both.low, both.high, both.requests, unpriced).refusal(cap)


def _at_batch(bounds: Bounds | None, support: BatchSupport) -> Bounds | None:
    if bounds is None:
        return None
    return Bounds(at_batch(bounds.low, support.discount), at_batch(bounds.high, support.discount))


def forecast(
    suite: Suite,
    jobs: Sequence[Job],
    *,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, object] | None = None,
) -> Forecast:
    """The plan's predicted cost, live and (where every variant's provider offers one) at the batch price;
    ``env`` and ``secrets`` hold the operator's settings (``PLAYGROUND_BATCH_DISCOUNT``; default: the
    environment, no secrets), read as the app reads them."""
    judge = suite.judge_for().label
    answers = predict([(suite.variants[x.variant].label, x.answer) for x in jobs])
    judges = predict([(judge, b) for x in jobs for b in x.judges])
    supports = [batch_support(v.config, os.environ if env is None else env, secrets) for v in suite.variants]
    if not jobs or any(s is None for s in supports):
        return Forecast(answers, judges)
    batch = predict([(suite.variants[x.variant].label, _at_batch(x.answer, supports[x.variant])) for x in jobs])
    sources = tuple(dict.fromkeys(s.source for s in supports if s is not None))
    return Forecast(answers, judges, batch, sources)
