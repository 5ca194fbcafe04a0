"""The reference journeys of the articles, shipped as files and loaded into a new store."""

from __future__ import annotations

from pathlib import Path

from journeymap.journey_file import load_journey
from journeymap.ratings import read_ratings
from journeymap.store import Store


def sample_directory() -> Path:
    """`sample_journeys/` in a checkout, or its copy inside an installed wheel."""
    package = Path(__file__).parent
    for candidate in (package / "sample_journeys", package.parent / "sample_journeys"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sample_journeys/ is missing from this installation")


def sample_files() -> list[tuple[Path, Path | None]]:
    """Each sample journey file with its ratings CSV (same stem) when there is one."""
    pairs = []
    for journey_path in sorted(sample_directory().glob("*.json")):
        ratings_path = journey_path.with_suffix(".csv")
        pairs.append((journey_path, ratings_path if ratings_path.exists() else None))
    return pairs


def load_samples(store: Store) -> list[str]:
    """Import every sample with its ratings; returns the journey ids."""
    loaded = []
    for journey_path, ratings_path in sample_files():
        journey = load_journey(journey_path)
        ratings = read_ratings(ratings_path, journey).frame if ratings_path else None
        store.import_journey(
            journey, ratings, source=ratings_path.name if ratings_path else "", note="sample",
            submission_key=f"sample {ratings_path.name}" if ratings_path else None,
        )  # fmt: skip
        loaded.append(journey.id)
    return loaded


def ensure_samples(store: Store) -> list[str]:
    """Load the samples into a store that has no journeys yet (the app's first start)."""
    return load_samples(store) if store.is_empty() else []
