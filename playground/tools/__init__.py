"""Function calling, JSON mode and structured output: definitions, checks, call accumulation, mocks, wire pieces.

UI-free (never imports streamlit). Nothing a model asks for is ever executed: a tool call is data that the user
answers, by hand or with a saved mock template.
"""
