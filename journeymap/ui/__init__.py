"""The Streamlit app: one module per page; the only package that imports streamlit."""
