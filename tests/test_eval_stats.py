"""Statistics: row-clustered intervals that cover, a sign-flip test that keeps A/A at α, words for differences."""

from __future__ import annotations

import numpy as np

from playground.eval import stats

RUNS = 1_000


def simulated_rows(rng: np.random.Generator, p: np.ndarray, repeats: int) -> dict[int, list[bool]]:
    return {i: [bool(x) for x in rng.random(repeats) < p[i]] for i in range(len(p))}


def test_intervals_cover_the_true_pass_rate_and_aa_is_rarely_called_different() -> None:
    """Rows differ in difficulty (p ~ Beta(3.5, 1.5), mean 0.7), 3 repeats each: the 95 % interval must cover
    the true rate in 93–97 % of runs, and one setting against itself must be called different in ≤ 5 %."""
    rng = np.random.default_rng(2026)
    covered = called = 0
    for run in range(RUNS):
        p = rng.beta(3.5, 1.5, size=40)
        a, b = simulated_rows(rng, p, 3), simulated_rows(rng, p, 3)
        rate = stats.pass_rate(a, seed=run)
        covered += rate.low <= 0.7 <= rate.high
        called += stats.paired(a, b, seed=run).separable
    assert 0.93 <= covered / RUNS <= 0.97
    assert called / RUNS <= 0.05


def test_a_real_difference_is_found_and_said() -> None:
    rng = np.random.default_rng(7)
    p = rng.beta(3.5, 1.5, size=60)
    a = simulated_rows(rng, p * 0.6, 3)
    b = simulated_rows(rng, p, 3)
    comparison = stats.paired(a, b, seed=1)
    assert comparison.separable and comparison.diff.estimate > 0
    sentence = stats.difference_sentence("A", "B", comparison)
    points = round(comparison.diff.estimate * 100)
    assert sentence.startswith(f"B passes {points} ± ") and sentence.endswith("points more than A (60 rows).")


def test_flip_rate_groups_and_edges() -> None:
    rows = {0: [True, True, True], 1: [True, False, True], 2: [False, False, False], 3: [True]}
    assert stats.flip_rate(rows) == 1 / 3
    assert stats.flip_rate({0: [True]}) is None
    assert stats.group_answers(["Paris", " Paris ", "Rome"]) == [("Paris", 2), ("Rome", 1)]
    perfect = stats.pass_rate({i: [True, True] for i in range(20)})
    assert perfect.estimate == 1 and perfect.high == 1 and 0.8 < perfect.low < 0.9  # Wilson over rows
    same = stats.paired({0: [True]}, {0: [True]})
    assert not same.separable and "gave the same verdicts" in stats.difference_sentence("A", "B", same)
    assert stats.signed(-0.004) == "0" and stats.signed(0.05) == "+5" and stats.signed(-0.05) == "−5"


def test_more_rows_needed_shrinks_as_the_difference_grows() -> None:
    small = np.array([0.05] * 10 + [0.0] * 10)
    large = np.array([0.5] * 10 + [0.0] * 10)
    assert stats.rows_needed(small) > stats.rows_needed(large) > 0


def test_word_differences_mark_what_was_removed_and_added() -> None:
    from playground.eval.baseline import word_diff

    assert word_diff("The capital is Paris.", "The capital is Lyon.") == "The capital is [-Paris-]{+Lyon+}."
    assert word_diff("Paris", "Paris") == "Paris"
    assert word_diff("", "Rome") == "{+Rome+}" and word_diff("Rome", "") == "[-Rome-]"
