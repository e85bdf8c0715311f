"""Engines for SQLite and PostgreSQL, write transactions that take the lock up front, and migrations on open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: migrations of one SQLite file by several processes at once are not serialised
    fcntl = None  # type: ignore[assignment]

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_311_015  # any constant: PostgreSQL advisory lock id held while migrating


FOLD = "playground_fold"  # SQLite: Unicode case folding for searches


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout, foreign keys and explicit ``BEGIN`` handling."""
    if not url.startswith("sqlite"):
        args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=15, connect_args=args)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's lower() and LIKE fold ASCII only: search folds other letters through this (``search.py``)
        dbapi_connection.create_function(FOLD, 1, _fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction that takes SQLite's write lock at its start; commits on success."""
    with engine.connect() as conn:
        conn = conn.execution_options(immediate=True)
        with Session(bind=conn, expire_on_commit=False) as session:
            from playground.store.sanitise import guard

            with guard(session).begin():
                yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest revision shipped in migrations/versions."""
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<database>.migrate.lock`` (SQLite files only; nothing otherwise).

    Processes opening one fresh SQLite file together would otherwise all run the migrations at once (duplicate
    tables and columns, "database is locked"); with the lock they take turns and the later ones find it done.
    """
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema to ``revision``; processes starting together take turns (PostgreSQL: an advisory lock;
    SQLite: a file lock beside the database)."""
    with _sqlite_file_lock(engine):
        if revision == "head" and current_revision(engine) == head():
            return
        _upgrade(engine, revision)


def _upgrade(engine: Engine, revision: str) -> None:
    config = _config()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                conn.commit()
