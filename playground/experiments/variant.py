"""A variant: one complete setting to try (provider, model, parameters, protocol, tools and output format) and
one-click starting sets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from playground.chat.state import ChatState
from playground.facts.catalog import RELATED, Model
from playground.facts.params import GenerationParams
from playground.facts.providers import Protocol, ProviderConfig
from playground.money.budget import flat_price
from playground.tools.settings import ToolSettings

_PRICED: dict[str, Model] = {}


@dataclass(frozen=True, slots=True)
class Variant:
    """One setting to compare.

    Args:
        label: the column heading ("Effort low").
        config: the resolved provider (base URL, key, auth).
        model: the catalogue model.
        params: sampling parameters, system message and reasoning effort.
        protocol: which wire protocol to speak.
        disabled: parameters turned off after a provider rejected them.
        tools: the tools, tool choice and response format sent with every request.
    """

    label: str
    config: ProviderConfig
    model: Model
    params: GenerationParams = field(default_factory=GenerationParams)
    protocol: Protocol = "openai"
    disabled: frozenset[str] = frozenset()
    tools: ToolSettings = field(default_factory=ToolSettings)

    def __repr__(self) -> str:  # the config never shows its key, but say so explicitly here too
        return f"Variant({self.label!r}, provider={self.config.provider.id!r}, model={self.model.id!r})"

    def chat_state(self, history: Iterable[Mapping[str, str]]) -> ChatState:
        """This variant over ``history``: the value the request builders and clients take."""
        return ChatState(
            self.config,
            self.model,
            self.params,
            tuple(history),
            disabled=self.disabled,
            protocol=self.protocol,
            tools=self.tools,
        )

    def priced_model(self) -> Model:
        """The model with a flat price for predicting a run's cost range: the catalogue's, else genai-prices' flat
        price (None stays None). Replies themselves are priced by ``ReplyBuilder``, as in the playground."""
        return priced(self.model)

    def with_params(self, label: str, **changes: object) -> Variant:
        """A copy with other parameters (validated) and another label."""
        return replace(self, label=label, params=GenerationParams(**{**self.params.model_dump(), **changes}))


def priced(model: Model) -> Model:
    """``model`` with its flat price filled in from genai-prices when the catalogue has none (cached per id)."""
    if model.price is not None or model.genai_prices_ref is None:
        return model  # priced already, or unknown to genai-prices (a name typed by the user is never cached)
    got = _PRICED.get(model.id)
    if got is None:
        got = replace(model, price=flat_price(model))
        _PRICED[model.id] = got
    return got


def effort_low_vs_high(base: Variant) -> tuple[Variant, ...]:
    """The same setting at reasoning effort low and high."""
    return base.with_params("Effort low", reasoning_effort="low"), base.with_params(
        "Effort high", reasoning_effort="high"
    )


def temperature_low_vs_high(base: Variant) -> tuple[Variant, ...]:
    """The same setting at temperature 0.2 and 1.0."""
    return base.with_params("Temperature 0.2", temperature=0.2), base.with_params(
        "Temperature 1.0", temperature=1.0
    )


def related_model(base: Variant, other: Model | None = None) -> tuple[Variant, ...]:
    """This model against a related model from the product page (by default the first with a known flat price)."""
    other = other or next((m for m in RELATED if priced(m).price is not None), RELATED[0])
    return replace(base, label=base.model.name), replace(base, label=other.name, model=other)


STARTING_SETS: dict[str, Callable[[Variant], tuple[Variant, ...]]] = {
    "Reasoning effort low vs high": effort_low_vs_high,
    "Temperature 0.2 vs 1.0": temperature_low_vs_high,
    "This model vs a related model": related_model,
}
