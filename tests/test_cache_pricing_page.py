"""The pricing page's cache forecast with no history: a stated assumption beside the 0 % and 100 % bounds."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_without_replies_the_forecast_states_its_assumption() -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/pricing.py").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "hit rate 50 %, an assumed 50 % (no replies with usage yet" in text
    table = next(d.value for d in at.dataframe if "Hit rate" in d.value.columns)
    assert list(table["Case"]) == ["No cache", "Assumed hit rate", "All input cached"]
    assert list(table["Hit rate"]) == ["0 %", "50 %", "100 %"]
    totals = [float(v.lstrip("$").replace(",", "")) for v in table["Per month"]]
    assert totals[0] > totals[1] > totals[2] > 0
