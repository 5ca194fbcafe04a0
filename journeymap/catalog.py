"""Creating, copying and importing journeys, with ids that never collide with stored ones.

Saving a journey whose id is already stored makes it a new version of that journey; creating
one must never do that by accident, so new journeys get a fresh id (`pizza-delivery-2`).
"""

from __future__ import annotations

from journeymap.journey_file import parse_journey
from journeymap.model import Journey, slugify, unused_id
from journeymap.store import Store

DEFAULT_STAGES = ("Discover", "Buy", "Use", "After")


def unused_journey_id(store: Store, name: str) -> str:
    return unused_id(slugify(name), {summary.id for summary in store.journeys()})


def create_journey(
    store: Store, name: str, *, template: Journey | None = None, author: str = ""
) -> Journey:
    """A new journey: empty with default stages, or a copy of `template` under a new name."""
    name = name.strip()
    if template is None:
        data: dict[str, object] = {"name": name, "stages": list(DEFAULT_STAGES)}
        note = "created"
    else:
        data = template.model_dump(by_alias=True) | {"name": name}
        note = f"copied from {template.name}"
    data["id"] = unused_journey_id(store, name or "journey")
    journey = parse_journey(data, source="new journey")
    store.save_journey(journey, author=author, note=note)
    return journey


def import_journey_document(
    store: Store, document: bytes | str, *, source: str, author: str = ""
) -> tuple[Journey, int]:
    """Store an uploaded journey file; an id that exists becomes that journey's next version."""
    journey = parse_journey(document, source=source)
    version = store.save_journey(journey, author=author, note=f"imported from {source}")
    return journey, version
