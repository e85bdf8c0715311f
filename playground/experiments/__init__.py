"""Experiments: variants compared side by side, and test sets run through every variant under a cost cap.

UI-free (never imports streamlit). ``variant`` describes one setting to try, ``run`` streams one prompt to every
variant at once, ``diff`` says how each differs from the first, ``template`` and ``rows`` make a test set,
``budget`` predicts and caps its cost, ``checks`` grades outputs, ``testrun`` runs it and ``results`` sums it.
(``playground.money.related`` is unrelated: it prices one workload across catalogue models.)
"""
