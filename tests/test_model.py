"""The journey format: what is accepted, and bad files rejected with the field path named."""

from __future__ import annotations

import json

import pytest

from journeymap.errors import JourneyFileError
from journeymap.journey_file import dump_journey, journey_schema, load_journey, parse_journey
from journeymap.model import Lane, Lever
from tests.conftest import SAMPLES

MINIMAL = {
    "name": "Pizza delivery",
    "scale": {"min": 1, "max": 7},
    "stages": ["Order", "Wait", "Receive"],
    "touchpoints": [
        {"id": "order", "name": "Phone order", "stage": "Order", "importance": 4.0},
        {"id": "wait", "name": "Waiting", "stage": "Wait"},
        {"id": "deliver", "name": "Delivery", "stage": "Receive"},
    ],
    "transitions": [
        {"from": "order", "to": "wait", "share": 0.95},
        {"from": "wait", "to": "deliver", "share": 1.0},
    ],
    "promises": [
        {
            "touchpoint": "deliver",
            "lever": "time",
            "promised": 60,
            "unit": "min",
            "delivered": {"dist": "lognormal", "median": 45, "p90": 60},
        }
    ],
    "lever": "time",
}


def variant(**changes):
    data = json.loads(json.dumps(MINIMAL))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return data


def problems_of(document) -> list[str]:
    with pytest.raises(JourneyFileError) as caught:
        parse_journey(document, source="j.json")
    return [str(p) for p in caught.value.problems]


def test_every_sample_journey_is_valid():
    names = {load_journey(path).name for path in SAMPLES.glob("*.json")}
    assert {"Pizza delivery", "Dental clinic", "Taxi booking", "Retail store"} <= names
    assert len(names) == 6


def test_defaults_fill_in_what_the_file_leaves_out():
    journey = parse_journey(MINIMAL)
    wait = journey.touchpoint("wait")
    assert journey.id == "pizza-delivery"
    assert wait.importance == 1.0 and wait.lane is Lane.FRONTSTAGE and wait.dimension is None
    assert journey.lever is Lever.TIME


def test_dump_and_parse_round_trip_exactly(pizza):
    assert parse_journey(dump_journey(pizza)) == pizza
    assert '"from": "ad"' in dump_journey(pizza)


def test_entries_default_to_touchpoints_nobody_transitions_into():
    assert parse_journey(MINIMAL).entry_shares() == {"order": 1.0}


def test_entries_default_shares_are_equal_across_several_starts():
    journey = parse_journey(variant(transitions=[]))
    assert journey.entry_shares() == pytest.approx(
        {"order": 1 / 3, "wait": 1 / 3, "deliver": 1 / 3}
    )


def test_ordered_touchpoints_follow_stage_order_then_file_order():
    data = variant(touchpoints=[MINIMAL["touchpoints"][2], *MINIMAL["touchpoints"][:2]])
    assert [tp.id for tp in parse_journey(data).ordered_touchpoints()] == [
        "order",
        "wait",
        "deliver",
    ]


def test_cycles_are_allowed():
    data = variant(
        transitions=[*MINIMAL["transitions"], {"from": "deliver", "to": "order", "share": 0.3}]
    )
    assert len(parse_journey(data).transitions) == 3


def test_empty_dimension_means_none():
    assert (
        parse_journey(variant(touchpoints__0__dimension="")).touchpoint("order").dimension is None
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            variant(touchpoints__1__stage="Pay"),
            "touchpoints[1].stage: 'Pay' is not one of the stages",
            id="stage-not-in-stages",
        ),
        pytest.param(
            variant(transitions__1__to="kitchen"),
            "transitions[1].to: 'kitchen' is not a touchpoint",
            id="transition-to-missing-touchpoint",
        ),
        pytest.param(
            variant(
                transitions=[
                    *MINIMAL["transitions"],
                    {"from": "order", "to": "deliver", "share": 0.2},
                ]
            ),
            "transitions[2].share: shares leaving 'order' add up to 1.15, more than 1",
            id="shares-over-one",
        ),
        pytest.param(
            variant(touchpoints__2__id="order"),
            "touchpoints[2].id: 'order' is already used by touchpoints[0]",
            id="duplicate-touchpoint-id",
        ),
        pytest.param(
            variant(touchpoints__0__importance=0),
            "touchpoints[0].importance: 0: input should be greater than 0",
            id="importance-not-positive",
        ),
        pytest.param(
            variant(touchpoints__0__lane="front"),
            "touchpoints[0].lane: 'front': input should be 'customer', 'frontstage', 'backstage' or 'support'",
            id="unknown-lane",
        ),
        pytest.param(
            variant(touchpoints__0__dimension="speed"),
            "touchpoints[0].dimension: 'speed': input should be 'tangibles', 'reliability', "
            "'responsiveness', 'assurance' or 'empathy'",
            id="unknown-dimension",
        ),
        pytest.param(
            variant(touchpoints__0__improtance=2),
            "touchpoints[0].improtance: unknown field (check the spelling; see `journeymap schema`)",
            id="unknown-field",
        ),
        pytest.param(
            variant(transitions__0__share=1.5),
            "transitions[0].share: 1.5: input should be less than or equal to 1",
            id="share-above-one",
        ),
        pytest.param(
            variant(entries={"order": 0.5, "wait": 0.4}),
            "entries: shares add up to 0.9, not 1",
            id="entries-not-summing-to-one",
        ),
        pytest.param(
            variant(entries={"nowhere": 1.0}),
            "entries.nowhere: 'nowhere' is not a touchpoint",
            id="entry-at-missing-touchpoint",
        ),
        pytest.param(
            variant(promises__0__delivered={"dist": "lognormal", "median": 45, "p90": 40}),
            "promises[0].delivered: p90 (40) must be greater than median (45)",
            id="lognormal-p90-below-median",
        ),
        pytest.param(
            variant(promises__0__touchpoint="oven"),
            "promises[0].touchpoint: 'oven' is not a touchpoint",
            id="promise-at-missing-touchpoint",
        ),
        pytest.param(
            variant(lever="speed"),
            "lever: 'speed': input should be 'time', 'cost' or 'service'",
            id="unknown-lever",
        ),
        pytest.param(
            variant(scale={"min": 7, "max": 1}),
            "scale: max (1) must be greater than min (7)",
            id="scale-upside-down",
        ),
        pytest.param(
            variant(stages=[]),
            "stages: list should have at least 1 item after validation, not 0",
            id="no-stages",
        ),
        pytest.param({"stages": ["A"]}, "name: is required", id="missing-name"),
    ],
)
def test_bad_journeys_are_rejected_naming_the_field(document, expected):
    assert expected in [
        p.replace("List", "list").replace("Input", "input") for p in problems_of(document)
    ]


def test_not_json_names_line_and_column():
    assert problems_of('{"name": "x",\n "stages": [}') == [
        "line 2, column 13: not valid JSON (Expecting value)"
    ]


def test_nan_is_not_accepted_as_a_number():
    text = json.dumps(MINIMAL).replace('"importance": 4.0', '"importance": NaN')
    assert problems_of(text) == ["touchpoints[0].importance: NaN is not a number JSON allows"]


def test_empty_file_is_rejected(tmp_path):
    (tmp_path / "empty.json").write_text("")
    with pytest.raises(JourneyFileError, match="empty.json: is empty"):
        load_journey(tmp_path / "empty.json")


def test_error_message_names_the_file(tmp_path):
    path = tmp_path / "pizza.json"
    path.write_text(json.dumps(variant(touchpoints__1__stage="Pay")))
    with pytest.raises(JourneyFileError, match=r"^pizza\.json: touchpoints\[1\]\.stage"):
        load_journey(path)


def test_schema_uses_the_file_field_names():
    schema = json.dumps(journey_schema())
    assert '"from"' in schema and '"to"' in schema and '"touchpoints"' in schema
