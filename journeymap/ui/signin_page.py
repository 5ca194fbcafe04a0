"""Facilitator sign-in: the passcode unlocks editing and everyone's results."""

from __future__ import annotations

import streamlit as st

from journeymap.access import PASSCODE_SECRET, PASSCODE_VARIABLE, Role
from journeymap.ui import session


def render() -> None:
    st.title("Facilitator sign-in")
    if session.role() is Role.FACILITATOR and not session.single_user_mode():
        st.success("You are signed in as the facilitator.")
        if st.button("Sign out", key="sign_out"):
            session.sign_out()
            st.rerun()
        return
    st.write(
        "Participants don't need this: open **Join a workshop** and type the code on the "
        "screen. Facilitators enter the passcode set by whoever runs this app "
        f"(`{PASSCODE_VARIABLE}` or `{PASSCODE_SECRET}` in Streamlit secrets)."
    )
    with st.form("sign_in", border=False):
        given = st.text_input("Passcode", type="password", key="passcode")
        if st.form_submit_button("Sign in", type="primary"):
            if session.sign_in(given):
                st.rerun()
            st.error("That passcode is not right.")
