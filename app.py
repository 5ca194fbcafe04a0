"""Streamlit entry point: `streamlit run app.py`."""

from journeymap.ui.navigation import run

run()
