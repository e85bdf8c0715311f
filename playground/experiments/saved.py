"""A comparison or test set as a saved experiment: what was sent to which settings, as plain JSON, and back.

A definition names providers by id and never holds a key or a base URL: loading it resolves each provider again
in the session that loads it (its own keys and allowed URLs), so a saved experiment re-runs wherever it is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, cast

import pandas as pd

from playground.facts.catalog import get_model
from playground.facts.params import parse
from playground.facts.providers import PROTOCOLS, ProviderConfig
from playground.tools.stored import StoredToolsError, tools_as_json, tools_from_json

from .checks import KINDS as CHECK_KINDS
from .checks import Check
from .variant import Variant

Kind = Literal["compare", "testset"]
VERSION = 1
MAX_ROWS = 100_000


class DefinitionError(ValueError):
    """A stored definition this version cannot read (message is safe to show)."""


def variant_definition(variant: Variant) -> dict[str, Any]:
    """One variant as JSON: label, provider id, model id, protocol, parameters, tools and format."""
    return {
        "label": variant.label,
        "provider": variant.config.provider.id,
        "model": variant.model.id,
        "protocol": variant.protocol,
        "params": variant.params.model_dump(mode="json"),
        "tools": tools_as_json(variant.tools),
    }


def variant_from_definition(doc: Mapping[str, Any], *, resolve: Callable[[str], ProviderConfig]) -> Variant:
    """A saved variant in this session: ``resolve`` turns the provider id into this session's configuration."""
    try:
        params = parse(dict(doc["params"]))
        config = resolve(str(doc["provider"]))
        model = get_model(str(doc["model"]))
        label = str(doc.get("label") or model.name)
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionError(f"A saved variant cannot be read: {exc}") from None
    protocol = doc.get("protocol", "openai")
    protocol = protocol if protocol in PROTOCOLS and protocol in config.provider.protocols else "openai"
    try:
        tools = tools_from_json(doc.get("tools") or {})
    except StoredToolsError as exc:
        raise DefinitionError(str(exc)) from None
    return Variant(label, config, model, params, protocol, tools=tools)


@dataclass(frozen=True, slots=True)
class Definition:
    """What an experiment sends: its variants, and one prompt (compare) or a template over rows (test set)."""

    kind: Kind
    variants: tuple[dict[str, Any], ...]
    prompt: str
    on_top: bool = False  # compare: on top of the playground's conversation
    rows: tuple[dict[str, str], ...] = ()
    check: dict[str, Any] | None = None  # {"kind", "expected", "schema"}
    cap: str | None = None  # USD as exact text
    concurrency: int = 4
    version: int = field(default=VERSION)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Definition:
        """A stored definition; raise ``DefinitionError`` when it is not one this version reads."""
        if not isinstance(doc, Mapping) or doc.get("kind") not in ("compare", "testset"):
            raise DefinitionError("This saved experiment is not a comparison or a test set.")
        variants, rows = doc.get("variants"), doc.get("rows") or []
        if not isinstance(variants, list) or not variants or not all(isinstance(v, Mapping) for v in variants):
            raise DefinitionError("This saved experiment has no variants.")
        if not isinstance(rows, list) or len(rows) > MAX_ROWS or not all(isinstance(r, Mapping) for r in rows):
            raise DefinitionError("This saved experiment's rows cannot be read.")
        check = doc.get("check")
        if check is not None and (not isinstance(check, Mapping) or check.get("kind") not in CHECK_KINDS):
            raise DefinitionError("This saved experiment's check is not one this version knows.")
        return cls(
            kind=cast(Kind, doc["kind"]),
            variants=tuple(dict(v) for v in variants),
            prompt=str(doc.get("prompt") or ""),
            on_top=bool(doc.get("on_top", False)),
            rows=tuple({str(k): str(v) for k, v in r.items()} for r in rows),
            check=dict(check) if check is not None else None,
            cap=str(doc["cap"]) if doc.get("cap") not in (None, "") else None,
            concurrency=int(doc.get("concurrency") or 4),
        )

    def make_variants(self, *, resolve: Callable[[str], ProviderConfig]) -> list[Variant]:
        return [variant_from_definition(v, resolve=resolve) for v in self.variants]

    def make_rows(self) -> pd.DataFrame:
        """The test set's rows (columns in their saved order)."""
        return pd.DataFrame(list(self.rows))

    def make_check(self) -> Check | None:
        if self.check is None:
            return None
        return Check(self.check["kind"], self.check.get("expected"), schema=self.check.get("schema"))


def check_definition(check: Check | None) -> dict[str, Any] | None:
    """A test set's check as JSON."""
    return None if check is None else {"kind": check.kind, "expected": check.expected, "schema": check.schema}


def compare_definition(variants: Sequence[Variant], *, prompt: str, on_top: bool) -> Definition:
    return Definition("compare", tuple(variant_definition(v) for v in variants), prompt, on_top=on_top)


def testset_definition(
    variants: Sequence[Variant],
    *,
    template: str,
    rows: Sequence[Mapping[str, object]],
    check: Check | None,
    cap: str | None,
    concurrency: int,
) -> Definition:
    return Definition(
        "testset",
        tuple(variant_definition(v) for v in variants),
        template,
        rows=tuple({str(k): "" if v is None else str(v) for k, v in r.items()} for r in rows),
        check=check_definition(check),
        cap=cap,
        concurrency=concurrency,
    )
