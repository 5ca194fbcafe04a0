"""Workshops: join codes, participants' forms, resubmission, closing, coaching actions."""

from __future__ import annotations

import pytest

from journeymap import workshops
from journeymap.errors import InvalidInput, WorkshopClosed
from journeymap.store import SCHEMA_VERSION, open_store


@pytest.fixture
def workshop(store, pizza):
    store.save_journey(pizza)
    return workshops.open_workshop(store, "pizza-delivery", title="Branch 12", segment="staff")


def answers(expected=5.0, experienced=4.0, importance=None):
    return {"order": {"expected": expected, "experienced": experienced, "importance": importance}}


def submit(store, workshop, journey, key, *, participant="p1", name="Ana", **kw):
    return workshops.submit(
        store, workshop, journey, answers(**kw), participant=participant, name=name,
        submission_key=key,
    )  # fmt: skip


def test_join_codes_use_an_unambiguous_alphabet_and_differ():
    codes = {workshops.new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(workshops.CODE_ALPHABET) for c in codes)
    assert not set("0O1IL") & set(workshops.CODE_ALPHABET)


def test_typed_codes_are_normalised(workshop, store):
    typed = " " + workshops.format_join_code(workshop.code).lower() + " "
    joined, journey = workshops.join(store, typed)
    assert joined.code == workshop.code and journey.id == "pizza-delivery"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("ABC", id="too-short"),
        pytest.param("ABCD-EFG0", id="letter-not-in-alphabet"),
        pytest.param("<script>x", id="markup"),
    ],
)
def test_malformed_codes_are_refused_with_a_message(store, typed):
    with pytest.raises(InvalidInput, match="join code: .* is not a workshop code"):
        workshops.join(store, typed)


def test_unknown_code_says_no_open_workshop(store):
    with pytest.raises(InvalidInput, match="no open workshop has the code ABCD-EFGH"):
        workshops.join(store, "abcd-efgh")


def test_workshop_pins_the_journey_version_it_was_opened_on(store, pizza, workshop):
    store.save_journey(pizza.model_copy(update={"name": "Renamed later"}))
    _, journey = workshops.join(store, workshop.code)
    assert journey.name == "Pizza delivery" and workshop.version == 1


def test_participant_ratings_are_stored_with_name_and_workshop_segment(store, pizza, workshop):
    assert submit(store, workshop, pizza, "k1", importance=6) == 1
    stored = store.workshop_ratings(workshop.code)
    row = stored.iloc[0]
    assert (row.touchpoint, row.expected, row.experienced, row.importance) == ("order", 5, 4, 6)
    assert (row.respondent, row.segment) == ("Ana", "staff")
    assert store.rating_count("pizza-delivery") == 1


def test_a_double_click_stores_the_ratings_once(store, pizza, workshop):
    assert submit(store, workshop, pizza, "same-key") == 1
    assert submit(store, workshop, pizza, "same-key") == 0
    assert store.rating_count("pizza-delivery") == 1


def test_resubmitting_replaces_the_participants_earlier_ratings(store, pizza, workshop):
    submit(store, workshop, pizza, "k1", experienced=2)
    submit(store, workshop, pizza, "k2", experienced=6)
    submit(store, workshop, pizza, "k3", participant="p2", name="Ben", experienced=3)
    stored = store.workshop_ratings(workshop.code).sort_values("respondent")
    assert stored["experienced"].tolist() == [6.0, 3.0]
    progress = store.workshop_progress(workshop.code)
    assert (progress.participants, progress.ratings, progress.names) == (2, 2, ["Ana", "Ben"])


def test_half_filled_touchpoint_is_named_and_nothing_is_stored(store, pizza, workshop):
    with pytest.raises(InvalidInput, match="Phone order, experienced: is missing"):
        submit(store, workshop, pizza, "k1", experienced=None)
    assert store.rating_count("pizza-delivery") == 0


def test_off_scale_rating_is_refused(store, pizza, workshop):
    with pytest.raises(InvalidInput, match="experienced: 9.0 is outside the journey's 1–7 scale"):
        submit(store, workshop, pizza, "k1", experienced=9)


def test_blank_form_and_blank_name_are_refused(store, pizza, workshop):
    with pytest.raises(InvalidInput, match="rate at least one touchpoint"):
        workshops.submit(
            store, workshop, pizza, {}, participant="p", name="Ana", submission_key="k"
        )
    with pytest.raises(InvalidInput, match="your name: is required"):
        submit(store, workshop, pizza, "k2", name="   ")


def test_closed_workshop_refuses_joining_and_ratings_but_keeps_them(store, pizza, workshop):
    submit(store, workshop, pizza, "k1")
    closed = store.close_workshop(workshop.code)
    assert not closed.is_open
    with pytest.raises(WorkshopClosed):
        workshops.join(store, workshop.code)
    with pytest.raises(WorkshopClosed):
        submit(store, workshop, pizza, "k2", participant="p2", name="Ben")
    assert len(store.workshop_ratings(workshop.code)) == 1


def test_workshops_are_listed_newest_first(store, pizza, workshop):
    second = workshops.open_workshop(store, "pizza-delivery", title="Branch 14")
    assert [w.code for w in store.workshops("pizza-delivery")] == [second.code, workshop.code]


def test_coaching_actions_keep_history_and_show_the_newest(store, pizza):
    store.save_journey(pizza)
    store.save_coaching_action("pizza-delivery", "deliver", action="Call ahead", depth="knowing")
    store.save_coaching_action("pizza-delivery", "deliver", action="Text the ETA", depth="doing")
    current = store.coaching_actions("pizza-delivery")
    assert current[["touchpoint", "action", "depth"]].values.tolist() == [
        ["deliver", "Text the ETA", "doing"]
    ]
    assert len(store.coaching_actions("pizza-delivery", history=True)) == 2


def test_an_old_database_is_migrated_on_open(tmp_path, pizza):
    import duckdb

    from journeymap.store import MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
    con.execute(MIGRATIONS[0])
    con.execute("INSERT INTO schema_info VALUES (1)")
    con.close()
    with open_store(path) as store:
        store.save_journey(pizza)
        assert workshops.open_workshop(store, "pizza-delivery").version == 1
        version = store._con.execute("SELECT version FROM schema_info").fetchall()
    assert version == [(SCHEMA_VERSION,)]
