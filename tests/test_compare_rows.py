"""AppTest of the test set's rows across view switches: an uploaded file and the data editor's edits are kept.

Streamlit drops the state of widgets it does not draw, and the compare page draws one view at a time; these tests
switch to "Side by side" and back and check the rows the run really sends (requests on a loopback server).
"""

from __future__ import annotations

import pytest
from apptest_util import run
from experiments_util import known_usage_handler, last_user
from loopback import LoopbackServer
from streamlit.testing.v1 import AppTest
from test_compare_page import open_compare
from test_compare_saved_page import db, save  # noqa: F401 - fixture by name

from components.compare import rows as compare_rows

CSV = b"question,expected\nWhat is rain?,water\nWhat is snow?,ice\nWhat is hail?,ice\n"
FROM_FILE = ["What is rain?", "What is hail?", "What is snow?"]
TYPED = ["Name the capital of France.", "What is 2 + 2?"]  # the starter rows
EDITS = {
    "edited_rows": {0: {"question": "What is 3 + 3?"}},
    "added_rows": [{"question": "What is 5 + 5?", "expected": "10"}],
    "deleted_rows": [],
}
EDITED = ["Name the capital of France.", "What is 3 + 3?", "What is 5 + 5?"]


@pytest.fixture
def known(monkeypatch: pytest.MonkeyPatch):
    """A loopback server with known usage, and the app pointed at it as the custom provider."""
    with LoopbackServer(known_usage_handler()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def _view(at: AppTest, name: str) -> AppTest:
    at.radio(key="cmp_view").set_value(name)
    return run(at)


def _away_and_back(at: AppTest) -> AppTest:
    _view(at, "Side by side")
    assert not at.file_uploader and not at.data_editor
    return _view(at, "Test set")


def _requests(at: AppTest) -> str:
    """The predicted line's start: "6 requests"."""
    return next(i.value for i in at.info if "predicted cost" in i.value).split(",")[0]


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "rows, columns" in c.value or "uploaded earlier" in c.value]


def _sent(at: AppTest, server: LoopbackServer) -> list[str]:
    """Run the test set; the distinct questions the server got."""
    server.requests.clear()
    at.button(key="ts_run").click()
    run(at)
    assert any(" requests ran and cost $" in s.value for s in at.success)
    return sorted({last_user(r) for r in server.requests})


def test_an_uploaded_file_survives_switching_views_until_cleared(known: LoopbackServer) -> None:
    at = _view(open_compare(), "Test set")
    at.file_uploader(key="ts_upload").set_value(("rows.csv", CSV, "text/csv"))
    run(at)
    assert _captions(at) == ["3 rows, columns: question, expected"] and _requests(at) == "6 requests"
    _away_and_back(at)
    assert _captions(at) == [
        ":material/description: Using rows.csv (uploaded earlier)",
        "3 rows, columns: question, expected",
    ]
    assert _requests(at) == "6 requests" and not at.data_editor
    at.text_input(key="ts_cap").set_value("1")  # any other rerun keeps it
    run(at)
    assert _requests(at) == "6 requests" and len(_captions(at)) == 2
    assert _sent(at, known) == sorted(FROM_FILE) and len(known.requests) == 6
    at.button(key="ts_upload_clear").click()
    run(at)
    assert _captions(at) == [] and _requests(at) == "4 requests" and at.data_editor
    assert compare_rows.KEPT_FILE not in at.session_state
    _away_and_back(at)
    assert _captions(at) == [] and _requests(at) == "4 requests"


def test_removing_the_file_from_the_uploader_drops_it() -> None:
    at = _view(open_compare(), "Test set")
    at.file_uploader(key="ts_upload").set_value(("rows.csv", CSV, "text/csv"))
    run(at)
    at.file_uploader(key="ts_upload").set_value(None)
    run(at)
    assert _captions(at) == [] and _requests(at) == "4 requests"
    _away_and_back(at)
    assert _captions(at) == [] and _requests(at) == "4 requests"


def test_a_new_upload_replaces_the_kept_file() -> None:
    at = _view(open_compare(), "Test set")
    at.file_uploader(key="ts_upload").set_value(("rows.csv", CSV, "text/csv"))
    run(at)
    _away_and_back(at)
    at.file_uploader(key="ts_upload").set_value(("one.jsonl", b'{"question": "Why?"}\n', "text/plain"))
    run(at)
    assert _captions(at) == ["1 rows, columns: question"] and _requests(at) == "2 requests"
    _away_and_back(at)
    assert _captions(at)[0] == ":material/description: Using one.jsonl (uploaded earlier)"


def test_edited_rows_survive_switching_views_and_apply_once(known: LoopbackServer) -> None:
    at = _view(open_compare(), "Test set")
    assert _requests(at) == "4 requests"
    at.session_state["ts_editor"] = EDITS  # AppTest's way to edit a data editor
    run(at)
    assert _requests(at) == "6 requests"
    at.text_input(key="ts_cap").set_value("1")  # a rerun while the editor holds its edits applies them once
    run(at)
    assert _requests(at) == "6 requests"
    _away_and_back(at)
    assert _requests(at) == "6 requests"
    shown = at.data_editor[0].value
    assert sorted(shown["question"]) == EDITED and len(shown) == 3  # the edits are now the editor's table
    at.text_input(key="ts_cap").set_value("2")
    run(at)
    assert _requests(at) == "6 requests"
    assert _sent(at, known) == EDITED
    at.session_state["ts_editor"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0]}
    run(at)  # a new edit applies to the kept table: its first row ("What is 3 + 3?") goes
    assert _requests(at) == "4 requests"
    _away_and_back(at)
    assert _sent(at, known) == ["Name the capital of France.", "What is 5 + 5?"]


def test_typed_rows_come_back_after_a_file_is_cleared(known: LoopbackServer) -> None:
    at = _view(open_compare(), "Test set")
    at.session_state["ts_editor"] = EDITS
    run(at)
    at.file_uploader(key="ts_upload").set_value(("rows.csv", CSV, "text/csv"))
    run(at)
    assert not at.data_editor and _requests(at) == "6 requests"
    _away_and_back(at)
    at.button(key="ts_upload_clear").click()
    run(at)
    assert sorted(at.data_editor[0].value["question"]) == EDITED
    assert _sent(at, known) == EDITED


def test_loading_a_saved_test_set_replaces_a_kept_file(known: LoopbackServer, db: str) -> None:  # noqa: F811
    at = _view(open_compare(), "Test set")
    at.session_state["ts_editor"] = EDITS
    run(at)
    assert _sent(at, known) == EDITED
    save(at, "testset", "Three questions")  # saves the last run's rows
    at.file_uploader(key="ts_upload").set_value(("rows.csv", CSV, "text/csv"))
    run(at)
    _away_and_back(at)
    assert _captions(at)[0] == ":material/description: Using rows.csv (uploaded earlier)"
    at.button(key="exp_load").click()
    run(at)
    assert _captions(at) == [] and _requests(at) == "6 requests"  # the saved rows, not the file's
    assert sorted(at.data_editor[0].value["question"]) == EDITED
    _away_and_back(at)
    assert _captions(at) == [] and _requests(at) == "6 requests"
    assert _sent(at, known) == EDITED
