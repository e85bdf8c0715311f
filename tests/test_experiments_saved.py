"""Saved experiments: a comparison or test set stored as JSON (no key, no URL) in SQLite and PostgreSQL, read
back, and re-run to the same requests."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from experiments_util import known_usage_handler, variant
from loopback import LoopbackServer

from playground.experiments import checks, saved
from playground.experiments.run import compare
from playground.experiments.saved import Definition, DefinitionError, compare_definition, variant_from_definition
from playground.experiments.testrun import EvalRun
from playground.experiments.variant import STARTING_SETS, Variant
from playground.facts.catalog import GROK_3_MINI
from playground.facts.providers import CUSTOM, ProviderConfig, resolve
from playground.store import Store
from playground.tools.examples import EXAMPLE_TOOLS, STARTING_SCHEMAS
from playground.tools.response_format import ResponseFormat
from playground.tools.settings import ToolSettings

SECRET = "sk-saved-experiment-secret-0123456789"
TOOLS = ToolSettings(
    tools=EXAMPLE_TOOLS[:2],
    response_format=ResponseFormat("json_schema", "extraction", STARTING_SCHEMAS["extraction"]),
)


def at(server: LoopbackServer):  # noqa: ANN201 - the resolver a loading session would use
    return lambda provider_id: ProviderConfig(CUSTOM, server.url + "/v1", auth="none")


def bodies(server: LoopbackServer) -> list[str]:
    return sorted(json.dumps(r.json(), sort_keys=True) for r in server.requests)


def test_a_saved_comparison_reruns_to_the_same_requests(tmp_path) -> None:
    with LoopbackServer(known_usage_handler()) as server:
        low, high = STARTING_SETS["Reasoning effort low vs high"](replace(variant(server), tools=TOOLS))
        history = [{"role": "user", "content": "Why is the sky blue?"}]
        assert compare([low, high], history).wait(10)
        first = bodies(server)
        saved = json.loads(
            json.dumps(compare_definition([low, high], prompt="Why is the sky blue?", on_top=False).as_json())
        )
        server.requests.clear()
        loaded = Definition.from_json(saved)
        again = loaded.make_variants(resolve=at(server))
        assert [v.label for v in again] == ["Effort low", "Effort high"]
        assert again[0].tools == TOOLS and again[1].params == high.params
        assert compare(again, [{"role": "user", "content": loaded.prompt}]).wait(10)
        assert bodies(server) == first


def test_a_saved_test_set_reruns_rows_check_cap_and_concurrency() -> None:
    frame = pd.DataFrame({"question": ["2 + 2?", "Capital of France?"], "expected": ["echo", "Paris"]})
    check = checks.Check("contains", "expected")
    with LoopbackServer(known_usage_handler()) as server:
        run = EvalRun(variants=[variant(server)], rows=frame, prompt="Q: {{question}}", check=check, concurrency=2)
        run.start()
        assert run.wait(10)
        first = bodies(server)
        doc = saved.testset_definition(
            run.variants, template=run.template, rows=run.records, check=check, cap="0.50", concurrency=2
        ).as_json()
        loaded = Definition.from_json(json.loads(json.dumps(doc)))
        server.requests.clear()
        again = EvalRun(
            variants=loaded.make_variants(resolve=at(server)),
            rows=loaded.make_rows(),
            prompt=loaded.prompt,
            check=loaded.make_check(),
            concurrency=loaded.concurrency,
        )
        again.start()
        assert again.wait(10)
        assert bodies(server) == first
    assert loaded.cap == "0.50" and loaded.make_rows().equals(frame)
    assert sorted(c.verdict.passed for c in again.cells) == sorted(c.verdict.passed for c in run.cells)


def test_no_key_or_url_is_saved_and_loading_uses_this_sessions_provider(db_url: str) -> None:
    keyed = resolve("xai", env={"XAI_API_KEY": SECRET})
    mine = Variant("Mine", keyed, GROK_3_MINI, tools=TOOLS)
    doc = compare_definition([mine], prompt="hi", on_top=True).as_json()
    text = json.dumps(doc)
    assert SECRET not in text and keyed.base_url not in text
    store = Store.open(url=db_url)
    try:
        experiment_id = store.save_experiment(owner="ada", name="Effort sweep", definition=doc, results=[{"a": 1}])
        (got,) = store.list_experiments(owner="ada")
        assert got.id == experiment_id and got.results == [{"a": 1}]
        assert store.list_experiments(owner="bob") == []
    finally:
        store.close()
    loaded = Definition.from_json(got.definition)
    assert loaded.on_top and loaded.prompt == "hi"
    other = resolve("xai", env={"XAI_API_KEY": "sk-someone-elses-key-9876543210"})
    (v,) = loaded.make_variants(resolve=lambda _: other)
    assert v.config.api_key == "sk-someone-elses-key-9876543210"


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"kind": "chat", "variants": [{}]},
        {"kind": "compare", "variants": []},
        {"kind": "testset", "variants": [{"x": 1}], "rows": "not rows"},
        {"kind": "testset", "variants": [{"x": 1}], "check": {"kind": "eval"}},
    ],
)
def test_a_definition_this_version_cannot_read_is_a_clear_error(doc: dict) -> None:
    with pytest.raises(DefinitionError):
        Definition.from_json(doc)


def test_a_saved_variant_with_broken_parts_is_a_clear_error() -> None:
    good = {"label": "A", "provider": "offline", "model": "x", "params": {}, "tools": {}}
    offline = resolve("offline", env={})
    assert variant_from_definition(good, resolve=lambda _: offline).label == "A"
    for broken in (
        {**good, "params": {"temperature": 9}},
        {**good, "tools": {"tools": [{"type": "function"}]}},
        {**good, "tools": {"response_format": {"kind": "json_schema", "schema": {"type": 5}}}},
        {k: v for k, v in good.items() if k != "params"},
    ):
        with pytest.raises(DefinitionError):
            variant_from_definition(broken, resolve=lambda _: offline)
