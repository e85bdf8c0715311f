"""The store's presets, experiments, shares, spend ledger and budgets (mixed into ``Store``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from playground.money.pricing import Measured
from playground.store import ledger, library
from playground.store.engine import read_session, write_session
from playground.store.records import (
    Budget,
    ConversationSummary,
    DaySpend,
    Experiment,
    ExperimentEntry,
    ModelSpend,
    OfflineSpend,
    Preset,
    Share,
)


class LibraryAndSpend:
    """Methods over ``engine``, ``clock`` and ``mask`` that ``Store`` provides."""

    engine: Engine
    clock: Callable[[], datetime]
    mask: Callable[[Sequence[str]], tuple[str, ...]]

    # presets and experiments
    def save_preset(self, *, owner: str, preset: Preset, secrets: Sequence[str] = ()) -> None:
        with write_session(self.engine) as s:
            library.save_preset(s, owner=owner, preset=preset, secrets=self.mask(secrets), now=self.clock())

    def list_presets(self, *, owner: str) -> list[Preset]:
        with read_session(self.engine) as s:
            return library.presets(s, owner=owner)

    def load_preset(self, *, owner: str, name: str) -> Preset | None:
        return next((p for p in self.list_presets(owner=owner) if p.name == name), None)

    def delete_preset(self, *, owner: str, name: str) -> bool:
        with write_session(self.engine) as s:
            return library.delete_preset(s, owner=owner, name=name)

    def save_experiment(
        self,
        *,
        owner: str,
        name: str,
        definition: Mapping[str, Any],
        results: Any = None,
        experiment_id: str | None = None,
        secrets: Sequence[str] = (),
    ) -> str:
        with write_session(self.engine) as s:
            return library.save_experiment(
                s,
                owner=owner,
                name=name,
                definition=dict(definition),
                results=results,
                secrets=self.mask(secrets),
                now=self.clock(),
                experiment_id=experiment_id,
            )

    def list_experiments(self, *, owner: str) -> list[Experiment]:
        with read_session(self.engine) as s:
            return library.experiments(s, owner=owner)

    def experiment_index(self, *, owner: str) -> list[ExperimentEntry]:
        """Id, name, kind and date of each experiment, newest first (no definitions or results read)."""
        with read_session(self.engine) as s:
            return library.experiment_index(s, owner=owner)

    def load_experiment(self, *, owner: str, experiment_id: str) -> Experiment | None:
        """One of the owner's experiments, whole; None if there is none with that id for this owner."""
        with read_session(self.engine) as s:
            return library.experiment(s, owner=owner, experiment_id=experiment_id)

    def delete_experiment(self, *, owner: str, experiment_id: str) -> bool:
        with write_session(self.engine) as s:
            return library.delete_experiment(s, owner=owner, experiment_id=experiment_id)

    # shares
    def create_share(
        self, *, owner: str, conversation_id: str, secrets: Sequence[str] = (), expires_in: timedelta | None = None
    ) -> str | None:
        """A new read-only snapshot of the owner's conversation, open until revoked (or ``expires_in`` has
        passed); its unguessable id (None if not theirs)."""
        with write_session(self.engine) as s:
            now = self.clock()
            return library.create_share(
                s, owner=owner, conversation_id=conversation_id, secrets=self.mask(secrets), now=now,
                expires_in=expires_in,
            )  # fmt: skip

    def open_share(self, *, share_id: str) -> Share | None:
        with read_session(self.engine) as s:
            return library.open_share(s, share_id=share_id, now=self.clock())

    # spend and budgets
    def record_spend(
        self,
        *,
        owner: str,
        provider: str,
        model: str,
        usage: Any = None,
        cost: Decimal | None = None,
        conversation_id: str | None = None,
        reservation: Budget | None = None,
        at: datetime | None = None,
        offline: bool = False,
    ) -> None:
        """One ledger row (and the reservation it settles); ``offline``: the offline engine's, nothing spent."""
        with write_session(self.engine) as s:
            ledger.record(
                s,
                owner=owner,
                at=at or self.clock(),
                provider=provider,
                model=model,
                usage=usage,
                cost=cost,
                conversation_id=conversation_id,
                reservation=reservation,
                offline=offline,
            )

    def reserve_budget(
        self,
        *,
        owner: str,
        amount: Decimal,
        limit: Decimal | None = None,
        global_limit: Decimal | None = None,
        day: date | None = None,
        lasts: int | None = None,
    ) -> Budget:
        """Atomically hold ``amount`` for today (UTC) unless it would pass the owner's or everyone's limit; the
        hold lapses after ``lasts`` seconds (the ledger's ``HOLD_SECONDS`` by default) unless settled."""
        now = self.clock()
        day = day or now.date()
        held = {"lasts": lasts} if lasts is not None else {}
        try:
            with write_session(self.engine) as s:
                return ledger.reserve(
                    s, owner=owner, day=day, amount=amount, limit=limit, global_limit=global_limit, now=now, **held
                )
        except ledger.Refused as refused:
            return refused.budget

    def release_budget(self, *, reservation: Budget) -> None:
        if reservation.granted and reservation.scopes:
            with write_session(self.engine) as s:
                ledger.release(s, reservation=reservation)

    def spend_by_day(self, *, owner: str | None, since: date | None = None) -> list[DaySpend]:
        with read_session(self.engine) as s:
            return ledger.by_day(s, owner=owner, since=since)

    def spend_by_model(self, *, owner: str | None) -> list[ModelSpend]:
        with read_session(self.engine) as s:
            return ledger.by_model(s, owner=owner)

    def spend_total(self, *, owner: str | None, day: date | None = None) -> Decimal:
        with read_session(self.engine) as s:
            return ledger.total(s, owner=owner, day=day)

    def offline_spend(self, *, owner: str | None) -> OfflineSpend:
        """The offline engine's replies: how many, and what they would have cost (never counted as spent)."""
        with read_session(self.engine) as s:
            return ledger.offline_total(s, owner=owner)

    def most_expensive(self, *, owner: str, limit: int = 10) -> list[ConversationSummary]:
        with read_session(self.engine) as s:
            return ledger.most_expensive(s, owner=owner, limit=limit)

    def measured(self, *, owner: str | None) -> Measured | None:
        """Average tokens per reply over every reply recorded for ``owner`` (None: everyone)."""
        with read_session(self.engine) as s:
            return ledger.measured(s, owner=owner)
