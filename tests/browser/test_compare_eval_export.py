"""Export and Import experiment in real Chromium: the downloaded file is what ``python -m playground.eval run``
reads (checked against the schema), an edited copy imported back fills the columns and repeats, and a broken file
says why and changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from browser_servers import Server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

from playground.eval.experiment import Environment, parse_experiment


def open_evaluate(page: Any, app: Server) -> None:
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Evaluate", exact=True).click())


def test_export_then_import_an_edited_experiment(streamlit_factory: Any, page: Any, tmp_path: Path) -> None:
    app: Server = streamlit_factory({})
    open_evaluate(page, app)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export experiment").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    doc = json.loads(saved.read_text())
    experiment = parse_experiment(doc, where=saved.name, env=Environment({}, {}))  # what the CLI reads
    assert experiment.repeats == 3 and len(experiment.suite.rows) == 20 and len(doc["variants"]) == 2
    assert not _names(doc) & {"key", "api_key", "base_url", "url"}  # no key, no URL in the file
    assert "http" not in json.dumps(doc)

    doc["repeats"] = 2
    doc["variants"][0]["label"] = "Imported low effort"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    rerun_and_wait(page, lambda: page.get_by_text("An experiment file", exact=True).click())
    rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(edited)))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Import experiment").click())
    expect(
        page.get_by_text(re.compile(r"^Imported edited\.json: 2 variants into the columns, 20 rows, 2 repeats"))
    ).to_be_visible()
    expect(page.get_by_label("Repeats")).to_have_value("2")
    expect(page.get_by_text("Imported low effort").first).to_be_visible()

    broken = tmp_path / "broken.json"
    broken.write_text('{"variants": [}')
    rerun_and_wait(page, lambda: page.locator("input[type='file']").set_input_files(str(broken)))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Import experiment").click())
    expect(page.get_by_text(re.compile(r"^Nothing was imported: broken\.json"))).to_be_visible()
    expect(page.get_by_label("Repeats")).to_have_value("2")  # nothing lost
    body = page.get_by_test_id("stMain").inner_text()
    assert "Traceback" not in body and "None" not in body


def _names(value: Any) -> set[str]:
    """Every field name anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | {n for v in value.values() for n in _names(v)}
    if isinstance(value, list):
        return {n for v in value for n in _names(v)}
    return set()
