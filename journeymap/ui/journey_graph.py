"""The touchpoint graph of the journey editor (streamlit-flow): stages across, lanes down.

The tables stay the source of truth. The graph is drawn from them, and what people do on it
(connect two touchpoints, delete a touchpoint or a transition, rename, relabel a share) comes
back as an `edit_graph.GraphView` that `edit_graph.graph_edits` turns into changes to the tables.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from streamlit_flow import streamlit_flow
from streamlit_flow.elements import StreamlitFlowEdge, StreamlitFlowNode
from streamlit_flow.layouts import ManualLayout
from streamlit_flow.state import StreamlitFlowState

from journeymap.edit_cells import ID, LANE, STAGE
from journeymap.edit_graph import GraphView, graph_view
from journeymap.editing import JourneyTables
from journeymap.model import Lane

COLUMN_WIDTH = 260
NODE_WIDTH = 200
SLOT_HEIGHT = 96
HEADER_HEIGHT = 76
LANE_GAP = 80  # room between lanes, where the labels of edges into the next lane land
LANE_LABEL_WIDTH = 160
MIN_HEIGHT = 520
MAX_HEIGHT = 900
LANE_LABELS = {
    Lane.CUSTOMER: "Customer",
    Lane.FRONTSTAGE: "Front stage",
    Lane.BACKSTAGE: "Back stage",
    Lane.SUPPORT: "Support",
}
# Lane tints light enough for dark text on a projector; the border carries the colour.
LANE_COLOURS = {
    Lane.CUSTOMER: ("#E8F0FB", "#1F5FA8"),
    Lane.FRONTSTAGE: ("#EAF5EE", "#23894F"),
    Lane.BACKSTAGE: ("#FBF1E4", "#B26A00"),
    Lane.SUPPORT: ("#F1EEF8", "#5E4B9C"),
}
_HEADER = "__"  # ids of the stage and lane labels; touchpoint ids never start with it
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&$|~#{}!])")
_LEADING_MARKER = re.compile(r"^(\d+)([.)])|^([-+=])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass
class DrawnGraph:
    """The graph last sent to the browser, and the newest answer from it already handled."""

    state: StreamlitFlowState
    shown: GraphView
    seen: int = 0


def draw(tables: JourneyTables, *, drawn: DrawnGraph | None) -> DrawnGraph:
    """The graph to send: the one already drawn while the tables show the same, else anew.

    A new drawing needs a timestamp above the browser's last one, or the component keeps
    what it has (it compares them); the browser's clock may run ahead of the server's.
    """
    shown = graph_view(tables)
    if drawn is not None and drawn.shown == shown:
        return drawn
    seen = drawn.seen if drawn else 0
    timestamp = max(int(time.time() * 1000), seen + 1)
    return DrawnGraph(flow_state(tables, timestamp=timestamp), shown, seen)


def show(drawn: DrawnGraph, *, key: str) -> GraphView | None:
    """Render the graph; what the user left on it when that is news, else None."""
    returned = streamlit_flow(
        key,
        drawn.state,
        height=graph_height(drawn.state),
        fit_view=True,
        show_controls=True,
        allow_new_edges=True,
        layout=ManualLayout(),
        enable_node_menu=True,
        enable_edge_menu=True,
        hide_watermark=True,
        min_zoom=0.2,
        style={"background": "#FFFFFF"},
    )
    if returned is drawn.state or returned.timestamp == drawn.seen:
        return None
    drawn.seen = returned.timestamp
    return returned_view(returned)


def flow_state(tables: JourneyTables, *, timestamp: int) -> StreamlitFlowState:
    """Touchpoints laid out by stage across and blueprint lane down, edges labelled by share."""
    view = graph_view(tables)
    stages = [s for s in tables.stages[STAGE].dropna().astype(str).str.strip() if s]
    column = {stage: i for i, stage in enumerate(dict.fromkeys(stages))}
    cells: dict[tuple[int, Lane], list[str]] = {}
    for tp, stage, lane in zip(
        tables.touchpoints[ID], tables.touchpoints[STAGE], tables.touchpoints[LANE], strict=True
    ):
        if isinstance(tp, str) and tp in view.nodes:
            # A touchpoint whose stage is gone waits in a column of its own, after the others.
            x = column.get(stage if isinstance(stage, str) else "", len(column))
            cells.setdefault((x, _lane(lane)), []).append(tp)
    depth = {
        lane: max([len(v) for (_, ln), v in cells.items() if ln is lane] or [1]) for lane in Lane
    }
    top = {}
    y = HEADER_HEIGHT
    for lane in Lane:
        top[lane] = y
        y += depth[lane] * SLOT_HEIGHT + LANE_GAP
    nodes = [_stage_label(i, stage) for stage, i in column.items()]
    if any(x == len(column) for x, _ in cells):
        nodes.append(_stage_label(len(column), "(no stage)"))
    nodes += [_lane_label(lane, top[lane], depth[lane]) for lane in Lane]
    for (x, lane), ids in cells.items():
        for slot, tp in enumerate(ids):
            position = (LANE_LABEL_WIDTH + x * COLUMN_WIDTH, top[lane] + slot * SLOT_HEIGHT)
            nodes.append(_touchpoint_node(tp, view.nodes[tp], lane, position))
    x_of = {tp: x for (x, _), ids in cells.items() for tp in ids}
    edges = [
        _edge(source, target, label, back=x_of[target] < x_of[source])
        for (source, target), label in view.edges.items()
    ]
    return StreamlitFlowState(nodes=nodes, edges=edges, timestamp=timestamp)


def returned_view(state: StreamlitFlowState) -> GraphView:
    """What the user left on the graph, in touchpoint ids (labels unescaped)."""
    nodes = {
        node.id: unescape(str(node.data.get("content", "")))
        for node in state.nodes
        if not node.id.startswith(_HEADER)
    }
    edges = {(edge.source, edge.target): str(edge.label or "") for edge in state.edges}
    return GraphView(nodes=nodes, edges=edges)


def graph_height(state: StreamlitFlowState) -> int:
    """Tall enough that the fitted drawing fills the width of a wide page (≈1,150 px)."""
    right = max((n.position["x"] for n in state.nodes), default=0) + NODE_WIDTH + 40
    bottom = max((n.position["y"] for n in state.nodes), default=0) + SLOT_HEIGHT + 40
    return int(min(max(bottom * 1150 / right, MIN_HEIGHT), MAX_HEIGHT))


def escape(text: str) -> str:
    """A name as Markdown that shows exactly the name (node labels are Markdown with maths)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LEADING_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text).strip()


def _lane(value: object) -> Lane:
    try:
        return Lane(str(value))
    except ValueError:
        return Lane.FRONTSTAGE


def _touchpoint_node(
    tp: str, label: str, lane: Lane, position: tuple[float, float]
) -> StreamlitFlowNode:
    fill, border = LANE_COLOURS[lane]
    return StreamlitFlowNode(
        id=tp,
        pos=position,
        data={"content": escape(label)},
        node_type="default",
        source_position="right",
        target_position="left",
        draggable=True,
        connectable=True,
        deletable=True,
        style={
            "width": f"{NODE_WIDTH}px",
            "background": fill,
            "border": f"2px solid {border}",
            "borderRadius": "8px",
            "color": "#1E2430",
            "fontSize": "19px",
            "lineHeight": "1.2",
            "padding": "6px 8px",
        },
    )


def _stage_label(column: int, stage: str) -> StreamlitFlowNode:
    return _label_node(
        f"{_HEADER}stage_{column}",
        f"**{escape(stage)}**",
        (LANE_LABEL_WIDTH + column * COLUMN_WIDTH, 0),
        {"width": f"{NODE_WIDTH}px", "fontSize": "21px", "borderBottom": "3px solid #3A4250"},
    )


def _lane_label(lane: Lane, top: float, depth: int) -> StreamlitFlowNode:
    fill, border = LANE_COLOURS[lane]
    return _label_node(
        f"{_HEADER}lane_{lane.value}",
        f"**{LANE_LABELS[lane]}**",
        (0, top),
        {
            "width": f"{LANE_LABEL_WIDTH - 20}px",
            "height": f"{depth * SLOT_HEIGHT - 24}px",
            "fontSize": "19px",
            "background": fill,
            "borderLeft": f"6px solid {border}",
        },
    )


def _label_node(
    node_id: str, content: str, position: tuple[float, float], style: dict[str, str]
) -> StreamlitFlowNode:
    return StreamlitFlowNode(
        id=node_id,
        pos=position,
        data={"content": content},
        node_type="default",
        source_position="right",
        target_position="left",
        draggable=False,
        selectable=False,
        connectable=False,
        deletable=False,
        focusable=False,
        style={"border": "none", "boxShadow": "none", "color": "#1E2430", **style},
    )


def _edge(source: str, target: str, label: str, *, back: bool) -> StreamlitFlowEdge:
    # A transition back to an earlier stage (the repeat purchase) is dashed and lighter: it
    # runs behind the touchpoints in between, which must stay readable.
    colour = "#8A93A3" if back else "#3A4250"
    return StreamlitFlowEdge(
        id=f"{source}->{target}",
        source=source,
        target=target,
        edge_type="default",
        marker_end={"type": "arrowclosed", "width": 18, "height": 18, "color": colour},
        deletable=True,
        focusable=True,
        label=label,
        label_show_bg=True,
        label_style={"fontSize": "17px", "fontWeight": 700, "fill": "#1E2430"},
        label_bg_style={"fill": "#FFFFFF", "fillOpacity": 0.9},
        style={"stroke": colour, "strokeWidth": 2, **({"strokeDasharray": "8 6"} if back else {})},
    )
