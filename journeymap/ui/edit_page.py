"""Edit journey: stages, touchpoints, transitions and arrivals in tables and on a graph.

The page keeps a draft of the journey in session state, so a refused save or a rerun loses
nothing. Every save is a new version; "Undo last save" saves the version before it again.
The draft logic is in `journeymap.drafts`; this page only wires widgets to it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import streamlit as st

from journeymap.drafts import Draft, undo_target
from journeymap.edit_cells import (
    CHANNEL,
    DESCRIPTION,
    DIMENSION,
    FROM,
    ID,
    IMPORTANCE,
    LANE,
    NAME,
    ORDER,
    ROLE,
    SHARE,
    STAGE,
    TO,
    TOUCHPOINT,
)
from journeymap.edit_graph import graph_edits, touchpoint_labels
from journeymap.edit_removal import Removal
from journeymap.editing import EditError, JourneyTables, needs_sorting
from journeymap.model import Dimension, Lane
from journeymap.store import JourneySummary, Store
from journeymap.ui import journey_graph
from journeymap.ui.resources import get_store
from journeymap.ui.session import current_summary
from journeymap.ui.text import plain

AUTHOR = "facilitator"
VIEW_KEY = "edit_view"
TOUCHPOINTS, STAGES, TRANSITIONS, ARRIVALS, GRAPH = (
    "Touchpoints", "Stages", "Transitions", "Arrivals", "Graph",
)  # fmt: skip
VIEWS = (TOUCHPOINTS, STAGES, TRANSITIONS, ARRIVALS, GRAPH)
TABLE_OF_VIEW = {
    TOUCHPOINTS: "touchpoints", STAGES: "stages", TRANSITIONS: "transitions", ARRIVALS: "entries",
}  # fmt: skip
HELP = {
    TOUCHPOINTS: "One row per touchpoint. Pick its stage and blueprint lane; importance is its "
    "weight (1 is usual). To move a row, type its new position in **Order**. Deleting a row "
    "asks before it takes the touchpoint's transitions and promises with it.",
    STAGES: "The stages in journey order. Renaming a stage renames it in its touchpoints; "
    "type a new **Order** to move one.",
    TRANSITIONS: "**Share** is the part of the customers at *From* who go on to *To* next "
    "(0.35 = 35 %). Shares leaving one touchpoint add up to at most 1; the rest leave there.",
    ARRIVALS: "Where customers enter the journey, as shares adding up to 1. Leave it empty and "
    "they start at every touchpoint no transition leads to, in equal shares.",
    GRAPH: "Stages run across, blueprint lanes down. Drag from a touchpoint's right edge to "
    "another to add a transition; right-click a touchpoint or an arrow to rename, relabel the "
    "share (35 % or 0.35) or delete it. The tables stay the source of truth.",
}
# Narrow tables keep their columns together instead of spreading them over a wide screen.
TABLE_WIDTH = {"stages": 560, "entries": 700, "transitions": 980}
_revisions = itertools.count(1)


@dataclass
class EditorState:
    """One journey's draft in this browser session, and what its widgets were built from."""

    draft: Draft
    base: JourneyTables  # what the live table editor started from; its edits are relative to it
    revision: int  # part of the editors' keys: a new one starts them afresh from the draft
    view: str = TOUCHPOINTS
    graph: journey_graph.DrawnGraph | None = None
    note_round: int = 0
    flash: tuple[str, ...] = ()

    def restart(self, draft: Draft) -> None:
        """Work on `draft` from now on; live editors start again from it."""
        self.draft = draft
        self.base = draft.tables
        self.revision = next(_revisions)


def render() -> None:
    summary = current_summary()
    store = get_store()
    state = _editor_state(summary, store)
    st.title("Edit journey")
    st.caption(
        f"**{plain(state.draft.journey.name)}** — a draft of version {state.draft.version}. "
        "Nothing is stored until you save; every save is a new version."
    )
    status = st.container()
    removal = st.container()
    tabs = st.tabs(list(VIEWS), key=VIEW_KEY, on_change="rerun")
    for view, tab in zip(VIEWS, tabs, strict=True):
        if tab.open is not False:
            with tab:
                _view(state, view, summary)
            break
    pending = state.draft.removal()
    with removal:
        _removal(state, pending)
    with status:
        _status_and_actions(state, summary, store, can_save=not pending)


def _editor_state(summary: JourneySummary, store: Store) -> EditorState:
    drafts: dict[str, EditorState] = st.session_state.setdefault("edit_drafts", {})
    state = drafts.get(summary.id)
    if state is None:
        draft = Draft.of(store.journey(summary.id), summary.version)
        state = drafts[summary.id] = EditorState(draft, draft.tables, next(_revisions))
    elif state.draft.version != summary.version and not state.draft.changes():
        # Saved elsewhere (or restored) while this draft had nothing unsaved: follow it.
        state.restart(Draft.of(store.journey(summary.id), summary.version))
    return state


# The tables and the graph -------------------------------------------------------------------


def _view(state: EditorState, view: str, summary: JourneySummary) -> None:
    if view != state.view:
        # Another view's edits are in the draft already; tidy it (new ids, renamed stages).
        state.view = view
        state.restart(state.draft.tidied())
    st.caption(HELP[view])
    if view in (TRANSITIONS, ARRIVALS, GRAPH) and state.draft.tables.touchpoints.empty:
        st.info(
            "No touchpoints yet — add them on the **Touchpoints** tab: click the last, empty "
            "row of the table and type a name.",
            icon=":material/info:",
        )
        return
    if view == GRAPH:
        _graph(state, summary)
    else:
        _table(state, TABLE_OF_VIEW[view])


def _table(state: EditorState, name: str) -> None:
    key = f"edit_{name}_{state.revision}"
    if key not in st.session_state:
        # A fresh editor (first visit, or back from another page): start from the draft.
        state.draft = state.draft.tidied()
        state.base = state.draft.tables
    base = getattr(state.base, name)
    columns = _columns(name, state.base)
    edited = st.data_editor(
        base,
        key=key,
        num_rows="dynamic",
        column_config=columns,
        column_order=list(columns)[1:],
        hide_index=name in ("stages", "touchpoints"),
        width=TABLE_WIDTH.get(name, "stretch"),
        height="content",
        row_height=42,
        placeholder="",
    )
    state.draft = state.draft.edited(replace(state.draft.tables, **{name: edited}))
    if name in ("stages", "touchpoints") and needs_sorting(edited):
        state.restart(state.draft.tidied())
        st.rerun()


def _columns(name: str, base: JourneyTables) -> dict[str, object]:
    """Column settings; the first key configures the row numbers (the index)."""
    config = st.column_config
    row = config.NumberColumn("Row", width=60, disabled=True)
    order = config.NumberColumn(
        ORDER, min_value=1, step=1, format="%d", width=70,
        help="Position along the journey; type a number to move the row there.",
    )  # fmt: skip
    if name == "stages":
        return {
            "_index": row,
            ORDER: order,
            STAGE: config.TextColumn(
                STAGE, required=True, max_chars=100, width="large",
                help="Renaming a stage renames it in its touchpoints.",
            ),
        }  # fmt: skip
    labels = touchpoint_labels(base)

    def touchpoint(label: str) -> object:
        return config.SelectboxColumn(
            label, options=list(labels), format_func=labels.__getitem__, required=True,
            width="medium",
        )  # fmt: skip

    share = config.NumberColumn(
        "Share (0–1)", min_value=0.0, max_value=1.0, step=0.05, format="%.2f", width=110,
        required=True, help="0.35 means 35 % of the customers.",
    )  # fmt: skip
    if name == "transitions":
        return {
            "_index": row,
            FROM: touchpoint(FROM),
            TO: touchpoint(TO),
            SHARE: share,
        }
    if name == "entries":
        return {
            "_index": row,
            TOUCHPOINT: touchpoint("Customers arrive at"),
            SHARE: share,
        }
    stages = [s for s in base.stages[STAGE].dropna().astype(str) if s.strip()]
    return {
        "_index": row,
        ORDER: order,
        NAME: config.TextColumn(NAME, required=True, max_chars=200, width="medium"),
        STAGE: config.SelectboxColumn(STAGE, options=stages, required=True, width=130),
        LANE: config.SelectboxColumn(
            "Lane",
            options=[lane.value for lane in Lane],
            width=120,
            default=Lane.FRONTSTAGE.value,
            format_func=lambda v: journey_graph.LANE_LABELS[Lane(v)],
            help="Service-blueprint lane: what the customer does, front stage (seen), "
            "back stage (unseen) or support.",
        ),  # fmt: skip
        CHANNEL: config.TextColumn(CHANNEL, max_chars=200, width=110),
        ROLE: config.TextColumn(
            ROLE, max_chars=200, width=120, help="Front-line role that owns it, e.g. courier."
        ),
        DIMENSION: config.SelectboxColumn(
            "Dimension",
            options=[d.value for d in Dimension],
            width=135,
            format_func=str.capitalize,
            help="SERVQUAL dimension (optional).",
        ),  # fmt: skip
        IMPORTANCE: config.NumberColumn(
            IMPORTANCE,
            min_value=0.1,
            max_value=100.0,
            step=0.5,
            format="%g",
            default=1.0,
            required=True,
            width=100,
            help="Relative weight above 0; 1 is the usual weight.",
        ),  # fmt: skip
        DESCRIPTION: config.TextColumn(DESCRIPTION, max_chars=2000, width="medium"),
        ID: config.TextColumn(
            "Id",
            disabled=True,
            width=110,
            help="Key that rating files use. It never changes; new rows get one when saved.",
        ),  # fmt: skip
    }


def _graph(state: EditorState, summary: JourneySummary) -> None:
    state.graph = journey_graph.draw(state.draft.tables, drawn=state.graph)
    returned = journey_graph.show(state.graph, key=f"edit_graph_{summary.id}")
    if returned is None or returned == state.graph.shown:
        return
    edits = graph_edits(state.graph.shown, returned)
    # The browser shows `returned` now; the next drawing replaces it with the draft's view.
    state.graph.shown = returned
    state.flash = edits.problems
    if edits:
        state.draft = state.draft.with_graph_edits(edits)
        state.base = state.draft.tables
    st.rerun()


# Deletions that take other things with them ---------------------------------------------------


def _removal(state: EditorState, removal: Removal) -> None:
    if not removal:
        return
    with st.container(border=True):
        st.warning(
            f"{plain(removal.summary())} Confirm to remove them, or bring the touchpoint back. "
            "Until then the journey cannot be saved.",
            icon=":material/warning:",
        )
        confirm, restore, _ = st.columns([1, 1, 2])
        if confirm.button(
            "Remove them too", key="edit_removal_confirm", icon=":material/delete:", type="primary"
        ):
            state.restart(state.draft.confirm_removal())
            st.rerun()
        if restore.button("Bring it back", key="edit_removal_restore", icon=":material/undo:"):
            state.restart(state.draft.bring_back())
            st.rerun()


# Unsaved changes, save, discard, undo ---------------------------------------------------------


def _status_and_actions(
    state: EditorState, summary: JourneySummary, store: Store, *, can_save: bool
) -> None:
    for problem in state.flash:
        st.warning(plain(problem), icon=":material/warning:")
    state.flash = ()
    changes = state.draft.changes()
    if state.draft.version != summary.version:
        st.warning(
            f"Version {summary.version} was saved since this draft started from version "
            f"{state.draft.version}. Saving makes your draft the newest version; the other "
            "stays in the history.",
            icon=":material/history:",
        )
    if changes:
        st.badge("Unsaved changes", icon=":material/edit_note:", color="orange")
        st.markdown("\n".join(f"- {plain(change)}" for change in changes))
    else:
        st.badge(
            f"No unsaved changes — this is version {summary.version}",
            icon=":material/check_circle:",
            color="green",
        )
    target = undo_target(store.versions(summary.id))
    note, save, discard, undo = st.columns([3, 1.3, 1.3, 1.3], vertical_alignment="bottom")
    text = note.text_input(
        "Note for this version (optional)",
        key=f"edit_note_{state.note_round}",
        max_chars=200,
        placeholder="e.g. after the March workshop",
    )
    if save.button(
        "Save as new version",
        key="edit_save",
        type="primary",
        icon=":material/save:",
        disabled=not changes or not can_save,
        width="stretch",
        help=None if can_save else "First confirm or undo the deletion below.",
    ):
        _save(state, summary, store, text)
    if discard.button(
        "Discard changes",
        key="edit_discard",
        icon=":material/delete_sweep:",
        disabled=not changes,
        width="stretch",
        help="Go back to the saved version; your unsaved edits are dropped.",
    ):
        state.restart(Draft.of(store.journey(summary.id), summary.version))
        st.rerun()
    if undo.button(
        "Undo last save",
        key="edit_undo",
        icon=":material/undo:",
        disabled=bool(changes) or target is None,
        width="stretch",
        help=(
            "Save or discard your changes first."
            if changes
            else f"Saves version {target} again as the newest version; nothing is deleted."
            if target is not None
            else "There is no earlier version."
        ),
    ):
        version = store.restore(summary.id, target, author=AUTHOR)  # type: ignore[arg-type]
        state.restart(Draft.of(store.journey(summary.id), version))
        st.toast(f"Version {target} is back, as version {version}.", icon=":material/undo:")
        st.rerun()


def _save(state: EditorState, summary: JourneySummary, store: Store, note: str) -> None:
    try:
        journey = state.draft.journey_to_save()
    except EditError as exc:
        st.error(f"Not saved, nothing was stored. Fix these first:\n\n{plain(str(exc))}")
        return
    version = store.save_journey(journey, author=AUTHOR, note=note.strip() or "edited")
    state.restart(Draft.of(store.journey(summary.id), version))
    state.note_round += 1
    st.toast(f"Saved as version {version}.", icon=":material/check_circle:")
    st.rerun()
