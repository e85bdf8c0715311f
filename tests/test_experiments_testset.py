"""Test sets: templates, rows, checks, the predicted cost range, the cap (refusal, stop), results, exports."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pandas as pd
import pytest
from experiments_util import known_cost, known_usage_handler, variant
from loopback import LoopbackServer

from playground.experiments import checks, results, rows, template
from playground.experiments.budget import Budget, CapError, request_bounds
from playground.experiments.testrun import EvalRun
from playground.facts.page import PAGE
from playground.money.pricing import format_usd
from playground.money.tokens import count_messages

CITIES = pd.DataFrame(
    {
        "city": ["Paris", "Rome", "Oslo"],
        "country": ["France", "Italy", "Norway"],
        "want": ["Paris", "Milan", "O.lo"],
    }
)
PROMPT = "Capital check: {{city}} is in {{ country }}"


def test_template_variables_and_rendering() -> None:
    assert template.variables("{{a}} {{ b }} {{a}}") == ["a", "b"]
    assert (
        template.render(PROMPT, {"city": "Paris", "country": "{{city}}"}) == "Capital check: Paris is in {{city}}"
    )
    with pytest.raises(template.TemplateError) as err:
        template.check("{{city}} {{capital}} {{x.y}}", ["city", "country"])
    assert str(err.value) == "No column for {{capital}}, {{x.y}}. Columns: city, country."
    with pytest.raises(template.TemplateError, match="empty"):
        template.check("  ", ["city"])


def test_csv_and_jsonl_rows_are_text() -> None:
    frame = rows.read_rows(b"q,n\nhello,1\n,2\n", "set.csv")
    assert frame.to_dict("records") == [{"q": "hello", "n": "1"}, {"q": "", "n": "2"}]
    data = b'{"q": "hi", "meta": {"lang": "en"}, "tags": [1, 2]}\n\n{"q": 3, "meta": {"lang": null}}\n'
    frame = rows.read_rows(data, "set.jsonl")
    assert frame.to_dict("records") == [
        {"q": "hi", "meta.lang": "en", "tags": "[1, 2]"},
        {"q": "3", "meta.lang": "", "tags": ""},
    ]
    assert rows.typed_rows([{"a": 1}, {"a": None}]).to_dict("records") == [{"a": "1"}, {"a": ""}]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b"question\nWhat is 2 + 2?\nHello, world\n",
            "Could not read set.csv. Line 3 has 2 fields where the header has 1: put text with commas in double "
            "quotes.",
        ),
        (
            b'question,expected\n"Is it, really?,yes\n',
            "Could not read set.csv. A double quote opened on line 2 is never closed: close it, and write a quote "
            'inside quoted text as two ("").',
        ),
        (b"", "Could not read set.csv: it is empty. Put the column names on its first line."),
    ],
)
def test_a_csv_that_does_not_parse_is_a_sentence_naming_the_line(data: bytes, said: str) -> None:
    with pytest.raises(rows.RowsError) as err:
        rows.read_rows(data, "set.csv")
    assert str(err.value) == said and "C error" not in str(err.value)


@pytest.mark.parametrize("depth", [rows.MAX_DEPTH + 1, 100_000])
def test_deeply_nested_jsonl_is_a_clear_error(depth: int) -> None:
    line = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(rows.RowsError) as err:
        rows.read_rows(b'{"a": 1}\n' + line + b"\n", "deep.jsonl")
    assert str(err.value) == f"Line 2 nests deeper than {rows.MAX_DEPTH} levels."


def test_row_limits_and_bad_files() -> None:
    with pytest.raises(rows.RowsError, match="larger than 20 MB"):
        rows.read_rows(b"x" * (rows.MAX_BYTES + 1), "big.csv")
    with pytest.raises(rows.RowsError, match="More than 10,000 rows"):
        rows.read_rows(b"q\n" + b"a\n" * (rows.MAX_ROWS + 1), "many.csv")
    with pytest.raises(rows.RowsError, match="Line 1 is not a JSON object"):
        rows.read_rows(b"[1]\n", "x.jsonl")
    with pytest.raises(rows.RowsError, match="Line 2 is not valid JSON"):
        rows.read_rows(b'{"a": 1}\n{oops\n', "x.jsonl")
    with pytest.raises(rows.RowsError, match="expected a .csv or .jsonl"):
        rows.read_rows(b"q\n", "x.xlsx")


def test_checks() -> None:
    row = {"want": "Paris", "re": r"^\d{3}$", "bad": "("}
    assert checks.run(checks.Check("equals", "want"), "  Paris\n", row).passed
    assert not checks.run(checks.Check("equals", "want"), "paris", row).passed
    assert checks.run(checks.Check("contains", "want"), "It is Paris.", row).passed
    assert checks.run(checks.Check("regex", "re"), "123", row).passed
    assert not checks.run(checks.Check("regex", "re"), "1234", row).passed
    bad = checks.run(checks.Check("regex", "bad"), "x", row)
    assert not bad.passed and bad.detail.startswith("not a valid regex")
    assert checks.run(checks.Check("json"), '```json\n{"a": 1}\n```', row).passed
    assert not checks.run(checks.Check("json"), "{a: 1}", row).passed
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    assert checks.run(checks.Check("json", schema=schema), '{"a": 1}', row).passed
    verdict = checks.run(checks.Check("json", schema=schema), '{"a": "1"}', row)
    assert not verdict.passed and "schema" in verdict.detail
    with pytest.raises(checks.CheckError, match="No expected column named 'nope'"):
        checks.validate(checks.Check("equals", "nope"), ["want"])
    with pytest.raises(checks.CheckError, match="schema is not valid"):
        checks.validate(checks.Check("json", schema={"type": 12}), [])


def test_request_bounds_are_exact() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        v = variant(server, max_tokens=100)
    history = [{"role": "user", "content": "Capital check: Paris is in France"}]
    tokens = count_messages([{"role": "system", "content": PAGE.system_message}, *history])
    bounds = request_bounds(v, history)
    assert bounds.low == tokens * Decimal("0.30") / 10**6
    assert bounds.high == (math.ceil(tokens * Decimal("1.1")) * Decimal("0.30") + 100 * Decimal("0.50")) / 10**6


def test_budget_reserves_and_settles() -> None:
    budget = Budget(Decimal("0.010"))
    assert budget.reserve(Decimal("0.006"))
    assert not budget.reserve(Decimal("0.005"))
    budget.settle(Decimal("0.006"), Decimal("0.001"))
    assert (budget.spent, budget.reserved) == (Decimal("0.001"), 0)
    assert budget.reserve(Decimal("0.009")) and not budget.reserve(Decimal("0.000001"))


def test_every_row_through_every_variant_with_pass_rates() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        variants = [
            variant(server, "Low", reasoning_effort="low"),
            variant(server, "High", reasoning_effort="high"),
        ]
        run = EvalRun(variants=variants, rows=CITIES, prompt=PROMPT, check=checks.Check("contains", "want"))
        assert run.prediction.requests == 6
        run.start()
        assert run.wait(20)
    assert run.state == "finished" and len(server.requests) == 6
    prompts = sorted({r.json()["messages"][-1]["content"] for r in server.requests})
    assert prompts == sorted(
        PROMPT.replace("{{city}}", c).replace("{{ country }}", k)
        for c, k in zip(CITIES.city, CITIES.country, strict=True)
    )
    lines = results.table(run.cells, variants)
    assert lines["Check"].tolist() == ["Pass", "Pass", "Fail", "Fail", "Fail", "Fail"]
    totals = results.totals(run.cells, variants)
    assert [t["pass_rate"] for t in totals] == [Decimal(1) / 3, Decimal(1) / 3]
    assert totals[0]["cost_usd"] == 3 * known_cost(100) and totals[1]["cost_usd"] == 3 * known_cost(1340)
    assert [t["mean_output_tokens"] for t in totals] == [160, 1400]
    assert run.budget.spent == 3 * known_cost(100) + 3 * known_cost(1340)
    assert run.progress().done == run.progress().total == 6 and run.progress().left == 0
    assert run.summary() == f"6 of 6 requests ran and cost {format_usd(run.budget.spent)}."


def test_cap_refuses_a_run_predicted_past_it() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        run = EvalRun(variants=[variant(server)], rows=CITIES, prompt=PROMPT, cap=Decimal("0.00001"))
        low = run.prediction.low
        with pytest.raises(CapError) as err:
            run.start()
    assert low > Decimal("0.00001") and server.requests == []
    assert (
        str(err.value)
        == f"Even with no output this run costs at least {format_usd(low)}, over the cap of $0.00001."
    )


def test_cap_stops_the_run_before_passing_it() -> None:
    frame = pd.DataFrame({"city": ["Paris"] * 6, "country": ["France"] * 6})
    with LoopbackServer(known_usage_handler()) as server:
        v = variant(server, max_tokens=100)
        high = request_bounds(v, [{"role": "user", "content": "Capital check: Paris is in France"}]).high
        cost = known_cost(0)
        cap = 2 * cost + high  # room for the third request's reservation, not the fourth's
        run = EvalRun(variants=[v], rows=frame, prompt=PROMPT, cap=cap, concurrency=1).start()
        assert run.wait(20)
    assert run.prediction.low <= cap < run.prediction.high
    assert run.state == "capped" and len(server.requests) == 3 and len(run.cells) == 3
    assert run.budget.spent == 3 * cost == Decimal("0.000108") and run.budget.reserved == 0
    assert run.blocked.row == 3 and run.blocked.bounds.high == high
    assert run.summary() == (
        f"Stopped at the cap of {format_usd(cap)}: 3 of 6 requests ran and cost $0.000108, leaving "
        f"{format_usd(cap - Decimal('0.000108'))}; the next (row 4, A) could cost up to {format_usd(high)}, "
        "more than is left. Raise the cap or lower Max tokens to run the rest."
    )


def _pair(server: LoopbackServer) -> tuple[list, Decimal]:
    """Two variants at Max tokens 400 and one request's worst case (every request has the same one)."""
    variants = [variant(server, "A", max_tokens=400), variant(server, "B", max_tokens=400)]
    high = request_bounds(variants[0], [{"role": "user", "content": "Capital check: Paris is in France"}]).high
    return variants, high


def test_the_cap_waits_for_running_requests_instead_of_stopping() -> None:
    """Two worst cases fit beside each other, a third does not: the third waits for one to settle and runs."""
    frame = pd.DataFrame({"city": ["Paris"] * 3, "country": ["France"] * 3})
    with LoopbackServer(known_usage_handler(delay=0.01)) as server:
        variants, high = _pair(server)
        cap = 2 * high + known_cost(0)
        run = EvalRun(variants=variants, rows=frame, prompt=PROMPT, cap=cap, concurrency=4).start()
        assert run.wait(20)
    assert run.state == "finished" and len(run.cells) == len(server.requests) == 6
    assert run.budget.spent == 6 * known_cost(0) <= cap and run.budget.reserved == 0
    assert run.summary() == f"6 of 6 requests ran and cost {format_usd(6 * known_cost(0))}."


def test_the_cap_stops_only_when_nothing_runs_and_the_next_worst_case_does_not_fit() -> None:
    frame = pd.DataFrame({"city": ["Paris"] * 3, "country": ["France"] * 3})
    cost = known_cost(0)
    with LoopbackServer(known_usage_handler(delay=0.01)) as server:
        variants, high = _pair(server)
        cap = high + 2 * cost  # after two replies, a third worst case still fits; after three it does not
        run = EvalRun(variants=variants, rows=frame, prompt=PROMPT, cap=cap, concurrency=4).start()
        assert run.wait(20)
    assert run.state == "capped" and len(run.cells) == len(server.requests) == 3
    assert run.budget.spent == 3 * cost and cap - run.budget.spent < high and run.budget.reserved == 0
    assert (run.blocked.row, run.blocked.variant) == (1, 1)
    assert run.summary() == (
        f"Stopped at the cap of {format_usd(cap)}: 3 of 6 requests ran and cost {format_usd(3 * cost)}, leaving "
        f"{format_usd(cap - 3 * cost)}; the next (row 2, B) could cost up to {format_usd(high)}, more than is "
        "left. Raise the cap or lower Max tokens to run the rest."
    )


def test_cap_is_never_passed_with_concurrency() -> None:
    frame = pd.DataFrame({"city": ["Paris"] * 40, "country": ["France"] * 40})
    with LoopbackServer(known_usage_handler(delay=0.002)) as server:
        v = variant(server, max_tokens=100)
        cap = Decimal("0.0015")  # above the low end (no output), below 80 real costs
        run = EvalRun(
            variants=[v, variant(server, "B", max_tokens=100)], rows=frame, prompt=PROMPT, cap=cap, concurrency=4
        ).start()
        assert run.wait(30)
    assert run.state == "capped" and 0 < len(run.cells) < 80 and len(server.requests) == len(run.cells)
    assert run.budget.spent == len(run.cells) * known_cost(0) <= cap


def test_results_grid_and_exports() -> None:
    with LoopbackServer(known_usage_handler()) as server:
        variants = [variant(server, "A"), variant(server, "B", temperature=1.0)]
        run = EvalRun(variants=variants, rows=CITIES, prompt=PROMPT, check=checks.Check("equals", "want")).start()
        assert run.wait(20)
    lines = results.run_lines(run)  # each line carries its row's inputs and expected value
    assert list(lines.columns[:5]) == ["Row", "city", "country", "Expected", "Variant"]
    assert lines[["Row", "city", "Expected", "Variant"]].values.tolist() == [
        [1, "Paris", "Paris", "A"],
        [1, "Paris", "Paris", "B"],
        [2, "Rome", "Milan", "A"],
        [2, "Rome", "Milan", "B"],
        [3, "Oslo", "O.lo", "A"],
        [3, "Oslo", "O.lo", "B"],
    ]
    assert set(lines["Cost (USD)"]) == {str(known_cost(0))}
    wide = results.grid(lines)
    assert list(wide.columns) == [
        "Row",
        "city",
        "country",
        "Expected",
        *(f"{v}: {f}" for v in ("A", "B") for f in ("output", "check", "cost", "time")),
    ]
    row = wide.set_index("Row").loc[2]
    assert row["B: output"] == "echo: Capital check: Rome is in Italy" and row["Expected"] == "Milan"
    assert row["A: cost"] == format_usd(known_cost(0)) and row["A: time"].endswith(" s")
    assert row["A: check"] == "Fail" and "None" not in wide.to_string()
    csv = pd.read_csv(pd.io.common.BytesIO(results.to_csv(lines)), dtype=str)
    assert csv["Cost (USD)"].tolist() == [str(known_cost(0))] * 6
    assert csv["city"].tolist()[::2] == ["Paris", "Rome", "Oslo"] and csv["Expected"].tolist()[::2] == list(
        CITIES.want
    )
    doc = json.loads(results.to_json(lines, results.totals(run.cells, variants)))
    assert doc["totals"][0]["Cost (USD)"] == str(3 * known_cost(0)) and doc["totals"][0]["Pass rate"] == "0 %"
    assert doc["results"][2]["country"] == "Italy" and doc["results"][2]["Expected"] == "Milan"
    assert len(doc["results"]) == 6 and "sk-test-secret" not in json.dumps(doc)


def test_expected_column_is_found_by_name_or_left_to_the_user() -> None:
    assert results.expected_column(["question", "Answer"]) == "Answer"
    assert results.expected_column(["q", "LABEL", "expected"]) == "expected"
    assert results.expected_column(["question", "city"]) is None  # no silent default to the first column
    assert results.percent(Decimal(2) / 3) == "67 %" and results.percent(None) == ""


def test_p95_by_nearest_rank() -> None:
    assert results.p95([float(x) for x in range(1, 21)]) == 19.0
    assert results.p95([3.0]) == 3.0 and results.p95([]) is None


def test_stop_ends_a_test_set_run() -> None:
    frame = pd.DataFrame({"city": ["Paris"] * 30, "country": ["France"] * 30})
    with LoopbackServer(known_usage_handler(delay=0.02, pieces=20)) as server:
        run = EvalRun(variants=[variant(server)], rows=frame, prompt=PROMPT, concurrency=2).start()
        while run.progress().done < 2:
            run.wait(0.01)
        run.stop()
        assert run.wait(5)
    assert run.state == "stopped" and len(run.cells) < 30 and run.summary().startswith("Stopped: ")


def test_lines_show_an_expected_column_even_with_no_check() -> None:
    frame = pd.DataFrame({"question": ["Where is Oslo?"], "Answer": ["Norway"]})
    with LoopbackServer(known_usage_handler()) as server:
        run = EvalRun(variants=[variant(server)], rows=frame, prompt="{{question}}").start()
        assert run.wait(20)
    lines = results.run_lines(run)
    assert lines[["Row", "question", "Expected", "Check"]].values.tolist() == [[1, "Where is Oslo?", "Norway", ""]]
