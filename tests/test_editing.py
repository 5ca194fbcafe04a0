"""The journey as editable tables and back: ids kept, renames followed, bad cells named."""

from __future__ import annotations

import numpy as np
import pytest

from journeymap.edit_cells import (
    DESCRIPTION,
    DIMENSION,
    FROM,
    ID,
    IMPORTANCE,
    LANE,
    NAME,
    ORDER,
    SHARE,
    STAGE,
    TO,
    TOUCHPOINT,
)
from journeymap.editing import (
    EditError,
    journey_from_tables,
    journey_tables,
    needs_sorting,
    normalized,
)
from journeymap.journey_file import dump_journey, load_journey
from journeymap.model import Dimension, Lane
from tests.conftest import SAMPLES
from tests.table_edits import problems_of, row_of, saved, with_cell, with_row, without_row

# Round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_every_sample_survives_tables_and_back_unchanged(sample):
    journey = load_journey(SAMPLES / sample)
    assert dump_journey(saved(journey, journey_tables(journey))) == dump_journey(journey)


def test_tables_use_the_column_names_people_see(pizza):
    tables = journey_tables(pizza)
    assert list(tables.touchpoints.columns) == [
        ORDER, NAME, STAGE, LANE, "Channel", "Role", DIMENSION, IMPORTANCE, DESCRIPTION, ID,
    ]  # fmt: skip
    assert list(tables.transitions.columns) == [FROM, TO, SHARE]
    assert list(tables.entries.columns) == [TOUCHPOINT, SHARE]
    # Rows are numbered as the editor shows them, from 1.
    assert list(tables.touchpoints.index) == list(range(1, len(pizza.touchpoints) + 1))
    assert tables.touchpoints[ORDER].tolist() == list(range(1, len(pizza.touchpoints) + 1))


def test_a_journey_without_arrivals_keeps_the_default_arrivals(retail):
    tables = journey_tables(retail.model_copy(update={"entries": None}))
    assert tables.entries.empty
    assert saved(retail, tables).entries is None


# Renames, new rows, reordering --------------------------------------------------------------


def test_renaming_a_touchpoint_keeps_its_id_and_its_transitions(pizza):
    tables = journey_tables(pizza)
    renamed = with_cell(tables, "touchpoints", row_of(tables, "order"), NAME, "Phone call")
    journey = saved(pizza, renamed)
    assert journey.touchpoint("order").name == "Phone call"
    assert [t for t in journey.transitions if "order" in (t.source, t.target)] == [
        t for t in pizza.transitions if "order" in (t.source, t.target)
    ]


def test_a_new_touchpoint_gets_a_fresh_id_slugged_from_its_name(pizza):
    tables = with_row(
        journey_tables(pizza),
        "touchpoints",
        **{NAME: "Order again", STAGE: "After", IMPORTANCE: 2.0},
    )
    journey = saved(pizza, tables)
    added = [tp for tp in journey.touchpoints if tp.id not in {t.id for t in pizza.touchpoints}]
    # "order-again" is free, but the sample already has "reorder"; the slug only must be new.
    assert [(tp.id, tp.name, tp.stage, tp.lane) for tp in added] == [
        ("order-again", "Order again", "After", Lane.FRONTSTAGE)
    ]


def test_a_new_id_never_takes_one_that_was_used_before(pizza):
    """A deleted touchpoint's ratings must not attach to a new one with the same name."""
    tables = journey_tables(pizza)
    tables = with_row(tables, "touchpoints", **{NAME: "Ad", STAGE: "Discover", IMPORTANCE: 1.0})
    tables = with_row(tables, "touchpoints", **{NAME: "Ad", STAGE: "Discover", IMPORTANCE: 1.0})
    journey = saved(pizza, tables, reserved={"ad"})
    assert [tp.id for tp in journey.touchpoints if tp.name == "Ad"] == ["ad-2", "ad-3"]


def test_renaming_a_stage_renames_it_in_its_touchpoints(pizza):
    tables = journey_tables(pizza)
    renamed = with_cell(tables, "stages", 2, STAGE, "Place the order")
    journey = saved(pizza, renamed)
    assert journey.stages[1] == "Place the order"
    expected = {tp.id for tp in pizza.touchpoints if tp.stage == "Order"}
    assert {tp.id for tp in journey.touchpoints if tp.stage == "Place the order"} == expected


def test_swapping_two_stage_names_swaps_their_touchpoints(pizza):
    tables = journey_tables(pizza)
    tables = with_cell(tables, "stages", 2, STAGE, "Wait")
    tables = with_cell(tables, "stages", 3, STAGE, "Order")
    journey = saved(pizza, tables)
    assert journey.touchpoint("kitchen").stage == "Order"
    assert journey.touchpoint("menu").stage == "Wait"


def test_typing_an_order_moves_a_stage_to_that_place(pizza):
    tables = with_cell(journey_tables(pizza), "stages", 5, ORDER, 2)
    assert needs_sorting(tables.stages)
    assert saved(pizza, tables).stages == ["Discover", "After", "Order", "Wait", "Receive"]


def test_moving_a_row_down_puts_it_after_the_row_at_that_place(pizza):
    tables = with_cell(journey_tables(pizza), "stages", 2, ORDER, 4)
    assert saved(pizza, tables).stages == ["Discover", "Wait", "Receive", "Order", "After"]


def test_touchpoints_are_ordered_within_their_stage(pizza):
    tables = journey_tables(pizza)
    order = pizza.ordered_touchpoints()
    # "App checkout" (row 4) typed as 2: first of the Order stage, still after the ad.
    moved = with_cell(tables, "touchpoints", row_of(tables, "app_order"), ORDER, 2)
    ids = [tp.id for tp in saved(pizza, moved).touchpoints]
    assert ids[:4] == ["ad", "app_order", "menu", "order"]
    assert sorted(ids) == sorted(tp.id for tp in order)


def test_normalized_tables_are_numbered_and_sorted_and_give_the_same_journey(pizza):
    tables = journey_tables(pizza)
    tables = with_cell(tables, "stages", 5, ORDER, 1)
    tables = with_row(tables, "touchpoints", **{NAME: "Thank-you call", STAGE: "After"})
    tidy = normalized(tables, reserved={"ad"})
    assert tidy.stages[STAGE].tolist() == ["After", "Discover", "Order", "Wait", "Receive"]
    assert tidy.stages[ORDER].tolist() == [1, 2, 3, 4, 5]
    assert list(tidy.touchpoints.index) == list(range(1, len(tidy.touchpoints) + 1))
    # After is the first stage now; the new touchpoint is last within it.
    assert tidy.touchpoints[ID].tolist()[:3] == ["feedback", "reorder", "thank-you-call"]
    assert not needs_sorting(tidy.stages) and not needs_sorting(tidy.touchpoints)
    tables = with_cell(tables, "touchpoints", len(tables.touchpoints), IMPORTANCE, 1.5)
    tidy = with_cell(tidy, "touchpoints", 3, IMPORTANCE, 1.5)
    assert dump_journey(saved(pizza, tidy)) == dump_journey(saved(pizza, tables))


def test_rows_added_and_left_blank_are_ignored(pizza):
    tables = journey_tables(pizza)
    tables = with_row(tables, "touchpoints", **{LANE: "frontstage", IMPORTANCE: 1.0})
    tables = with_row(tables, "transitions", **{SHARE: None})
    assert dump_journey(saved(pizza, tables)) == dump_journey(pizza)


def test_names_that_look_like_markup_or_formulas_are_kept_as_text(pizza):
    tables = journey_tables(pizza)
    script = "<script>alert('x')</script>"
    formula = '=HYPERLINK("http://evil.example","click")'
    tables = with_cell(tables, "touchpoints", row_of(tables, "ad"), NAME, script)
    tables = with_cell(tables, "touchpoints", row_of(tables, "menu"), NAME, formula)
    tables = with_cell(tables, "stages", 1, STAGE, "=1+1")
    journey = saved(pizza, tables)
    assert journey.touchpoint("ad").name == script
    assert journey.touchpoint("menu").name == formula
    assert journey.stages[0] == "=1+1"
    assert journey.touchpoint("ad").stage == "=1+1"


def test_blank_lane_and_dimension_take_the_model_defaults(pizza):
    tables = journey_tables(pizza)
    tables = with_cell(tables, "touchpoints", row_of(tables, "ad"), LANE, None)
    tables = with_cell(tables, "touchpoints", row_of(tables, "ad"), DIMENSION, None)
    ad = saved(pizza, tables).touchpoint("ad")
    assert (ad.lane, ad.dimension) == (Lane.FRONTSTAGE, None)


# Bad input: a message naming table, row and column ------------------------------------------


def _blank_name(t):
    return with_cell(t, "touchpoints", 3, NAME, "   ")


def _duplicate_stage(t):
    return with_cell(t, "stages", 4, STAGE, "Order")


def _deleted_target(t):
    return without_row(t, "touchpoints", 3)


def _share_above_one(t):
    return with_cell(t, "transitions", 2, SHARE, 1.5)


def _nan_importance(t):
    return with_cell(t, "touchpoints", 4, IMPORTANCE, np.nan)


def _blank_importance(t):
    return with_cell(t, "touchpoints", 4, IMPORTANCE, None)


def _word_importance(t):
    return with_cell(t, "touchpoints", 4, IMPORTANCE, "high")


def _zero_importance(t):
    return with_cell(t, "touchpoints", 4, IMPORTANCE, 0.0)


def _unknown_stage(t):
    return with_cell(t, "touchpoints", 3, STAGE, "Pay")


def _deleted_stage(t):
    return without_row(t, "stages", 5)


def _blank_stage_name(t):
    return with_cell(t, "stages", 2, STAGE, "")


def _shares_over_one(t):
    return with_cell(t, "transitions", 3, SHARE, 0.7)


def _repeated_transition(t):
    return with_row(t, "transitions", **{FROM: "menu", TO: "order", SHARE: 0.1})


def _blank_share(t):
    return with_cell(t, "transitions", 1, SHARE, None)


def _unknown_lane(t):
    return with_cell(t, "touchpoints", 1, LANE, "front desk")


def _arrivals_not_adding_up(t):
    return with_cell(t, "entries", 2, SHARE, 0.2)


def _arrival_twice(t):
    return with_row(t, "entries", **{TOUCHPOINT: "ad", SHARE: 0.0})


def _long_name(t):
    return with_cell(t, "touchpoints", 2, NAME, "x" * 201)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            _blank_name,
            "Touchpoints table, row 3, Name: is empty; every touchpoint needs a name",
            id="blank-name",
        ),
        pytest.param(
            _duplicate_stage,
            "Stages table, row 4, Stage: 'Order' is listed twice",
            id="duplicate-stage",
        ),
        pytest.param(
            _deleted_target,
            "Transitions table, row 2, To: 'Phone order' is deleted from the touchpoints table",
            id="transition-to-a-deleted-touchpoint",
        ),
        pytest.param(
            _share_above_one,
            "Transitions table, row 2, Share: 1.5 is outside 0–1",
            id="share-1.5",
        ),
        pytest.param(
            _nan_importance,
            "Touchpoints table, row 4, Importance: is empty; give a weight above 0",
            id="nan-importance",
        ),
        pytest.param(
            _blank_importance,
            "Touchpoints table, row 4, Importance: is empty",
            id="blank-importance",
        ),
        pytest.param(
            _word_importance,
            "Touchpoints table, row 4, Importance: 'high' is not a number",
            id="word-importance",
        ),
        pytest.param(
            _zero_importance,
            "Touchpoints table, row 4, Importance: 0.0: input should be greater than 0",
            id="zero-importance",
        ),
        pytest.param(
            _unknown_stage,
            "Touchpoints table, row 3, Stage: 'Pay' is not one of the stages",
            id="unknown-stage",
        ),
        pytest.param(
            _deleted_stage,
            "Touchpoints table, row 9, Stage: 'After' is not one of the stages",
            id="stage-deleted-with-touchpoints",
        ),
        pytest.param(
            _blank_stage_name,
            "Stages table, row 2, Stage: is empty; every stage needs a name",
            id="blank-stage-name",
        ),
        pytest.param(
            _shares_over_one,
            "Transitions table, row 3, Share: shares leaving 'Browse the menu' add up to 1.05, "
            "more than 1",
            id="shares-leaving-above-1",
        ),
        pytest.param(
            _repeated_transition,
            "Transitions table, row 13: Browse the menu → Phone order is already in row 2",
            id="repeated-transition",
        ),
        pytest.param(
            _blank_share,
            "Transitions table, row 1, Share: is empty; give a share between 0 and 1",
            id="blank-share",
        ),
        pytest.param(
            _unknown_lane,
            "Touchpoints table, row 1, Lane: 'front desk': input should be 'customer', "
            "'frontstage', 'backstage' or 'support'",
            id="unknown-lane",
        ),
        pytest.param(
            _arrivals_not_adding_up,
            "Arrivals table, Share: shares add up to 0.9, not 1",
            id="arrivals-not-adding-up",
        ),
        pytest.param(
            _arrival_twice,
            "Arrivals table, row 3, Touchpoint: 'Flyer and social ad' is already in row 1",
            id="arrival-listed-twice",
        ),
        pytest.param(
            _long_name,
            "Touchpoints table, row 2, Name: 'xxxxx",
            id="name-too-long",
        ),
    ],
)
def test_bad_cells_are_reported_by_table_row_and_column(pizza, edit, expected):
    problems = problems_of(pizza, edit(journey_tables(pizza)))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_at_once(pizza):
    tables = _share_above_one(_blank_name(_unknown_stage(journey_tables(pizza))))
    problems = problems_of(pizza, tables)
    assert len(problems) == 3, problems


def test_the_error_text_lists_each_problem_on_its_own_line(pizza):
    with pytest.raises(EditError) as caught:
        journey_from_tables(pizza, _share_above_one(_blank_name(journey_tables(pizza))))
    assert str(caught.value).splitlines() == [f"- {p}" for p in caught.value.problems]


def test_a_new_row_is_named_by_its_row_number(pizza):
    tables = with_row(journey_tables(pizza), "touchpoints", **{NAME: "Survey", IMPORTANCE: 1.0})
    assert "Touchpoints table, row 11, Stage: is empty; pick one of the stages" in problems_of(
        pizza, tables
    )


def test_dimension_values_are_the_model_ones(pizza):
    tables = journey_tables(pizza)
    assert set(tables.touchpoints[DIMENSION].dropna()) <= {d.value for d in Dimension}
