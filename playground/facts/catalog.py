"""The model catalogue: one place for every model fact, price and piece of page text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from playground.facts.families import XAI_REASONING

PAGE_SOURCE = "ModelsLab product page for x-ai-grok-3-mini-beta (generated 2026-05-13)"
XAI_PRICE_SOURCE = "docs.x.ai Models and Pricing, archived 2025-06-02 (grok-3-mini cached input)"
XAI_CONTEXT_SOURCE = "docs.x.ai Models and Pricing, archived 2025-06-02 (grok-3-mini)"
SITE = "https://modelslab-frontend-v2-927501783998.us-east4.run.app"  # the product page's own links point here


@dataclass(frozen=True, slots=True)
class Price:
    """USD per 1M tokens, with where each figure comes from."""

    input: Decimal
    output: Decimal
    cached_input: Decimal | None = None
    source: str = PAGE_SOURCE
    cached_source: str = ""


@dataclass(frozen=True, slots=True)
class Model:
    """One model as the product page and the providers know it.

    ``provider_ids`` maps a provider id to the model name that provider expects; a provider missing from it
    uses ``id``. ``rejects`` maps a provider id to the parameters that provider refuses for this model, each
    with a one-line reason.
    """

    id: str
    name: str
    vendor: str
    platform: str
    context: int | None = None
    reasoning: bool = False
    price: Price | None = None
    provider_ids: dict[str, str] = field(default_factory=dict)
    rejects: dict[str, dict[str, str]] = field(default_factory=dict)
    genai_prices_ref: tuple[str, str] | None = None  # (provider_id, model_ref) in genai-prices
    access: str = "Closed Source Model"  # the page's label on every model card
    context_source: str = ""  # where ``context`` comes from
    page_path: str = ""  # the model's page on the site, under SITE/models/
    platform_path: str = ""  # the platform's model list on the site, under SITE/models/

    @property
    def page_url(self) -> str:
        """The model's page on the ModelsLab site ('' when the catalogue does not know it)."""
        return f"{SITE}/models/{self.page_path}" if self.page_path else ""

    @property
    def platform_url(self) -> str:
        """The page listing the models of this model's platform ('' when unknown)."""
        return f"{SITE}/models/{self.platform_path}" if self.platform_path else ""

    def name_for(self, provider_id: str) -> str:
        """The model name to send to ``provider_id``."""
        return self.provider_ids.get(provider_id, self.id)

    def rejected(self, provider_id: str) -> dict[str, str]:
        """Parameters ``provider_id`` refuses for this model, with reasons."""
        return self.rejects.get(provider_id, {})


REASONING_REJECT = "not supported by reasoning models (xAI returns an error even at 0)"

GROK_3_MINI = Model(
    id="x-ai-grok-3-mini-beta",
    name="xAI: Grok 3 Mini Beta",
    vendor="x-ai",
    platform="Open Router",
    context=131_072,
    context_source=XAI_CONTEXT_SOURCE,
    page_path="x-ai/x-ai-grok-3-mini-beta",
    platform_path="open_router",  # the page's "More from X Ai" link
    reasoning=True,
    price=Price(
        input=Decimal("0.30"),
        output=Decimal("0.50"),
        cached_input=Decimal("0.075"),
        source=PAGE_SOURCE,
        cached_source=XAI_PRICE_SOURCE,
    ),
    provider_ids={"xai": "grok-3-mini", "openrouter": "x-ai/grok-3-mini-beta"},
    rejects={"xai": dict.fromkeys(XAI_REASONING.params, REASONING_REJECT)},
    genai_prices_ref=("x-ai", "grok-3-mini"),
)


def _related(
    model_id: str,
    name: str,
    platform: str,
    openrouter: str | None = None,
    *,
    prices: tuple[str, str] | None = None,
    site_path: str = "",
) -> Model:
    ids = {"openrouter": openrouter} if openrouter else {}
    vendor = name.split(":")[0].strip()
    site_path = site_path or PLATFORM_PATHS[platform]  # the page links each card to SITE/models/<path>/<id>
    return Model(
        id=model_id,
        name=name,
        vendor=vendor,
        platform=platform,
        provider_ids=ids,
        genai_prices_ref=prices,
        page_path=f"{site_path}/{model_id}",
        platform_path=site_path,
    )


PLATFORM_PATHS = {
    "Open Router": "open_router",
    "Together AI": "together_ai",
    "Open Ai": "openai",
    "Google": "google",
}


# The related models exactly as the product page lists them (ID from each link, name as shown, platform).
RELATED: tuple[Model, ...] = (
    _related(
        "openai-gpt-5.5",
        "OpenAI: GPT-5.5",
        "Open Router",
        "openai/gpt-5.5",
        prices=("openrouter", "openai/gpt-5.5"),
    ),
    _related(
        "qwen-qwen3-30b-a3b-instruct-2507",
        "Qwen: Qwen3 30B A3B Instruct 2507",
        "Open Router",
        "qwen/qwen3-30b-a3b-instruct-2507",
        prices=("openrouter", "qwen/qwen3-30b-a3b-instruct-2507"),
    ),
    _related(
        "openai-gpt-oss-20b",
        "OpenAI: gpt-oss-20b",
        "Open Router",
        "openai/gpt-oss-20b",
        prices=("openrouter", "openai/gpt-oss-20b"),
    ),
    _related(
        "meta-llama-Meta-Llama-3-8B-Instruct-Lite",
        "Meta Llama 3 8B Instruct Lite",
        "Together AI",
        prices=("together", "meta-llama/Meta-Llama-3-8B-Instruct-Lite"),
    ),
    _related(
        "nvidia-nemotron-3-nano-30b-a3b-free",
        "NVIDIA: Nemotron 3 Nano 30B A3B (free)",
        "Open Router",
        "nvidia/nemotron-3-nano-30b-a3b:free",
        prices=("openrouter", "nvidia/nemotron-3-nano-30b-a3b:free"),
    ),
    _related(
        "meta-llama-llama-3.1-70b-instruct",
        "Meta: Llama 3.1 70B Instruct",
        "Open Router",
        "meta-llama/llama-3.1-70b-instruct",
        prices=("openrouter", "meta-llama/llama-3.1-70b-instruct"),
    ),
    _related(
        "deepseek-ai-deepseek-coder-33b-instruct",
        "Deepseek Coder 33B Instruct",
        "Together AI",
        prices=("together", "deepseek-ai/deepseek-coder-33b-instruct"),
    ),
    _related(
        "google-gemma-4-31B-it", "Gemma 4 31B-it FP8", "Together AI", prices=("together", "google/gemma-4-31B-it")
    ),
    _related(
        "anthropic-claude-3-haiku",
        "Anthropic: Claude 3 Haiku",
        "Open Router",
        "anthropic/claude-3-haiku",
        prices=("openrouter", "anthropic/claude-3-haiku"),
    ),
    _related(
        "deepseek-ai-DeepSeek-R1-Distill-Qwen-1.5B",
        "DeepSeek R1 Distill Qwen 1.5B",
        "ModelsLab",
        site_path="deepseek",
    ),
    _related(
        "xiaomi-mimo-v2-pro",
        "Xiaomi: MiMo-V2-Pro",
        "Open Router",
        "xiaomi/mimo-v2-pro",
        prices=("openrouter", "xiaomi/mimo-v2-pro"),
    ),
    _related(
        "deepcogito-cogito-v1-preview-llama-70B",
        "Cogito V1 Preview Llama 70B",
        "Together AI",
        prices=("together", "deepcogito/cogito-v1-preview-llama-70B"),
    ),
    _related("gpt-5.1-codex-max", "GPT-5.1-Codex-Max", "Open Ai", prices=("openai", "gpt-5.1-codex-max")),
    _related(
        "arcee-ai-trinity-large-preview",
        "Arcee AI: Trinity Large Preview",
        "Open Router",
        "arcee-ai/trinity-large-preview",
        prices=("openrouter", "arcee-ai/trinity-large-preview"),
    ),
    _related("gemini-2.5-pro", "Gemini 2.5 Pro", "Google", prices=("google", "gemini-2.5-pro")),
    _related(
        "openai-gpt-5.2-chat",
        "OpenAI: GPT-5.2 Chat",
        "Open Router",
        "openai/gpt-5.2-chat",
        prices=("openrouter", "openai/gpt-5.2-chat"),
    ),
    _related(
        "openai-gpt-5.4",
        "OpenAI: GPT-5.4",
        "Open Router",
        "openai/gpt-5.4",
        prices=("openrouter", "openai/gpt-5.4"),
    ),
    _related("Qwen-Qwen2-1.5B", "Qwen 2 (1.5B)", "Together AI", prices=("together", "Qwen/Qwen2-1.5B")),
)

MODELS: dict[str, Model] = {m.id: m for m in (GROK_3_MINI, *RELATED)}
DEFAULT_MODEL_ID = GROK_3_MINI.id


def get_model(model_id: str) -> Model:
    """The catalogue model with ``model_id``; a model not in the catalogue gets a bare entry with no price."""
    return MODELS.get(model_id) or Model(id=model_id, name=model_id, vendor="unknown", platform="custom")
