"""Workshops: join codes, participants' forms, resubmission, closing, coaching actions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from journeymap import workshops
from journeymap.errors import InvalidInput, WorkshopClosed
from journeymap.model import Scale
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
    with pytest.raises(
        InvalidInput,
        match="your ratings: Phone order, experienced: 9.0 is outside the journey's 1–7",
    ):
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


def rate_two(store, pizza, workshop, *, order_experienced=(3, 4)):
    """Ana and Ben rate the phone order; Ana also rates the delivery."""
    ana = {
        "order": {"expected": 6, "experienced": order_experienced[0]},
        "deliver": {"expected": 5, "experienced": 6},
    }
    ben = {"order": {"expected": 5, "experienced": order_experienced[1]}}
    for participant, (name, form) in enumerate((("Ana", ana), ("Ben", ben))):
        workshops.submit(
            store, workshop, pizza, form, participant=f"p{participant}", name=name,
            submission_key=f"{name}-{order_experienced}",
        )  # fmt: skip


def test_workshop_gaps_use_only_that_workshops_ratings(store, pizza, pizza_ratings, workshop):
    store.add_ratings("pizza-delivery", pizza_ratings, source="survey")
    other = workshops.open_workshop(store, "pizza-delivery")
    rate_two(store, pizza, other, order_experienced=(7, 7))
    rate_two(store, pizza, workshop)
    gaps = workshops.workshop_gaps(store, workshop).set_index("touchpoint")
    # order: gaps 3 − 6 = −3 and 4 − 5 = −1; deliver: 6 − 5 = +1; nothing else rated here.
    assert gaps.loc["order", "gap_mean"] == pytest.approx(-2.0)
    assert gaps.loc["deliver", "gap_mean"] == pytest.approx(1.0)
    assert gaps["n"].to_dict() == {tp.id: 0 for tp in pizza.touchpoints} | {
        "order": 2,
        "deliver": 1,
    }


def test_workshop_gap_interval_is_the_t_interval_cut_to_the_scale(store, pizza, workshop):
    rate_two(store, pizza, workshop, order_experienced=(3, 4))
    order = workshops.workshop_gaps(store, workshop).set_index("touchpoint").loc["order"]
    gaps = np.array([-3.0, -1.0])
    half = stats.t.ppf(0.975, df=1) * gaps.std(ddof=1) / np.sqrt(2)  # 12.7: wider than 1–7
    span = pizza.scale.max - pizza.scale.min
    assert half > span
    assert (order["gap_ci_low"], order["gap_ci_high"]) == (
        pytest.approx(max(gaps.mean() - half, -span)),
        pytest.approx(min(gaps.mean() + half, span)),
    )


def test_live_workshop_counts_participants_ratings_and_rated_touchpoints(store, pizza, workshop):
    live = workshops.live_workshop(store, workshop.code)
    assert not live.has_ratings and live.rated_touchpoints == 0
    rate_two(store, pizza, workshop)
    live = workshops.live_workshop(store, workshop.code)
    assert (live.progress.participants, live.progress.ratings) == (2, 3)
    assert live.has_ratings and live.rated_touchpoints == 2
    assert live.journey == store.journey("pizza-delivery", version=workshop.version)


def test_workshop_revision_changes_when_ratings_arrive_or_are_replaced_or_it_closes(
    store, pizza, workshop
):
    seen = [workshops.workshop_revision(store, workshop.code)]
    rate_two(store, pizza, workshop, order_experienced=(3, 4))
    seen.append(workshops.workshop_revision(store, workshop.code))
    rate_two(store, pizza, workshop, order_experienced=(2, 4))  # same people, new answers
    seen.append(workshops.workshop_revision(store, workshop.code))
    assert workshops.workshop_revision(store, workshop.code) == seen[-1]  # nothing new
    store.close_workshop(workshop.code)
    seen.append(workshops.workshop_revision(store, workshop.code))
    assert len(set(seen)) == 4


def test_workshop_overview_lists_each_workshop_with_its_participants(store, pizza, workshop):
    rate_two(store, pizza, workshop)
    second = workshops.open_workshop(store, "pizza-delivery", title="Branch 14")
    store.close_workshop(second.code)
    overview = workshops.workshop_overview(store, "pizza-delivery")
    rows = overview.set_index("code")
    assert overview["code"].tolist() == [second.code, workshop.code]
    assert rows.loc[workshop.code, ["participants", "ratings", "is_open"]].tolist() == [2, 3, True]
    assert rows.loc[second.code, ["participants", "is_open"]].tolist() == [0, False]
    assert rows.loc[workshop.code, "join_code"] == workshops.format_join_code(workshop.code)


@pytest.mark.parametrize(
    ("app_url", "page", "expected"),
    [
        pytest.param(
            "http://10.0.0.5:8501/workshop", "join", "http://10.0.0.5:8501/join?code=K7QM-4XPD",
            id="next-to-the-workshop-page",
        ),
        pytest.param(
            "https://example.org/tools/journeymap/workshop", "join",
            "https://example.org/tools/journeymap/join?code=K7QM-4XPD", id="under-a-path-prefix",
        ),
        pytest.param(
            "http://10.0.0.5:8501/workshop", "", "http://10.0.0.5:8501/?code=K7QM-4XPD",
            id="participants-home-at-the-root",
        ),
        pytest.param(
            "https://example.org/jm/workshop", "", "https://example.org/jm/?code=K7QM-4XPD",
            id="root-under-a-prefix",
        ),
        pytest.param(None, "join", "/join?code=K7QM-4XPD", id="address-unknown"),
    ],
)  # fmt: skip
def test_join_url_points_at_the_join_page_with_the_code(app_url, page, expected):
    assert workshops.join_url(app_url, "K7QM4XPD", page=page) == expected


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8501/join", True),
        ("http://127.0.0.1:8501/join", True),
        ("http://[::1]:8501/join", True),
        ("http://192.168.1.20:8501/join", False),
        ("https://journeys.example.org/join", False),
    ],
)
def test_a_localhost_link_is_flagged_as_unreachable_for_participants(url, local):
    assert workshops.only_reachable_here(url) is local


def test_join_qr_code_is_a_png_that_grows_with_its_scale():
    small = workshops.join_qr_png("http://10.0.0.5:8501/?code=K7QM-4XPD", scale=4)
    large = workshops.join_qr_png("http://10.0.0.5:8501/?code=K7QM-4XPD", scale=12)
    assert small.startswith(b"\x89PNG\r\n\x1a\n") and large.startswith(b"\x89PNG")
    width = int.from_bytes(small[16:20], "big")  # IHDR: modules × scale, with the border
    assert width % 4 == 0 and int.from_bytes(large[16:20], "big") == width * 3


@pytest.mark.parametrize(
    ("low", "high", "points"),
    [
        pytest.param(1, 7, [1, 2, 3, 4, 5, 6, 7], id="seven-point"),
        pytest.param(0, 10, list(range(11)), id="eleven-point"),
        pytest.param(0, 100, None, id="too-many-points"),
        pytest.param(1, 4.5, None, id="not-whole-numbers"),
    ],
)
def test_short_whole_number_scales_are_tapped_others_typed(low, high, points):
    assert workshops.rating_points(Scale(min=low, max=high)) == points


def test_importance_points_leave_out_zero():
    assert workshops.importance_points(Scale(min=0, max=10)) == list(range(1, 11))
    assert workshops.importance_points(Scale(min=1, max=5)) == [1, 2, 3, 4, 5]


def test_rating_sections_follow_the_journey_order_by_stage(pizza):
    sections = workshops.rating_sections(pizza)
    assert [stage for stage, _ in sections] == [
        s for s in pizza.stages if any(tp.stage == s for tp in pizza.touchpoints)
    ]
    flattened = [tp.id for _, touchpoints in sections for tp in touchpoints]
    assert flattened == [tp.id for tp in pizza.ordered_touchpoints()]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        pytest.param("0123456789abcdef0123456789abcdef", True, id="hex-id"),
        pytest.param("0123456789ABCDEF0123456789ABCDEF", False, id="upper-case"),
        pytest.param("abc", False, id="short"),
        pytest.param("<script>", False, id="markup"),
        pytest.param(None, False, id="missing"),
    ],
)
def test_participant_ids_from_a_link_are_kept_only_when_well_formed(text, kept):
    assert (workshops.participant_id(text) is not None) is kept


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
