"""The experiment file: a saved test set (``playground.experiments.saved``) plus graders, repeats and a judge.

Its format is ``experiment.schema.json`` beside this module; input is checked against it with ``jsonschema``
before anything else, and every problem is an ``ExperimentError`` whose message names the file and the place.
Providers resolve from the same settings as the app (``PLAYGROUND_PROVIDER``, the providers' key variables,
``PLAYGROUND_BASE_URL``; the environment first, then ``.streamlit/secrets.toml``): a variant that names no provider
gets the configured one. A file never holds a key or a base URL.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jsonschema

from playground.experiments import template
from playground.experiments.saved import Definition, DefinitionError, variant_from_definition
from playground.experiments.variant import Variant
from playground.facts import providers

from . import graders as g
from . import judge as j
from .runner import Suite
from .simulate import Simulation

SCHEMA_PATH = Path(__file__).with_name("experiment.schema.json")
MAX_FILE = 50 * 1024 * 1024


class ExperimentError(ValueError):
    """The experiment cannot be read or run (message is safe to show; exit code 2)."""


def schema() -> dict[str, Any]:
    """The experiment file's JSON Schema (read each time: a few kB, and no cache holds anything between runs)."""
    return json.loads(SCHEMA_PATH.read_text())


@dataclass(frozen=True, slots=True)
class Experiment:
    """A readable experiment: the suite to run and its run settings."""

    suite: Suite
    repeats: int
    cap: Decimal | None
    concurrency: int
    target: float
    seed: int
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Environment:
    """Where settings come from: the environment, then secrets (as the app)."""

    env: Mapping[str, str]
    secrets: Mapping[str, object]

    def allow(self, url: str) -> bool:
        return providers.base_url_allowed(url, self.env, self.secrets)


def load_secrets(path: Path = Path(".streamlit/secrets.toml")) -> dict[str, object]:
    """The app's secrets file, if there is one (its values are only used as settings, never printed)."""
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def read_json(path: Path, what: str) -> Any:
    """A JSON file, or an ``ExperimentError`` naming the file."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise ExperimentError(f"{path}: the {what} is larger than {MAX_FILE // 2**20} MB.")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExperimentError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(f"{path}: cannot read the {what} ({exc.__class__.__name__}).") from None
    except ValueError as exc:
        raise ExperimentError(f"{path}: the {what} is not valid JSON ({exc}).") from None


def check_schema(doc: Any, *, where: str, against: Mapping[str, Any] | None = None) -> None:
    """Raise ``ExperimentError`` with the most relevant schema error, its place as a JSON path."""
    validator = jsonschema.Draft202012Validator(against or schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        place = error.json_path if error.json_path != "$" else "the top level"
        raise ExperimentError(f"{where}: at {place}: {error.message[:300]}")


def _resolve(env: Environment, notices: list[str]):  # noqa: ANN202 - Callable[[str], ProviderConfig]
    def resolve(provider_id: str) -> providers.ProviderConfig:
        config = providers.resolve(provider_id or None, env=env.env, secrets=env.secrets)
        if config.problem:
            raise ExperimentError(config.problem)
        wanted = provider_id or str(
            env.env.get("PLAYGROUND_PROVIDER") or env.secrets.get("PLAYGROUND_PROVIDER") or ""
        )
        if config.provider.offline and wanted and wanted.strip().lower() != "offline":
            name = providers.PROVIDERS.get(wanted.strip().lower())
            variable = name.key_env if name else None
            notices.append(
                f"No key for {wanted} ({variable or 'no such provider'}): "
                "running on the offline engine, not a model."
            )
        return config

    return resolve


def _variants(docs: list[Mapping[str, Any]], env: Environment, notices: list[str]) -> list[Variant]:
    resolve = _resolve(env, notices)
    try:
        return [variant_from_definition({**d, "provider": d.get("provider") or ""}, resolve=resolve) for d in docs]
    except DefinitionError as exc:
        raise ExperimentError(str(exc)) from None


def _graders(doc: Mapping[str, Any]) -> list[g.Grader]:
    if doc.get("graders"):
        return [g.grader_from_json(x) for x in doc["graders"]]
    check = doc.get("check")
    if check:
        return [g.grader_from_json({k: v for k, v in check.items() if v is not None})]
    raise ExperimentError("The experiment has no graders (and no check): nothing would be graded.")


def _simulation(doc: Mapping[str, Any], found: list[g.Grader]) -> Simulation | None:
    sim = doc.get("simulate")
    if sim is None:
        return None
    column = sim.get("expected") or next((x.expected for x in found if x.kind in ("equals", "contains")), None)
    if not column:
        raise ExperimentError("'simulate' needs an 'expected' column (or an equals or contains grader).")
    return Simulation(int(sim["seed"]), column)


def parse_experiment(doc: Any, *, where: str, env: Environment) -> Experiment:
    """A checked experiment; raise ``ExperimentError`` for anything that would stop it running."""
    check_schema(doc, where=where)
    try:
        definition = Definition.from_json(doc)
    except DefinitionError as exc:
        raise ExperimentError(f"{where}: {exc}") from None
    notices: list[str] = []
    variants = _variants(list(doc["variants"]), env, notices)
    rows = tuple({str(k): "" if v is None else str(v) for k, v in r.items()} for r in doc["rows"])
    try:
        found = _graders(doc)
        judge_doc = doc.get("judge") or {}
        judge = None
        if judge_doc.get("variant"):
            judge = j.with_verdict_format(_variants([judge_doc["variant"]], env, notices)[0])
        suite = Suite(
            variants=tuple(variants),
            rows=rows,
            prompt=definition.prompt,
            graders=tuple(found),
            threshold=float(doc.get("threshold", g.DEFAULT_THRESHOLD)),
            judge=judge,
            judge_prompt=judge_doc.get("prompt") or j.DEFAULT_PROMPT,
            simulation=_simulation(doc, found),
        )
        suite.check()
        cap = Decimal(definition.cap) if definition.cap is not None else None
    except (g.GraderError, template.TemplateError, InvalidOperation) as exc:
        raise ExperimentError(f"{where}: {exc}") from None
    return Experiment(
        suite=suite,
        repeats=int(doc.get("repeats", 1)),
        cap=cap,
        concurrency=int(doc.get("concurrency") or 4),
        target=float(doc.get("target", 1.0)),
        seed=int(doc.get("seed", 0)),
        notices=tuple(dict.fromkeys(notices)),
    )


def load(path: Path, *, env: Environment) -> Experiment:
    """Read and check an experiment file."""
    return parse_experiment(read_json(path, "experiment"), where=str(path), env=env)
