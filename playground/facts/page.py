"""The product page's own words and links (starters, system message, features, FAQ, endpoints, pricing text),
mirrored once from ``../shared/product-page/``; the model facts and prices are in ``playground.facts.catalog``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from playground.facts.catalog import SITE


@dataclass(frozen=True, slots=True)
class PageText:
    """The product page's own words, mirrored once."""

    starters: tuple[str, ...]
    system_message: str
    about: str
    category: str
    task: str
    added: str
    page_price_label: str
    page_price_per_million: Decimal
    features: tuple[str, ...]
    use_cases: tuple[str, ...]
    faq: tuple[tuple[str, str], ...]
    endpoints: tuple[tuple[str, str, str], ...]  # (protocol, label, path under the base URL)
    quick_start: str  # the Quick Start introduction (Markdown, with the page's link)
    docs_note: str  # the line under the Quick Start samples (Markdown, with the page's link)
    pricing: str  # the Pricing section (Markdown, with the page's link)
    links: tuple[tuple[str, str], ...]  # the page's link row and footer: (label, URL)
    all_models: tuple[str, str]  # the Related models section's "View all LLM Models" link: (label, URL)

    @property
    def price_per_million_text(self) -> str:
        """The page's blended price as the page writes it: "$0.400000 per million tokens"."""
        return f"${self.page_price_per_million:.6f} per million tokens"


_ABOUT = (
    "Grok 3 Mini is a lightweight, smaller thinking model. Unlike traditional models that generate answers "
    "immediately, Grok 3 Mini thinks before responding. It\u2019s ideal for reasoning-heavy tasks that don\u2019t "
    "demand..."
)

_PAGE_NAME = "XAI: Grok 3 Mini Beta"  # how the page's running text writes the model's name
_PAGE_PRICE = Decimal("0.40")  # the page's one blended figure, per million tokens
PRICING_URL = f"{SITE}/pricing"
LLM_MODELS_URL = f"{SITE}/models?feature=llmaster"
API_DOCS_URL = f"{SITE}/models/x-ai/x-ai-grok-3-mini-beta/api"

PAGE = PageText(
    starters=(
        "Explain quantum computing in simple terms",
        "Write a Python function to sort a list",
        "Create a marketing email for a SaaS product",
        "Compare REST vs GraphQL APIs",
    ),
    system_message="You are a helpful AI assistant specialized in providing accurate and detailed responses.",
    about=_ABOUT,
    category="LLM Models",
    task="Text Generation",
    added="February 20, 2026",
    page_price_label="$0.400000 / call",
    page_price_per_million=_PAGE_PRICE,
    features=(
        "Chat completion and multi-turn conversation API",
        "Streaming response with token-by-token output",
        "Function calling and tool use support",
        "System prompts and role-based messaging",
        "JSON mode and structured output",
    ),
    use_cases=(
        "AI chatbots and virtual assistants",
        "Code generation and developer tools",
        "Content writing and copywriting automation",
        "Data analysis, summarization, and extraction",
    ),
    faq=(
        ("What is XAI: Grok 3 Mini Beta?", _ABOUT),
        (
            "How do I use the XAI: Grok 3 Mini Beta API?",
            "You can integrate XAI: Grok 3 Mini Beta into your application with a single API call. Sign up on "
            'ModelsLab to get your API key, then use the model ID "x-ai-grok-3-mini-beta" in your API requests. '
            "We provide SDKs for Python, JavaScript, and cURL examples in the API documentation.",
        ),
        (
            "How much does XAI: Grok 3 Mini Beta cost?",
            "XAI: Grok 3 Mini Beta costs $0.400000 per million tokens. ModelsLab uses pay-per-use pricing with no "
            "minimum commitments. A free tier is available to get started.",
        ),
        (
            "What is the XAI: Grok 3 Mini Beta model ID?",
            'The model ID for XAI: Grok 3 Mini Beta is "x-ai-grok-3-mini-beta". Use this ID in your API '
            "requests to specify this model.",
        ),
        (
            "Does XAI: Grok 3 Mini Beta have a free tier?",
            "Yes, ModelsLab offers a free tier that lets you try XAI: Grok 3 Mini Beta and other AI models. Sign "
            "up to get free API credits and start building immediately.",
        ),
    ),
    endpoints=(
        ("OpenAI compatible", "Chat completions", "/chat/completions"),
        ("Anthropic compatible", "Messages", "/v1/messages"),
        ("Anthropic compatible", "Count tokens", "/v1/messages/count_tokens"),
        ("Anthropic compatible", "Models", "/v1/models"),
    ),
    quick_start=f"Integrate {_PAGE_NAME} into your application with a single API call. Get your API key from the "
    f"[pricing page]({PRICING_URL}) to get started.",
    docs_note=f"View the [full API documentation]({API_DOCS_URL}) for SDKs, code examples in Python, JavaScript, "
    "and more.",
    pricing=f"{_PAGE_NAME} API costs ${_PAGE_PRICE:.6f} per million tokens. Pay only for what you use with no "
    f"minimum commitments. [View pricing plans]({PRICING_URL})",
    links=(
        ("Browse LLM Models", LLM_MODELS_URL),
        ("More from X Ai", f"{SITE}/models/open_router"),
        ("View Pricing", PRICING_URL),
        ("Website", "https://modelslab.com"),
        ("API Documentation", "https://docs.modelslab.com"),
        ("Blog", "https://modelslab.com/blog"),
    ),
    all_models=("View all LLM Models", LLM_MODELS_URL),
)
