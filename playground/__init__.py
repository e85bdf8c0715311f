"""UI-free core of the Grok 3 Mini playground: wire protocols, offline engine, parameters, prices, tokens.

This package never imports streamlit.
"""
