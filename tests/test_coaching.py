"""Coaching reviews: a role's touchpoints worst gap first, the depth to start from, agreed actions
and the printable one-page review."""

from __future__ import annotations

import doctest
import math
import re
import shutil
import subprocess
from datetime import date, datetime

import pytest

from journeymap import coaching
from journeymap.analysis import analyse
from journeymap.coaching import AgreedAction, CoachingItem, Depth, RoleReview
from journeymap.errors import InvalidInput
from journeymap.journey_file import load_journey
from journeymap.model import Scale
from journeymap.ratings import read_ratings
from tests.conftest import ROOT, SAMPLES

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture
def coffee():
    return load_journey(SAMPLES / "coffee_loyalty.json")


@pytest.fixture
def rated_coffee(store, coffee):
    store.save_journey(coffee)
    ratings = read_ratings(SAMPLES / "coffee_loyalty.csv", coffee).frame
    store.add_ratings(coffee.id, ratings, source="coffee_loyalty.csv")
    return coffee, ratings


def review_of(store, journey, role):
    return coaching.role_review(
        analyse(store, journey), store.coaching_actions(journey.id, history=True), role=role
    )


# Roles and order ---------------------------------------------------------------------------


def test_roles_are_those_that_own_touchpoints(coffee, pizza):
    assert coaching.front_line_roles(coffee) == ["barista"]
    assert coaching.front_line_roles(pizza) == ["call agent", "cook", "courier", "marketing"]


def test_a_roles_touchpoints_come_worst_gap_first(store, rated_coffee):
    coffee, ratings = rated_coffee
    review = review_of(store, coffee, "barista")
    # Independently: the mean of experienced − expected over each touchpoint's ratings.
    owned = {tp.id for tp in coffee.touchpoints if tp.role == "barista"}
    rows = ratings[ratings["touchpoint"].isin(owned)].dropna(subset=["expected", "experienced"])
    gaps = (rows["experienced"] - rows["expected"]).groupby(rows["touchpoint"]).mean()
    assert [item.touchpoint for item in review.items] == list(gaps.sort_values().index)
    for item in review.items:
        assert item.gap == pytest.approx(gaps[item.touchpoint])
        assert item.n == (rows["touchpoint"] == item.touchpoint).sum()
    assert review.ratings == len(rows)


def test_shortfall_share_counts_ratings_below_expectation(store, rated_coffee):
    coffee, ratings = rated_coffee
    item = review_of(store, coffee, "barista").items[0]
    rows = ratings[ratings["touchpoint"] == item.touchpoint].dropna(
        subset=["expected", "experienced"]
    )
    assert item.shortfall_share == pytest.approx((rows["experienced"] < rows["expected"]).mean())


def test_unrated_touchpoints_come_last(store, coffee):
    store.save_journey(coffee)
    ratings = read_ratings(SAMPLES / "coffee_loyalty.csv", coffee).frame
    store.add_ratings(coffee.id, ratings[ratings["touchpoint"] != "greeting"], source="part.csv")
    items = review_of(store, coffee, "barista").items
    assert items[-1].touchpoint == "greeting" and not items[-1].rated
    assert all(item.rated for item in items[:-1])


def test_a_role_that_owns_nothing_is_named(store, rated_coffee):
    coffee, _ = rated_coffee
    with pytest.raises(InvalidInput, match=r"coffee-loyalty: role: no touchpoint is owned by"):
        review_of(store, coffee, "pilot")


# Where to start --------------------------------------------------------------------------


DEPTH_CASES = [
    pytest.param("empathy", -2.0, 0.8, Depth.KNOWING, id="most-fell-short-knowing-first"),
    pytest.param("empathy", -0.3, 0.6, Depth.KNOWING, id="exactly-60-percent-is-most"),
    pytest.param("empathy", -1.5, 0.3, Depth.KNOWING, id="quarter-of-the-scale-is-large"),
    pytest.param("responsiveness", -1.49, 0.59, Depth.DOING, id="smaller-shortfall-dimension"),
    pytest.param("assurance", -0.2, 0.4, Depth.DOING, id="assurance-is-doing"),
    pytest.param("reliability", -0.2, 0.4, Depth.KNOWING, id="reliability-is-knowing"),
    pytest.param("tangibles", -0.2, 0.4, Depth.KNOWING, id="tangibles-is-knowing"),
    pytest.param("empathy", -0.2, 0.4, Depth.BEING, id="empathy-is-being"),
    pytest.param("reliability", 0.0, 0.3, Depth.DOING, id="met-goes-one-deeper"),
    pytest.param("responsiveness", 0.8, 0.1, Depth.BEING, id="exceeded-goes-one-deeper"),
    pytest.param("empathy", 1.0, 0.1, Depth.BEING, id="being-is-the-deepest"),
    pytest.param(None, -0.2, 0.4, Depth.KNOWING, id="no-dimension-is-knowing"),
    pytest.param("empathy", math.nan, math.nan, Depth.BEING, id="unrated-follows-dimension"),
]


@pytest.mark.parametrize(("dimension", "gap", "share", "depth"), DEPTH_CASES)
def test_the_start_depth_follows_the_stated_rule(dimension, gap, share, depth):
    found, reason = coaching.start_depth(
        dimension=dimension, gap=gap, shortfall_share=share, scale=Scale()
    )
    assert found is depth
    assert reason.endswith(".") and len(reason) < 90


def test_a_large_gap_is_measured_on_the_journeys_own_scale():
    five_point = Scale(min=1, max=5)  # a quarter of it is 1 point
    depth, reason = coaching.start_depth(
        dimension="empathy", gap=-1.0, shortfall_share=0.3, scale=five_point
    )
    assert depth is Depth.KNOWING and "-1.0 on the 1–5 scale" in reason
    assert (
        coaching.start_depth(dimension="empathy", gap=-1.0, shortfall_share=0.3, scale=Scale())[0]
        is Depth.BEING
    )


def test_each_depth_has_a_question_about_the_touchpoint():
    for depth in Depth:
        assert "Pick-up counter" in depth.question("Pick-up counter")
        assert depth.meaning


# Agreed actions --------------------------------------------------------------------------


def test_an_agreed_action_is_saved_with_its_author_and_time(store, rated_coffee):
    coffee, _ = rated_coffee
    before = datetime.now().astimezone()
    coaching.agree_action(
        store, coffee, "pickup", action="  Call the name and the drink.  ", depth="doing",
        owner="Rina", author="Ana",
    )  # fmt: skip
    item = next(i for i in review_of(store, coffee, "barista").items if i.touchpoint == "pickup")
    agreed = item.agreed
    assert (agreed.depth, agreed.action, agreed.owner, agreed.author) == (
        "doing", "Call the name and the drink.", "Rina", "Ana",
    )  # fmt: skip
    assert abs((agreed.saved_at - before).total_seconds()) < 60
    assert item.earlier == ()


def test_a_new_agreement_keeps_the_earlier_one_in_the_history(store, rated_coffee):
    coffee, _ = rated_coffee
    coaching.agree_action(store, coffee, "stamp", action="Stamp first", depth="knowing")
    coaching.agree_action(store, coffee, "stamp", action="Stamp and smile", depth="being")
    item = next(i for i in review_of(store, coffee, "barista").items if i.touchpoint == "stamp")
    assert item.agreed.action == "Stamp and smile"
    assert [e.action for e in item.earlier] == ["Stamp first"]


BAD_ACTIONS = [
    pytest.param({"action": "   "}, r"action: write down what was agreed", id="empty"),
    pytest.param({"action": "x" * 201}, r"action: is 201 characters; keep it to 200", id="long"),
    pytest.param({"depth": "feeling"}, r"depth: 'feeling' is not one of", id="depth"),
    pytest.param({"owner": "o" * 81}, r"owner: is longer than 80", id="owner"),
    pytest.param({"touchpoint": "moon"}, r"touchpoint: 'moon' is not a touchpoint", id="place"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ACTIONS)
def test_a_bad_action_names_its_field_and_nothing_is_saved(store, rated_coffee, change, message):
    coffee, _ = rated_coffee
    options = {"touchpoint": "pickup", "action": "Smile", "depth": "doing"} | change
    touchpoint = options.pop("touchpoint")
    with pytest.raises(InvalidInput, match=message):
        coaching.agree_action(store, coffee, touchpoint, **options)
    assert store.coaching_actions(coffee.id, history=True).empty


# The printable review --------------------------------------------------------------------


def test_review_html_escapes_every_user_text(store, rated_coffee):
    coffee, _ = rated_coffee
    coaching.agree_action(
        store, coffee, "pickup", action="<script>alert('x')</script> & smile", depth="doing",
        owner="<b>Rina</b>", author="<img src=x onerror=alert(1)>",
    )  # fmt: skip
    page = coaching.review_html(review_of(store, coffee, "barista"))
    assert "<script>" not in page and "<img" not in page and "<b>Rina" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; smile" in page
    assert "&lt;b&gt;Rina&lt;/b&gt;" in page


def test_review_html_lists_the_worst_touchpoints_and_says_how_many_are_left_out():
    items = tuple(synthetic_item(i) for i in range(coaching.MAX_PRINTED + 2))
    page = coaching.review_html(RoleReview("j", "Shop", "barista", Scale(), items))
    assert page.count('<td class="num">') == coaching.MAX_PRINTED
    assert "…and 2 more touchpoints with smaller gaps" in page


def test_review_html_is_an_a4_landscape_page():
    page = coaching.review_html(RoleReview("j", "Shop", "barista", Scale(), ()))
    assert re.search(r"@page \{ size: A4 landscape;", page)
    assert "No touchpoints." in page


def test_docstring_examples_run():
    assert doctest.testmod(coaching).failed == 0


def synthetic_item(i, *, name="Pick-up counter", action=None, who=""):
    agreed = (
        AgreedAction("doing", action, who, who, datetime(2026, 5, 3, 14, 2)) if action else None
    )
    depth, reason = coaching.start_depth(
        dimension="empathy", gap=-2.0 + i / 10, shortfall_share=0.7, scale=Scale()
    )
    return CoachingItem(
        touchpoint=f"t{i}", name=f"{name} {i}", stage="Wait", dimension="empathy", n=40,
        expected=5.5, experienced=3.5 + i / 10, gap=-2.0 + i / 10, shortfall_share=0.7,
        visits=1718.6, priority=50.0, priority_share=0.1, start=depth, reason=reason,
        agreed=agreed,
    )  # fmt: skip


# Printed with Chromium -------------------------------------------------------------------


def print_to_pdf(html: str, tmp_path, name: str):
    source = tmp_path / f"{name}.html"
    source.write_text(html, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", source.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    return pdf, pages, (float(size.group(1)), float(size.group(2)))


needs_printing = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("chromium", "pdfinfo", "pdftoppm")),
    reason="needs chromium and poppler-utils (pdfinfo, pdftoppm)",
)


@pytest.mark.parametrize(
    "items",
    [
        pytest.param((), id="empty"),
        pytest.param(tuple(synthetic_item(i) for i in range(2)), id="two-unagreed"),
        pytest.param(
            tuple(
                synthetic_item(
                    i, name="N" * 200, action="Smile and say the name " * 20, who="W" * 80
                )
                for i in range(coaching.MAX_PRINTED + 3)
            ),
            id="longest-everything",
        ),
        pytest.param(
            tuple(
                synthetic_item(i, name="Wi" * 100, action="W" * 400, who="W" * 80)
                for i in range(coaching.MAX_PRINTED)
            ),
            id="unbreakable-words",
        ),
    ],
)
@pytest.mark.browser
@needs_printing
def test_the_review_prints_on_one_a4_landscape_page(tmp_path, items):
    review = RoleReview("shop", "Coffee shop", "barista", Scale(), items)
    _, pages, (width, height) = print_to_pdf(coaching.review_html(review), tmp_path, "review")
    assert pages == 1
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


@pytest.mark.browser
@needs_printing
def test_the_sample_review_prints_on_one_page_and_is_saved_as_a_picture(
    store, rated_coffee, tmp_path
):
    coffee, _ = rated_coffee
    coaching.agree_action(
        store, coffee, "pickup", action="Call the name and the drink together; hand it over "
        "with eye contact.", depth="doing", owner="Rina", author="Ana",
    )  # fmt: skip
    page = coaching.review_html(review_of(store, coffee, "barista"), printed=date(2026, 5, 3))
    pdf, pages, _ = print_to_pdf(page, tmp_path, "barista")
    assert pages == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "coaching-review-print"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-singlefile", pdf, target], check=True, timeout=60
    )
    assert target.with_suffix(".png").stat().st_size > 10_000
