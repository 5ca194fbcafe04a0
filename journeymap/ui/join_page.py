"""Join a workshop: type the code and your name, rate each touchpoint, send, change your mind.

Built for a phone in a meeting room: the rating form is one `st.form`, so twenty people tapping
answers don't rerun the server on every tap, only when they send. A participant sees the
workshop's pinned journey version and nothing else of the app.
"""

from __future__ import annotations

import uuid

import streamlit as st

from journeymap.errors import JourneyMapError
from journeymap.model import Journey, Touchpoint
from journeymap.store import Workshop
from journeymap.ui import session
from journeymap.ui.resources import get_store
from journeymap.ui.text import plain
from journeymap.workshops import (
    MAX_NAME_LENGTH,
    format_join_code,
    importance_points,
    join,
    participant_id,
    participant_name,
    rating_points,
    rating_sections,
    submit,
)

CODE_KEY = "join_joined_code"
NAME_KEY = "join_joined_name"
PARTICIPANT_KEY = "join_participant"
SUBMISSION_KEY = "join_submission_key"
SENT_KEY = "join_sent"
ANSWERS_KEY = "join_answers"
QUESTIONS = (
    ("expected", "What did you expect?"),
    ("experienced", "What did you experience?"),
    ("importance", "How much does it matter? (optional)"),
)


def render() -> None:
    st.title("Join a workshop")
    code = st.session_state.get(CODE_KEY)
    if code is None:
        _join_form()
        return
    try:
        workshop, journey = join(get_store(), code)
    except JourneyMapError as exc:
        st.error(plain(exc))
        _leave_button()
        return
    if st.session_state.get(SENT_KEY):
        _thank_you(workshop)
    else:
        _rating_form(workshop, journey)


def _join_form() -> None:
    st.write("Type the code on the facilitator's screen and your name.")
    with st.form("join_form", border=False, enter_to_submit=True):
        typed = st.text_input(
            "Workshop code",
            value=st.query_params.get("code", ""),
            key="join_code",
            max_chars=20,
            placeholder="K7QM-4XPD",
        )
        name = st.text_input(
            "Your name",
            key="join_name",
            max_chars=MAX_NAME_LENGTH,
            help="The facilitator's screen lists who has rated, by this name.",
        )
        if not st.form_submit_button("Join", type="primary", icon=":material/login:"):
            return
    try:
        workshop, _ = join(get_store(), typed)
        name = participant_name(name)
    except JourneyMapError as exc:
        st.error(plain(exc))
        return
    # The participant id is kept in the address, so reloading the page on a phone and sending
    # again replaces this person's ratings instead of adding a second set.
    participant = participant_id(st.query_params.get("p")) or session.session_id()
    st.session_state[CODE_KEY] = workshop.code
    st.session_state[NAME_KEY] = name
    st.session_state[PARTICIPANT_KEY] = participant
    st.query_params["code"] = format_join_code(workshop.code)
    st.query_params["p"] = participant
    st.rerun()


def _rating_form(workshop: Workshop, journey: Journey) -> None:
    st.subheader(plain(journey.name))
    st.text(f"Workshop {format_join_code(workshop.code)}, rating as {st.session_state[NAME_KEY]}")
    low, high = f"{journey.scale.min:g}", f"{journey.scale.max:g}"
    st.write(
        f"For each touchpoint you know, pick what you **expected** and what you "
        f"**experienced**, from {low} (very poor) to {high} (excellent). Skip the ones you "
        "don't know; importance is optional."
    )
    # One key per rendering of the form: a double-click or a rerun stores once, a deliberate
    # second send (after the key is renewed) replaces the first.
    st.session_state.setdefault(SUBMISSION_KEY, uuid.uuid4().hex)
    previous = st.session_state.get(ANSWERS_KEY, {})
    answers: dict[str, dict[str, float | None]] = {}
    with st.form(f"join_ratings_{workshop.code}", border=False, enter_to_submit=False):
        for stage, touchpoints in rating_sections(journey):
            st.subheader(plain(stage), divider="gray")
            for tp in touchpoints:
                answers[tp.id] = _touchpoint_questions(workshop, journey, tp, previous)
        sent = st.form_submit_button(
            "Send my ratings", type="primary", icon=":material/send:", width="stretch"
        )
    if not sent:
        _leave_button()
        return
    try:
        submit(
            get_store(),
            workshop,
            journey,
            answers,
            participant=st.session_state[PARTICIPANT_KEY],
            name=st.session_state[NAME_KEY],
            submission_key=st.session_state[SUBMISSION_KEY],
        )
    except JourneyMapError as exc:
        st.error(f"Nothing was sent. {plain(exc)}")
        return
    st.session_state[SUBMISSION_KEY] = uuid.uuid4().hex
    st.session_state[ANSWERS_KEY] = answers
    st.session_state[SENT_KEY] = True
    st.rerun()


def _touchpoint_questions(
    workshop: Workshop, journey: Journey, tp: Touchpoint, previous: dict
) -> dict[str, float | None]:
    answer: dict[str, float | None] = {}
    with st.container(border=True):
        st.markdown(f"**{plain(tp.name)}**")
        if tp.description:
            st.caption(plain(tp.description))
        for field, question in QUESTIONS:
            points = (
                importance_points(journey.scale)
                if field == "importance"
                else rating_points(journey.scale)
            )
            key = f"join_{workshop.code}_{tp.id}_{field}"
            default = previous.get(tp.id, {}).get(field)
            if points is None:
                answer[field] = st.number_input(
                    question, value=default, step=1.0, key=key, placeholder="not rated"
                )
            else:
                answer[field] = st.segmented_control(
                    question,
                    points,
                    default=None if default is None else int(default),
                    key=key,
                    width="stretch",
                )
    return answer


def _thank_you(workshop: Workshop) -> None:
    st.success(
        "**Thank you — your ratings are in.** Watch the facilitator's screen: the chart "
        "already includes them.",
        icon=":material/check_circle:",
    )
    st.write(
        "Changed your mind? You can change your answers and send them again until the "
        f"facilitator closes workshop {format_join_code(workshop.code)}; the new answers "
        "replace the old ones."
    )
    if st.button("Change my answers", key="join_change", icon=":material/edit:"):
        st.session_state.pop(SENT_KEY, None)
        st.rerun()
    _leave_button()


def _leave_button() -> None:
    if st.button("Join another workshop", key="join_leave", icon=":material/logout:"):
        for key in (CODE_KEY, NAME_KEY, SENT_KEY, ANSWERS_KEY, SUBMISSION_KEY):
            st.session_state.pop(key, None)
        st.query_params.pop("code", None)
        st.rerun()
