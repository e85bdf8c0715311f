"""Pricing page (placeholder until the pricing page lands)."""

import streamlit as st

st.title("Pricing")
