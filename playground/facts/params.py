"""Generation parameters as one validated model: ranges, defaults and help text in one place."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from playground.facts.page import PAGE

MAX_CONTEXT = 131_072

ReasoningEffort = Literal["low", "high"]


class GenerationParams(BaseModel):
    """Everything the sidebar tunes; defaults are the product page's."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_assignment=True)

    system: str = Field(
        PAGE.system_message,
        max_length=2_000_000,
        description="Instructions the model reads before the conversation.",
    )
    temperature: float = Field(
        0.7,
        ge=0,
        le=2,
        json_schema_extra={"step": 0.05},
        description="Randomness: 0 is focused and repeatable, 2 is very varied.",
    )
    max_tokens: int = Field(
        1000,
        ge=1,
        le=MAX_CONTEXT,
        json_schema_extra={"step": 1},
        description="Upper bound on tokens generated for one reply (reasoning included).",
    )
    top_p: float = Field(
        0.9,
        ge=0,
        le=1,
        json_schema_extra={"step": 0.01},
        description="Nucleus sampling: only tokens within this cumulative probability are drawn.",
    )
    frequency_penalty: float = Field(
        0.0,
        ge=-2,
        le=2,
        json_schema_extra={"step": 0.1},
        description="Positive values discourage repeating the same tokens.",
    )
    presence_penalty: float = Field(
        0.0, ge=-2, le=2, json_schema_extra={"step": 0.1}, description="Positive values encourage new topics."
    )
    reasoning_effort: ReasoningEffort | None = Field(
        None, description="How hard a reasoning model thinks: low is faster and cheaper, high is more thorough."
    )
    stop: tuple[str, ...] = Field((), max_length=4, description="Up to four sequences that end the reply.")

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_tuple(cls, value: Any) -> Any:
        if isinstance(value, str):
            return (value,) if value else ()
        return tuple(value) if isinstance(value, list) else value


SAMPLING_FIELDS = ("temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty")
DEFAULTS = GenerationParams()


def spec(name: str) -> dict[str, Any]:
    """The range, step, default and help text of one numeric parameter, for building a control."""
    info = GenerationParams.model_fields[name]
    bounds = {k: getattr(m, k) for m in info.metadata for k in ("ge", "le") if hasattr(m, k)}
    extra = info.json_schema_extra or {}
    return {
        "min": bounds.get("ge"),
        "max": bounds.get("le"),
        "step": extra.get("step"),
        "default": info.default,
        "help": info.description,
    }


def validation_message(error: ValidationError) -> str:
    """One plain sentence per invalid field, e.g. 'temperature must be at most 2 (got 3.5)'."""
    lines = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]) or "value"
        ctx = item.get("ctx") or {}
        if "le" in ctx:
            lines.append(f"{name} must be at most {ctx['le']} (got {item['input']!r})")
        elif "ge" in ctx:
            lines.append(f"{name} must be at least {ctx['ge']} (got {item['input']!r})")
        else:
            lines.append(f"{name}: {item['msg']}")
    return "; ".join(lines)


def parse(values: dict[str, Any]) -> GenerationParams:
    """Validate raw values; raise ``ValueError`` with a plain message when any is out of range."""
    try:
        return GenerationParams(**values)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None
