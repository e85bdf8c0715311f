"""Playground page (placeholder)."""

import streamlit as st

st.title("Playground")
