"""Router: page config, navigation over the page scripts, shared chrome."""

from pathlib import Path

import streamlit as st

from components.jobs import resume_once
from components.routing import serve_default_at

st.set_page_config(
    page_title="Grok 3 Mini playground",
    page_icon=str(Path(__file__).parent / "assets" / "icon.png"),
    layout="wide",
)

pages = [
    st.Page("pages/chat.py", title="Playground", icon=":material/chat:", url_path="playground", default=True),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
    st.Page("pages/pricing.py", title="Pricing", icon=":material/payments:", url_path="pricing"),
    st.Page("pages/model.py", title="Model and API", icon=":material/info:", url_path="model"),
]
serve_default_at("playground")  # the default page lives at / and at its own URL
resume_once()  # this server process resumes the unfinished jobs it ran (once, at its first run)
st.navigation(pages).run()
