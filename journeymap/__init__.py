"""journeymap: customer journeys as touchpoint graphs, expectation gaps, promise-margin simulations.

The names below are the library's public API; exports (slides, images) live in
`journeymap.export` and the app in `journeymap.ui`, so importing the library stays light and
never loads Streamlit.
"""

from journeymap.analysis import Analysis, Filters, analyse
from journeymap.economics import Economics
from journeymap.errors import InvalidInput, JourneyMapError, NotFound, StoreError
from journeymap.gaps import JourneyScores, gap_table, journey_scores, rating_sums
from journeymap.graph import flow_table, likely_paths, to_networkx
from journeymap.journey_file import dump_journey, load_journey, parse_journey
from journeymap.model import (
    Dimension,
    Journey,
    Lane,
    Lever,
    Promise,
    Scale,
    Touchpoint,
    Transition,
)
from journeymap.priority import priority_table
from journeymap.ratings import read_ratings
from journeymap.simulate import compare_levers, draw, sweep, sweep_promise
from journeymap.store import Store, open_store

__all__ = [
    "Analysis",
    "Dimension",
    "Economics",
    "Filters",
    "InvalidInput",
    "Journey",
    "JourneyMapError",
    "JourneyScores",
    "Lane",
    "Lever",
    "NotFound",
    "Promise",
    "Scale",
    "Store",
    "StoreError",
    "Touchpoint",
    "Transition",
    "analyse",
    "compare_levers",
    "draw",
    "dump_journey",
    "flow_table",
    "gap_table",
    "journey_scores",
    "likely_paths",
    "load_journey",
    "open_store",
    "parse_journey",
    "priority_table",
    "rating_sums",
    "read_ratings",
    "sweep",
    "sweep_promise",
    "to_networkx",
]
