"""Mingde's user interfaces: the Streamlit pages (``ui.pages``) and the command line (``ui.cli``).

This package's ``__init__`` imports nothing, so that the CLI starts without loading Streamlit.
"""
