"""Model page (placeholder until the model page lands)."""

import streamlit as st

st.title("Model and API")
