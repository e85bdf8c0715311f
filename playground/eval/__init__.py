"""Evaluation you can trust: weighted graders (rules, limits, a rubric judge), repeats with intervals, runs
against a baseline, and an autotuner under a spend cap, for the command line (and later the page).

UI-free (never imports streamlit). ``graders`` grade one answer, ``judge`` asks the rubric's judge, ``simulate``
is the labelled offline simulation, ``runner`` runs a test set under a cap, ``stats`` and ``summary`` turn
verdicts into intervals and sentences, ``tuner`` searches settings, ``report`` writes tables, JSON and JUnit,
``experiment`` reads the file (``experiment.schema.json``) and ``cli`` is ``python -m playground.eval``.
"""
