"""Parameter families a provider documents as unsupported on reasoning models, as data.

xAI names one rejected parameter per 400, so a reasoning model sent both penalties would take one retry per
parameter; when the rejected parameter belongs to a documented family, the whole family is dropped at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the catalogue reads its rejections from here: no import at run time
    from playground.facts.catalog import Model

# Names a rejected parameter may come back under, in the app's vocabulary (the Messages API calls stop so)
ALIASES = {
    "stop_sequences": "stop",
    "presencePenalty": "presence_penalty",
    "frequencyPenalty": "frequency_penalty",
}


@dataclass(frozen=True, slots=True)
class ParamFamily:
    """Parameters a vendor documents as refused together by its reasoning models.

    Args:
        params: the family, in the app's parameter names.
        vendor: the catalogue vendor whose models it concerns (any provider may resell them).
        provider_id: the provider whose documentation says so (its own models are concerned whatever their name).
        source: where the documentation says it.
        quote: what it says.
    """

    params: tuple[str, ...]
    vendor: str
    provider_id: str
    source: str
    quote: str


XAI_REASONING = ParamFamily(
    params=("presence_penalty", "frequency_penalty", "stop"),
    vendor="x-ai",
    provider_id="xai",
    source="https://docs.x.ai/docs/guides/reasoning",
    quote="presencePenalty, frequencyPenalty and stop parameters are not supported by reasoning models",
)
FAMILIES: tuple[ParamFamily, ...] = (XAI_REASONING,)


def app_name(param: str) -> str:
    """A rejected parameter's name in the app's vocabulary."""
    return ALIASES.get(param, param)


def _concerned(family: ParamFamily, model: Model, provider_id: str) -> bool:
    """Whether ``family`` applies: a reasoning model of its vendor, or a model the catalogue does not know
    served by the documenting provider (the rejection itself then says it is a reasoning model)."""
    if model.vendor != "unknown":  # a catalogue model (``get_model`` gives others the vendor "unknown")
        return model.reasoning and (model.vendor == family.vendor or provider_id == family.provider_id)
    return provider_id == family.provider_id


def family_for(*, model: Model, provider_id: str, param: str) -> ParamFamily | None:
    """The documented family ``param`` belongs to for this model and provider, or None."""
    name = app_name(param)
    return next(
        (f for f in FAMILIES if name in f.params and _concerned(f, model, provider_id)),
        None,
    )


def to_drop(*, model: Model, provider_id: str, param: str) -> tuple[str, ...]:
    """Everything to leave out after the server rejected ``param``: its whole family, else ``param`` alone."""
    family = family_for(model=model, provider_id=provider_id, param=param)
    return family.params if family is not None else (app_name(param),)


def drop_reasons(*, model: Model, provider_id: str, param: str, server_said: str) -> dict[str, str]:
    """Each parameter to leave out with the reason the sidebar shows: the server's words, and for the rest of
    a family the documentation that puts them together."""
    rejected = app_name(param)
    family = family_for(model=model, provider_id=provider_id, param=param)
    said = f'the server rejected it: "{server_said}"' if server_said else "the server rejected it"
    reasons = {rejected: said}
    if family is not None:
        together = f'the server rejected {rejected}, and {family.source} says "{family.quote}"'
        reasons |= {p: together for p in family.params if p != rejected}
    return reasons


def remember_key(*, model_id: str, base_url: str) -> str:
    """The session key that remembers dropped parameters for one model at one URL."""
    return f"{model_id}@{base_url.rstrip('/')}"
