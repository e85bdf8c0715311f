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


PAGE_FOLDERS = ("chat", "compare", "history", "pricing", "model")
SHARED_CONCERNS = ("tools",)  # a concern several pages use: any page folder may import it


def _imports(text: str) -> list[str]:
    """Every module named by an import line, as a dotted path (``from a import b`` gives ``a`` and ``a.b``)."""
    out = []
    for m in re.finditer(r"^\s*from ([\w.]+) import ([^(\n#]+|\([^)]*\))", text, re.M):
        out.append(m[1])
        names = m[2].strip("()").replace("\n", " ")
        out += [f"{m[1]}.{n.strip().split(' as ')[0]}" for n in names.split(",") if n.strip()]
    out += re.findall(r"^\s*import ([\w.]+)", text, re.M)
    return out


def test_no_module_in_components_or_the_core_top_level_carries_a_folder_prefix() -> None:
    folders = {p.name for root in ("components", "playground") for p in (ROOT / root).iterdir() if p.is_dir()}
    folders -= {"__pycache__"}
    flat = [p.relative_to(ROOT) for root in ("components", "playground") for p in (ROOT / root).glob("*.py")]
    prefixed = [str(p) for p in flat if any(p.stem.startswith(f"{f}_") for f in folders | {"history", "pricing"})]
    assert prefixed == []


def test_a_page_folder_never_imports_another_page_folder() -> None:
    hits = []
    for folder in PAGE_FOLDERS:
        for path, text in _sources(f"components/{folder}").items():
            others = [f"components.{f}" for f in PAGE_FOLDERS if f != folder]
            hits += [
                f"{path.name}: {m}" for m in _imports(text) if any(m == o or m.startswith(o + ".") for o in others)
            ]
    assert hits == []


# The core's floors, from the bottom: a module may import its own floor and the ones below, never one above.
FLOORS = (
    ("playground.text", "playground.urls"),
    ("playground.facts",),
)


def _floor(module: str) -> int | None:
    for i, names in enumerate(FLOORS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def test_no_import_climbs_a_floor() -> None:
    hits = []
    for path, text in _sources("playground").items():
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own = _floor(module)
        if own is None:
            continue
        for imported in _imports(text):
            if imported.startswith("playground"):
                floor = _floor(imported)
                if floor is None or floor > own:
                    hits.append(f"{module} imports {imported}")
    assert hits == []


def test_the_core_never_imports_the_ui() -> None:
    hits = [
        p.name
        for p, text in _sources("playground").items()
        if re.search(r"^\s*(from|import) (components|pages)\b", text, re.M)
    ]
    assert hits == []
