"""AppTest of "Export experiment" and "Import experiment" on the compare page's Evaluate view: the download is a
valid experiment file (the JSON Schema) that ``python -m playground.eval run`` runs, importing it back gives the
same definition, and a bad file says why and changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from apptest_util import new_app, run
from eval_loopback import CapitalsServer, always
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from playground.eval.cli import main
from playground.eval.experiment import check_schema

PAGE = "pages/compare.py"
FILE = "An experiment file"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What each download button hands the browser, by its media id (the bytes Streamlit serves)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001, ANN202
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[file_id] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def exported(at: AppTest, downloads: dict[str, bytes]) -> dict:
    (button,) = [b for b in at.get("download_button") if b.proto.label == "Export experiment"]
    file_id = button.proto.url.rsplit("/", 1)[1].split(".")[0]
    return json.loads(downloads[file_id].decode("utf-8"))


def open_evaluate() -> AppTest:
    at = new_app()
    run(at)
    at.switch_page(PAGE)
    run(at)
    at.radio(key="cmp_view").set_value("Evaluate")
    return run(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="eval_source").set_value(FILE)
    run(at)
    at.file_uploader(key="eval_file").set_value((name, data, "application/json"))
    return run(at)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    with CapitalsServer(rule=always) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def test_export_then_import_gives_the_same_definition_and_the_cli_runs_it(
    provider: CapitalsServer, downloads: dict[str, bytes], tmp_path: Path
) -> None:
    at = open_evaluate()
    at.number_input(key="eval_repeats").set_value(2)
    at.number_input(key="eval_cap").set_value(0.3)
    run(at)
    first = exported(at, downloads)
    check_schema(first, where="export")  # exactly what the command line reads
    assert first["repeats"] == 2 and first["cap"] == "0.3" and len(first["rows"]) == 20
    assert [v["label"] for v in first["variants"]] == ["Variant 1", "Variant 2"]
    assert provider.url not in json.dumps(first)  # no address written
    path = tmp_path / "exported.json"
    path.write_text(json.dumps(first))
    out = io.StringIO()
    assert main(["run", str(path), "--repeats", "1"], out=out, err=io.StringIO()) == 0, out.getvalue()
    assert provider.answers == 40  # 20 rows × the 2 exported variants

    again = open_evaluate()  # a new session: other repeats and cap, then the file imported
    assert again.number_input(key="eval_repeats").value == 3
    upload(again, "exported.json", path.read_bytes())
    again.button(key="eval_import").click()
    run(again)
    assert any(s.value.startswith("Imported exported.json: 2 variants") for s in again.success)
    assert again.number_input(key="eval_repeats").value == 2
    assert again.number_input(key="eval_cap").value == 0.3
    assert exported(again, downloads) == first  # the same definition


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json at all", "bad.json is not a JSON file."),
        (json.dumps({"kind": "testset", "version": 1}).encode(), "bad.json: at the top level: 'variants' is a"),
        (
            json.dumps(
                {
                    "kind": "testset",
                    "version": 1,
                    "variants": [{"label": "A", "model": "x-ai-grok-3-mini-beta", "params": {}}],
                    "prompt": "Capital of {{nowhere}}?",
                    "rows": [{"country": "France"}],
                    "graders": [{"kind": "contains", "expected": "country"}],
                }
            ).encode(),
            "bad.json: No column for {{nowhere}}. Columns: country.",
        ),
    ],
)
def test_a_bad_file_says_why_and_nothing_is_lost(provider: CapitalsServer, data: bytes, message: str) -> None:
    at = open_evaluate()
    at.number_input(key="eval_repeats").set_value(4)
    run(at)
    columns = {k: at.session_state[k] for k in at.session_state if str(k).startswith("cmp_")}
    upload(at, "bad.json", data)
    at.button(key="eval_import").click()
    run(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("Nothing was imported: " + message) for e in errors), errors
    assert at.number_input(key="eval_repeats").value == 4
    assert {k: at.session_state[k] for k in columns} == columns  # the columns are as they were
    assert provider.answers == 0
