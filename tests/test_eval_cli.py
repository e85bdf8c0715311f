"""``python -m playground.eval``: run and tune on examples/ against the offline server and a loopback server;
exit codes 0, 1 and 2; JUnit XML a JUnit reader parses; a baseline regression makes ``run`` exit 1."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from browser_servers import ROOT, server_env, start_offline_server
from eval_loopback import CAPITALS, CapitalsServer, always, never
from test_eval_tuner import rule

from playground.eval.cli import main

EXAMPLE = ROOT / "examples" / "capitals.json"
SPACE = ROOT / "examples" / "space.json"


@pytest.fixture(scope="module")
def offline_server():
    server = start_offline_server(pace=0.0)
    yield server
    server.stop()


def point_at(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    """The app's settings for an OpenAI-compatible server at ``base_url``."""
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", base_url)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def experiment(tmp_path: Path, **changes: object) -> Path:
    doc = {**json.loads(EXAMPLE.read_text()), **changes}
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps(doc))
    return path


def junit_cases(path: Path) -> dict[str, list[ET.Element]]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    return {suite.get("name"): list(suite.iter("testcase")) for suite in root.iter("testsuite")}


def test_run_on_the_example_against_the_offline_server_passes(offline_server, tmp_path: Path) -> None:
    result, junit = tmp_path / "result.json", tmp_path / "result.xml"
    env = server_env({"PLAYGROUND_PROVIDER": "custom", "PLAYGROUND_BASE_URL": offline_server.url})
    cmd = [
        sys.executable,
        "-m",
        "playground.eval",
        "run",
        str(EXAMPLE),
        "--json",
        str(result),
        "--junit",
        str(junit),
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "120 answers and 120 judge requests: predicted cost" in done.stderr and "120/120 answers" in done.stderr
    assert "Pass rate (95 % interval)" in done.stdout and "PASSED: every variant reaches 80 %." in done.stdout
    assert "Judge (Offline engine (not a model)): 120 requests cost $" in done.stdout
    doc = json.loads(result.read_text())
    assert doc["state"] == "finished" and Decimal(doc["spent_usd"]) <= Decimal(doc["cap_usd"])
    assert all(r["simulated"] for r in doc["results"])  # the example opts in; the server is the offline engine
    assert {j["by"] for r in doc["results"] for j in r["judge"]} == {"Offline engine (not a model)"}
    assert Decimal(doc["forecast"]["low_usd"]) <= Decimal(doc["spent_usd"]) <= Decimal(doc["forecast"]["high_usd"])
    assert len(doc["answers"]) == 40  # identical answers of a row's 3 repeats grouped, with counts
    for group in doc["answers"]:
        counts = [g["count"] for g in group["groups"]]
        outputs = [
            r["output"] for r in doc["results"] if r["row"] == group["row"] and r["variant"] == group["variant"]
        ]
        assert sum(counts) == 3 and counts == sorted(counts, reverse=True)
        assert {g["answer"]: g["count"] for g in group["groups"]} == {o: outputs.count(o) for o in set(outputs)}
    cases = junit_cases(junit)
    assert list(cases) == [v["label"] for v in doc["variants"]]
    for variant in doc["variants"]:
        mine = cases[variant["label"]]
        assert len(mine) == 21  # a case per row and the target
        failed_rows = sum(1 for rows in variant["rows"].values() if not all(rows))
        assert sum(1 for c in mine[:20] if c.find("failure") is not None) == failed_rows
        assert mine[20].find("failure") is None


def test_run_exits_1_when_the_checks_fail(monkeypatch, tmp_path: Path) -> None:
    junit = tmp_path / "r.xml"
    with CapitalsServer(rule=never) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        code, out, _err = cli("run", str(EXAMPLE), "--repeats", "1", "--junit", str(junit))
    assert code == 1 and "FAILED: Effort low, temperature 1 passes 0 %, under the target of 80 %" in out
    cases = junit_cases(junit)
    assert all(c.find("failure") is not None for suite in cases.values() for c in suite)
    failure = next(iter(cases.values()))[0].find("failure")
    assert failure.get("message") == "1 of 1 repeats failed" and "contains capital" in failure.text


def test_a_baseline_regression_makes_run_exit_1(monkeypatch, tmp_path: Path) -> None:
    path = experiment(tmp_path, target=0.0)  # the target always passes: only the baseline decides
    base, junit = tmp_path / "base.json", tmp_path / "now.xml"
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        assert cli("run", str(path), "--json", str(base))[0] == 0
        code, out, _ = cli("run", str(path), "--baseline", str(base))
        assert code == 0 and "did not regress against the baseline (0 points" in out
    with CapitalsServer(rule=never) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        now = tmp_path / "now.json"
        code, out, _ = cli("run", str(path), "--baseline", str(base), "--junit", str(junit), "--json", str(now))
    assert code == 1
    # the same declared usage either way: the cost did not move; the latency line is there with its interval
    same_cost = (
        r"^  Cost per answer \(judging included\): \$[0-9.]+ → \$[0-9.]+; "
        r"the mean cost per request changed by \$0 \(95 % interval \$0 to \$0, paired by row\)\.$"
    )
    assert len(re.findall(same_cost, out, re.M)) == 2
    assert (
        len(re.findall(r"^  p95 latency: [0-9.]+ s → [0-9.]+ s; .*95 % interval .* paired by row\)\.$", out, re.M))
        == 2
    )
    for entry in json.loads(now.read_text())["baseline"]:
        assert entry["regressed"] and len(entry["changed"]) == 20 and entry["worse_rows"] == list(range(1, 21))
        assert all(re.fullmatch(r"\[-.+-\]\{\+.+\+\}", c["diff"]) for c in entry["changed"])
    assert "Effort low, temperature 1 regressed against the baseline: 100 ± " in out
    assert "20 rows now fail more often" in out
    changed = re.findall(r"^  row (\d+): passed 3 of 3 → 0 of 3; answer: \[-(.+?)-\]\{\+(.+?)\+\}$", out, re.M)
    assert len(changed) == 20 and out.count("… and 10 more rows (all of them in --json).") == 2  # 10 per variant
    for row, before, after in changed:
        assert before == list(CAPITALS.values())[int(row) - 1] != after
    case = [
        c for c in junit_cases(junit)["Effort low, temperature 1"] if c.get("name").startswith("no regression")
    ]
    assert case and case[0].find("failure") is not None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "examples/missing.json"], "examples/missing.json: no such file."),
        (["run", "README.md"], "README.md: the experiment is not valid JSON"),
        (["run", str(EXAMPLE), "--max-usd", "ten"], "--max-usd must be a number of US dollars, not 'ten'."),
        (["run", str(EXAMPLE), "--repeats", "11"], "--repeats must be from 1 to 10."),
        (["run", str(EXAMPLE), "--repeats", "0"], "--repeats must be from 1 to 10."),
        (["run", str(EXAMPLE), "--max-usd", "NaN"], "--max-usd must be more than 0."),
        (["run", str(EXAMPLE), "--max-usd", "0.0000001"], "Even with no output this run costs at least"),
        (["run", str(EXAMPLE), "--baseline", str(EXAMPLE)], "'rows' is a required property"),
        (["tune", str(EXAMPLE), "--space", str(EXAMPLE), "--max-usd", "1"], "Additional properties"),
        (["tune", str(EXAMPLE), "--space", str(SPACE), "--max-usd", "0.0001"], "does not cover one row"),
        (["walk"], ""),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_sends_nothing(monkeypatch, argv, message) -> None:
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        code, out, err = cli(*argv)
        assert server.requests == []
    assert code == 2 and message in err and "Traceback" not in err + out


def test_tune_on_the_examples_against_the_offline_server(offline_server, monkeypatch, tmp_path: Path) -> None:
    point_at(monkeypatch, offline_server.url)
    out_json = tmp_path / "tune.json"
    code, out, err = cli("tune", str(EXAMPLE), "--space", str(SPACE), "--max-usd", "0.30", "--json", str(out_json))
    assert code == 0, out + err
    doc = json.loads(out_json.read_text())
    assert Decimal(doc["spent_usd"]) <= Decimal("0.30") and doc["recommended"] is not None
    assert Decimal(doc["spent_usd"]) < Decimal(doc["full_grid_high_usd"])
    assert len(doc["settings"]) == 12 and any(s["on_frontier"] for s in doc["settings"])
    assert f"RECOMMENDED: {doc['recommended']['label']}" in out and "Simulated, not a model" in err


def test_tune_against_a_loopback_server_recommends_the_setting_that_passes(monkeypatch, tmp_path: Path) -> None:
    out_json = tmp_path / "tune.json"
    with CapitalsServer(rule=rule) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        code, out, _ = cli(
            "tune", str(EXAMPLE), "--space", str(SPACE), "--max-usd", "0.50", "--json", str(out_json)
        )
    assert code == 0
    doc = json.loads(out_json.read_text())
    params = doc["recommended"]["params"]
    assert params["reasoning_effort"] == "high" and params["temperature"] <= 1
    dropped = [s for s in doc["settings"] if s["dropped"]]
    assert dropped and all(s["pass_rate"] == 0 for s in dropped)
    assert all("points more" in s["dropped"] for s in dropped) and "Dropped " in out


def test_the_key_never_reaches_the_output_or_the_files(monkeypatch, tmp_path: Path) -> None:
    secret = "sk-eval-secret-0123456789"
    result, junit = tmp_path / "r.json", tmp_path / "r.xml"
    with CapitalsServer(rule=never) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        monkeypatch.setenv("PLAYGROUND_API_KEY", secret)
        code, out, err = cli("run", str(EXAMPLE), "--repeats", "1", "--json", str(result), "--junit", str(junit))
        assert server.requests[0].headers["Authorization"] == f"Bearer {secret}"  # it was used, and only sent
    assert code == 1
    for text in (out, err, result.read_text(), junit.read_text()):
        assert secret not in text


def test_a_test_set_saved_by_the_page_runs_from_the_command_line(monkeypatch, tmp_path: Path) -> None:
    from experiments_util import variant

    from playground.experiments.checks import Check
    from playground.experiments.saved import testset_definition

    rows = [{"country": "France", "capital": "Paris"}, {"country": "Japan", "capital": "Tokyo"}]
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, f"{server.url}/v1")
        saved = testset_definition(
            [variant(server, "Effort low", reasoning_effort="low")],
            template="What is the capital of {{country}}?",
            rows=rows,
            check=Check("contains", "capital"),
            cap="0.10",
            concurrency=2,
        )
        path = tmp_path / "saved.json"
        path.write_text(json.dumps(saved.as_json()))
        code, out, _ = cli("run", str(path))
        assert len(server.requests) == 2  # one check, no judge
    assert code == 0 and "Effort low" in out and "PASSED" in out


def test_provider_settings_are_read_as_the_app_reads_them(monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "xai")
    code, _, err = cli("run", str(EXAMPLE), "--max-usd", "0.0000001")
    assert code == 2 and "Note: No key for xai (XAI_API_KEY): running on the offline engine, not a model." in err
    monkeypatch.setenv("XAI_API_KEY", "bad key")
    code, out, err = cli("run", str(EXAMPLE))
    assert code == 2 and "The API key in XAI_API_KEY (environment) cannot be used" in err
    assert "bad key" not in err + out


def test_a_judge_that_fails_fails_its_rubric_with_the_reason(monkeypatch, tmp_path: Path) -> None:
    from loopback import json_reply

    result = tmp_path / "r.json"
    with CapitalsServer(rule=always) as server:
        answer = server.handler

        def refuse_judging(req):  # noqa: ANN001, ANN202
            fmt = req.json().get("response_format") or {}
            if fmt.get("type") == "json_schema":
                return json_reply(
                    400, {"error": {"message": "response_format refused", "param": "response_format"}}
                )
            return answer(req)

        server.handler = refuse_judging
        point_at(monkeypatch, f"{server.url}/v1")
        code, _, _ = cli("run", str(EXAMPLE), "--repeats", "1", "--json", str(result))
    assert code == 1  # contains passes (weight 2 of 3) but the threshold is 0.9
    first = json.loads(result.read_text())["results"][0]
    assert first["score"] == pytest.approx(2 / 3) and not first["passed"]
    assert first["grades"][1]["detail"].startswith("The judge did not answer:")
    assert "response_format refused" in first["grades"][1]["detail"]
