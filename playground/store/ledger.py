"""The spend ledger and daily budgets: one row per reply, and reservations that cannot overspend together.

A reservation adds the predicted maximum to the day's ``reserved`` with one conditional ``UPDATE ... WHERE
committed + reserved + amount <= limit``: on PostgreSQL the row lock makes concurrent replicas queue and re-check
the condition; on SQLite the transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time). Recording the
reply's spend releases the reservation and commits the real cost in the same transaction.

Each reservation is also a hold row per scope with an expiry (``HOLD_SECONDS``, well past a reply's deadline):
a process that dies between reserving and recording leaves its hold behind, and the next reservation in that
scope deletes the expired holds and takes their amounts off ``reserved``. Recording or releasing gives back only
a hold still there, so an amount is never given back twice.

A reply of the offline engine is a row marked ``offline``: its ``cost`` is what it would have cost, never money
spent. It commits nothing to a budget, and the spend totals leave it out (``offline_total`` reports it apart).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, delete, func, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from playground.chat.events import Usage
from playground.money.pricing import Measured, Workload
from playground.store.models import BudgetRow, ConversationRow, HoldRow, SpendRow
from playground.store.money import to_pico
from playground.store.records import Budget, ConversationSummary, DaySpend, ModelSpend, OfflineSpend

EVERYONE = "*"
HOLD_SECONDS = 15 * 60  # a reply ends within its 600 s deadline; a hold older than this lost its process


class Refused(Exception):
    """A reservation would pass a budget; carries the refusal's numbers."""

    def __init__(self, budget: Budget) -> None:
        super().__init__("over budget")
        self.budget = budget


def owner_scope(owner: str) -> str:
    return f"owner:{owner}"


def _ensure_day(session: Session, scope: str, day: date) -> None:
    """Create the scope's row for ``day`` unless another transaction already has."""
    values = {"scope": scope, "day": day, "committed": Decimal(0), "reserved": Decimal(0)}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(BudgetRow).values(**values).on_conflict_do_nothing())
    else:
        session.execute(insert(BudgetRow).values(**values).prefix_with("OR IGNORE"))


def _pico(column):  # noqa: ANN001, ANN202 - a Money column as its stored integer picodollars
    return type_coerce(column, BigInteger)


def _hold(session: Session, *, scope: str, day: date, amount: Decimal, limit: Decimal) -> bool:
    """Add ``amount`` to the scope's reserved spend if that keeps it within ``limit``; True when it did."""
    _ensure_day(session, scope, day)
    committed, reserved = _pico(BudgetRow.committed), _pico(BudgetRow.reserved)
    stmt = (
        update(BudgetRow)
        .where(BudgetRow.scope == scope, BudgetRow.day == day)
        .where(committed + reserved + to_pico(amount) <= to_pico(limit))
        .values(reserved=reserved + to_pico(amount))
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount == 1


def _numbers(session: Session, scope: str, day: date) -> tuple[Decimal, Decimal]:
    row = session.execute(
        select(BudgetRow.committed, BudgetRow.reserved).where(BudgetRow.scope == scope, BudgetRow.day == day)
    ).first()
    return (row[0], row[1]) if row else (Decimal(0), Decimal(0))


def _give_back(session: Session, *, scope: str, day: date, pico: int) -> None:
    session.execute(
        update(BudgetRow)
        .where(BudgetRow.scope == scope, BudgetRow.day == day)
        .values(reserved=_pico(BudgetRow.reserved) - pico)
        .execution_options(synchronize_session=False)
    )


def _sweep(session: Session, *, scope: str, day: date, now: int) -> None:
    """Give back what the scope's expired holds for ``day`` keep reserved (deleted here, so only once)."""
    gone = session.execute(
        delete(HoldRow)
        .where(HoldRow.scope == scope, HoldRow.day == day, HoldRow.expires < now)
        .returning(_pico(HoldRow.amount))
    ).all()
    freed = sum(int(row[0]) for row in gone)
    if freed:
        _give_back(session, scope=scope, day=day, pico=freed)


def _unhold(session: Session, *, reservation: Budget, scope: str) -> bool:
    """Delete the reservation's hold in ``scope``; False when it expired and was given back already."""
    if not reservation.hold_id:
        return True  # made before holds existed
    stmt = delete(HoldRow).where(HoldRow.id == reservation.hold_id, HoldRow.scope == scope)
    return session.execute(stmt).rowcount == 1


def reserve(
    session: Session,
    *,
    owner: str,
    day: date,
    amount: Decimal,
    limit: Decimal | None,
    global_limit: Decimal | None,
    now: datetime,
    lasts: int = HOLD_SECONDS,
) -> Budget:
    """Hold ``amount`` against the everyone budget and the owner's; raise ``Refused`` if either would pass.

    The hold is given back ``lasts`` seconds from ``now`` unless settled before. Expired holds in those scopes are
    given back first. The caller's transaction must roll back on ``Refused``
    so that nothing stays held.
    """
    scopes = [(EVERYONE, global_limit), (owner_scope(owner), limit)]
    held: list[str] = []
    seconds = int(now.timestamp())
    for scope, cap in scopes:
        if cap is None:
            continue
        _sweep(session, scope=scope, day=day, now=seconds)
        if not _hold(session, scope=scope, day=day, amount=amount, limit=cap):
            spent, reserved = _numbers(session, scope, day)
            raise Refused(Budget(False, amount, scope, cap, spent, reserved, day, owner))
        held.append(scope)
    hold_id = uuid.uuid4().hex if held else ""
    for scope in held:
        session.add(HoldRow(id=hold_id, scope=scope, day=day, amount=amount, expires=seconds + lasts))
    return Budget(True, amount, day=day, owner=owner, scopes=tuple(held), hold_id=hold_id)


def record(
    session: Session,
    *,
    owner: str,
    at: datetime,
    provider: str,
    model: str,
    usage: Usage | None,
    cost: Decimal | None,
    conversation_id: str | None,
    reservation: Budget | None,
    offline: bool = False,
) -> None:
    """One ledger row; releases ``reservation`` and commits the real cost (or, unknown, the reservation) to the
    day's budgets. An ``offline`` reply is recorded with what it would have cost and commits nothing."""
    usage = usage or Usage()
    own = reservation is not None and not reservation.counted
    held = set(reservation.scopes) if reservation and reservation.granted and not own else set()
    charge = _charge(cost, reservation if held else None)
    amount = charge if held and cost is not None else cost or Decimal(0)  # a claim past the hold: the hold
    session.add(
        SpendRow(
            owner=owner,
            at=at,
            day=at.date(),
            provider=provider,
            model=model,
            conversation_id=conversation_id,
            tokens_in=usage.prompt_tokens,
            tokens_out=usage.output_tokens,
            tokens_reasoning=usage.reasoning_tokens,
            tokens_cached=usage.cached_tokens,
            cost=amount,
            estimated=usage.estimated or (cost is not None and amount != cost),
            offline=offline,
        )
    )
    if own:
        return  # the user's own key or server: a row in the ledger, nothing on the deployment's budgets
    if offline:
        charge = Decimal(0)  # nobody paid for it: a budget never counts it
    day = reservation.day if reservation and reservation.granted and reservation.day else at.date()
    for scope in (EVERYONE, owner_scope(owner)):
        mine = scope in held and reservation is not None and _unhold(session, reservation=reservation, scope=scope)
        release = to_pico(reservation.amount) if mine and reservation else 0
        stmt = (
            update(BudgetRow)
            .where(BudgetRow.scope == scope, BudgetRow.day == day)
            .values(
                committed=_pico(BudgetRow.committed) + to_pico(charge),
                reserved=_pico(BudgetRow.reserved) - release,
            )
            .execution_options(synchronize_session=False)
        )
        if session.execute(stmt).rowcount == 0:  # the day's first reply in this scope
            _ensure_day(session, scope, day)
            session.execute(stmt)


def _charge(cost: Decimal | None, reservation: Budget | None) -> Decimal:
    """What a reply adds to the budgets: its cost, never more than its hold (a server may claim any usage or cost;
    the hold is the most the request could cost, the prompt counted and ``max_tokens`` at the price held). A reply
    of unknown cost is charged its hold: the budget counts the predicted maximum rather than nothing."""
    if reservation is None:
        return max(cost or Decimal(0), Decimal(0))
    if cost is None:
        return reservation.amount
    return min(max(cost, Decimal(0)), reservation.amount)


def release(session: Session, *, reservation: Budget) -> None:
    """Give back a reservation whose request never ran (unless its hold expired and was given back already)."""
    for scope in reservation.scopes:
        if reservation.day is not None and _unhold(session, reservation=reservation, scope=scope):
            _give_back(session, scope=scope, day=reservation.day, pico=to_pico(reservation.amount))


def _owned(query, owner: str | None):  # noqa: ANN001, ANN202
    return query if owner is None else query.where(SpendRow.owner == owner)


def _paid(query):  # noqa: ANN001, ANN202 - money spent only: the offline engine's replies left out
    return query.where(SpendRow.offline.is_(False))


def by_day(session: Session, *, owner: str | None, since: date | None = None) -> list[DaySpend]:
    """Money spent per UTC day, oldest first (``owner=None``: everyone); offline replies are not spend."""
    query = select(SpendRow.day, func.sum(SpendRow.cost), func.count()).group_by(SpendRow.day)
    query = _paid(_owned(query, owner)).order_by(SpendRow.day)
    if since is not None:
        query = query.where(SpendRow.day >= since)
    return [
        DaySpend(d if isinstance(d, date) else date.fromisoformat(d), c or Decimal(0), n)
        for d, c, n in session.execute(query)
    ]


def by_model(session: Session, *, owner: str | None) -> list[ModelSpend]:
    """Spend per model, most expensive first, then the offline engine's replies per model apart (their cost is
    what they would have cost)."""
    c = SpendRow.__table__.c
    total = func.sum(c.cost)
    columns = (SpendRow.model, c.offline, total, func.count(), func.sum(c.tokens_in), func.sum(c.tokens_out))
    query = _owned(select(*columns).group_by(SpendRow.model, c.offline), owner)
    query = query.order_by(c.offline, total.desc(), SpendRow.model)
    return [
        ModelSpend(m, t or Decimal(0), n, int(i or 0), int(o or 0), bool(off))
        for m, off, t, n, i, o in session.execute(query)
    ]


def total(session: Session, *, owner: str | None, day: date | None = None) -> Decimal:
    """Money spent by an owner (or everyone), on one day or in all (offline replies are not spend)."""
    query = _paid(_owned(select(func.sum(SpendRow.cost)), owner))
    if day is not None:
        query = query.where(SpendRow.day == day)
    return session.execute(query).scalar() or Decimal(0)


def offline_total(session: Session, *, owner: str | None) -> OfflineSpend:
    """The offline engine's replies of an owner (or everyone): how many, and what they would have cost."""
    query = _owned(select(func.count(), func.sum(SpendRow.cost)), owner).where(SpendRow.offline.is_(True))
    n, would = session.execute(query).one()
    return OfflineSpend(int(n or 0), would or Decimal(0))


def most_expensive(session: Session, *, owner: str, limit: int) -> list[ConversationSummary]:
    from playground.store.conversations import summary

    query = select(ConversationRow).where(ConversationRow.owner == owner)
    query = query.order_by(ConversationRow.total_cost.desc()).limit(limit)
    return [summary(r) for r in session.scalars(query)]


def measured(session: Session, *, owner: str | None) -> Measured | None:
    """Average tokens per recorded reply (answer output apart from reasoning), as the pricing page's workload."""
    c = SpendRow.__table__.c
    n, tin, cached, out, reasoning = session.execute(
        _owned(
            select(
                func.count(),
                func.sum(c.tokens_in),
                func.sum(c.tokens_cached),
                func.sum(c.tokens_out),
                func.sum(c.tokens_reasoning),
            ),
            owner,
        )
    ).one()
    if not n:
        return None

    def mean(total: int | None) -> int:
        return int((Decimal(total or 0) / n).to_integral_value(rounding=ROUND_HALF_UP))

    answer = (out or 0) - (reasoning or 0)
    return Measured(n, Workload(mean(tin), mean(cached), mean(answer), mean(reasoning)))
