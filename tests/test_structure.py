"""The layers keep their shape: the core never imports streamlit; the UI reads provider capabilities as data."""

from __future__ import annotations

import re
from pathlib import Path

from playground.facts.providers import PROVIDERS

ROOT = Path(__file__).resolve().parent.parent


def _sources(*folders: str) -> dict[Path, str]:
    return {p: p.read_text() for folder in folders for p in (ROOT / folder).rglob("*.py")}


def test_the_core_never_imports_streamlit() -> None:
    hits = [
        p for p, text in _sources("playground").items() if re.search(r"^\s*(import|from) streamlit", text, re.M)
    ]
    assert hits == []


def test_no_provider_id_is_compared_in_the_ui() -> None:
    ids = "|".join(PROVIDERS)
    pattern = re.compile(rf"""(==|!=|\bin\b)\s*["']({ids})["']|["']({ids})["']\s*(==|!=)""")
    hits = [
        f"{p.name}: {m.group(0)}"
        for p, text in _sources("components", "pages").items()
        for m in pattern.finditer(text)
    ]
    assert hits == []


def test_no_module_at_the_top_of_the_core_carries_a_protocol_prefix() -> None:
    names = [p.stem for p in (ROOT / "playground").glob("*.py")]
    assert [n for n in names if n.startswith(("openai_", "anthropic_", "offline_", "snippet_"))] == []


def test_capabilities_are_data_on_the_provider() -> None:
    assert PROVIDERS["modelslab"].protocols == ("openai", "anthropic")
    assert PROVIDERS["modelslab"].body_key_auth and PROVIDERS["modelslab"].lists_models
    assert PROVIDERS["custom"].user_url and not PROVIDERS["custom"].key_required
    assert [p for p in PROVIDERS.values() if p.user_url] == [PROVIDERS["custom"]]
    assert all(p.protocols[0] == "openai" for p in PROVIDERS.values())
    assert (
        not PROVIDERS["xai"].completion_includes_reasoning
        and PROVIDERS["openrouter"].completion_includes_reasoning
    )
