"""Model names as servers write them: a safe form, snapshot tags aside, and which catalogue model a name means.

A dated snapshot or ``-latest``/``-beta`` tag of a name, or another provider's name for the same catalogue model,
is the same model.
"""

from __future__ import annotations

import re

from playground.facts.catalog import MODELS, Model

_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|beta)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/@+-]")
NAME_LIMIT = 100


def safe_name(name: str) -> str:
    """A model name as the server wrote it, reduced to the characters model names use (nothing to render)."""
    return _UNSAFE.sub("", name)[:NAME_LIMIT]


def base_name(name: str) -> str:
    """A model name without a trailing date, ``-latest`` or ``-beta`` tag, lower-cased."""
    name = name.strip().lower()
    while (cut := _SNAPSHOT.sub("", name)) != name:
        name = cut
    return name


def _names(model: Model) -> set[str]:
    return {base_name(n) for n in (model.id, *model.provider_ids.values())}


def catalogue_model(name: str) -> Model | None:
    """The catalogue model that ``name`` (any provider's name for it, or a snapshot of one) refers to."""
    wanted = base_name(name)
    return next((m for m in MODELS.values() if wanted in _names(m)), None)


def is_asked(*, asked: Model, provider_id: str, served: str) -> bool:
    """Whether ``served`` (a reply's ``model`` field) is the model asked for; an empty field says nothing else."""
    if not served.strip():
        return True
    return base_name(served) in _names(asked) | {base_name(asked.name_for(provider_id))}


def catalogue_id(name: str) -> str:
    """The catalogue id for a provider's model name when the catalogue has exactly that name, else the name.

    Exact on purpose: a served ``x-ai-grok-3-mini`` offered as a switch is another model than the retired
    ``x-ai-grok-3-mini-beta``, though the two share a base name.
    """
    return next((m.id for m in MODELS.values() if name == m.id or name in m.provider_ids.values()), name)
