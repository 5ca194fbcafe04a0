"""Regenerate the synthetic survey ratings of the sample journeys.

The journeys themselves are the hand-written `*.json` files beside this script. The ratings are
simulated, not collected: each touchpoint has a story (the mean rating customers expect there
and the mean they experience), respondents add their own leniency, regulars expect a little
more than newcomers, and about one answer in twelve is skipped. Run
`python sample_journeys/generate.py` after changing a story; the seed keeps the files stable.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from journeymap.journey_file import load_journey
from journeymap.model import Journey

HERE = Path(__file__).parent

# Mean expected and mean experienced rating (1–7) per touchpoint.
STORIES = {
    "pizza_delivery": {
        "respondents": 48,
        "segments": ("new", "regular"),
        "means": {
            "ad": (4.2, 4.5),
            "menu": (5.0, 5.2),
            "order": (5.4, 4.9),
            "app_order": (5.6, 5.5),
            "kitchen": (5.5, 5.3),
            "tracking": (5.2, 4.1),
            "deliver": (6.2, 3.9),
            "pizza": (5.8, 5.1),
            "feedback": (3.5, 4.2),
            "reorder": (5.0, 5.0),
        },
    },
    "dental_clinic": {
        "respondents": 36,
        "segments": ("new patient", "returning"),
        "zone_of_tolerance": True,
        "means": {
            "search": (4.8, 5.0),
            "booking": (5.5, 5.1),
            "reminder": (4.5, 5.6),
            "reception": (5.4, 5.6),
            "waiting_room": (4.6, 4.4),
            "exam": (6.0, 6.1),
            "estimate": (5.8, 5.0),
            "lab": (5.5, 5.4),
            "treatment": (6.1, 6.0),
            "bill": (6.0, 4.3),
            "followup": (3.8, 4.9),
        },
    },
    "taxi_booking": {
        "respondents": 42,
        "segments": ("commuter", "airport"),
        "means": {
            "app_booking": (5.5, 5.6),
            "fare_quote": (5.8, 5.5),
            "dispatch": (5.2, 5.0),
            "eta": (5.0, 4.4),
            "pickup": (5.7, 4.8),
            "car": (4.6, 5.4),
            "conduct": (5.2, 5.5),
            "route": (6.0, 5.7),
            "payment": (6.0, 6.1),
            "rating": (3.5, 3.8),
        },
    },
    "coffee_loyalty": {
        "respondents": 40,
        "segments": ("card holder", "walk-in"),
        "means": {
            "storefront": (4.8, 5.2),
            "queue": (5.0, 3.9),
            "greeting": (5.0, 5.8),
            "stamp": (5.8, 5.1),
            "machine": (5.5, 5.5),
            "pickup": (5.5, 4.6),
            "coffee": (6.0, 6.2),
            "seating": (4.8, 4.0),
            "free_cup": (6.2, 5.6),
            "return": (5.0, 5.1),
        },
    },
    "monthly_supplement": {
        "respondents": 45,
        "segments": ("first bottle", "subscriber"),
        "means": {
            "influencer": (4.5, 4.6),
            "product_page": (5.2, 5.3),
            "checkout": (5.8, 5.6),
            "warehouse": (5.5, 5.2),
            "delivery": (5.8, 5.4),
            "unboxing": (4.8, 5.5),
            "thank_you": (3.2, 5.4),
            "reminder": (4.5, 4.4),
            "refill": (5.8, 5.0),
            "referral": (4.0, 3.8),
        },
    },
    "retail_store": {
        "respondents": 60,
        "segments": ("walk-in", "online-first"),
        "means": {
            "ad": (4.4, 4.6),
            "catalogue": (4.6, 4.8),
            "sign": (4.5, 4.9),
            "parking": (4.8, 3.9),
            "layout": (5.0, 4.7),
            "labels": (6.0, 4.6),
            "consultant": (5.6, 5.9),
            "stock": (5.3, 4.5),
            "checkout": (5.6, 4.4),
            "pos": (6.0, 5.8),
            "security": (4.5, 3.6),
            "delivery": (5.7, 5.2),
            "use": (6.0, 5.9),
            "followup": (3.6, 5.0),
            "complaints": (5.2, 3.8),
        },
    },
}


def simulate_ratings(journey: Journey, story: dict, rng: np.random.Generator) -> list[dict]:
    rows = []
    start = datetime(2026, 9, 1, 9, tzinfo=UTC)
    for r in range(story["respondents"]):
        respondent = f"R{r + 1:03d}"
        segment = story["segments"][r % 2]
        leniency = rng.normal(0, 0.4)
        segment_shift = 0.2 if r % 2 else -0.2
        when = start + timedelta(days=int(rng.integers(0, 80)), minutes=int(rng.integers(0, 600)))
        for touchpoint in journey.touchpoints:
            expected_mean, experienced_mean = story["means"][touchpoint.id]
            if rng.random() < 0.08:
                continue
            expected = _likert(rng.normal(expected_mean + segment_shift, 0.8))
            experienced = _likert(rng.normal(experienced_mean + leniency, 1.0))
            importance = _likert(rng.normal(touchpoint.importance, 0.9))
            row = {
                "touchpoint": touchpoint.id,
                "expected": expected if rng.random() > 0.02 else "",
                "experienced": experienced,
                "importance": importance,
                "respondent": respondent,
                "segment": segment,
                "recorded_at": when.isoformat(timespec="seconds"),
            }
            if story.get("zone_of_tolerance"):
                adequate = _likert(expected_mean - 1.3 + rng.normal(0, 0.6))
                row["adequate"] = adequate
                row["desired"] = max(
                    adequate + 1, _likert(expected_mean + 0.9 + rng.normal(0, 0.5))
                )
            rows.append(row)
    return rows


def _likert(value: float) -> int:
    return int(np.clip(round(value), 1, 7))


def main() -> None:
    rng = np.random.default_rng(20261123)
    for stem, story in STORIES.items():
        journey = load_journey(HERE / f"{stem}.json")
        rows = simulate_ratings(journey, story, rng)
        with (HERE / f"{stem}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"{stem}: {len(journey.touchpoints)} touchpoints, {len(rows)} ratings")


if __name__ == "__main__":
    main()
