"""A live workshop in Chromium: the facilitator projects the code, two participants rate at once.

The server runs with a facilitator passcode, so the participants' browsers are participants;
the facilitator's screen is never reloaded: its live panel must pick up the ratings by itself.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import no_exception, screenshot, start_app, wait_for_app

PASSCODE = "projector-on"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
PROJECTOR = {"width": 1600, "height": 900}
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIVE = 20_000  # ms: several refreshes of the live panel
FIRST_CHART = 60_000  # ms: the first chart also loads plotly.js, slow on a busy machine


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    server = start_app(
        tmp_path_factory.mktemp("workshop"), env={"JOURNEYMAP_FACILITATOR_PASSCODE": PASSCODE}
    )
    yield server
    server.stop()


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).locator(
        '[data-testid="stMetricValue"]'
    )


def gap_labels(page):
    """The values printed beside the gap bars (the chart's annotations)."""
    return page.locator('[data-testid="stPlotlyChart"] .annotation-text')


def tap(page, key: str, value: int) -> None:
    group = page.locator(f".st-key-{key}")
    group.get_by_role("radio", name=str(value), exact=True).click()


def sign_in_and_open_workshop(page, url: str) -> tuple[str, str]:
    """The projected join code and join link of a workshop opened on the pizza journey."""
    page.goto(f"{url}/sign-in")
    wait_for_app(page)
    page.locator(".st-key-passcode input").fill(PASSCODE)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in")).to_be_visible(timeout=LIVE)
    page.get_by_role("combobox", name="Journey").click()
    page.get_by_role("option", name=re.compile("^Pizza delivery")).click()
    wait_for_app(page)
    # Navigate inside the app: a new page load would be a new, signed-out session.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Run a workshop").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Pizza delivery: workshop")).to_be_visible(timeout=LIVE)
    page.locator(".st-key-workshop_title_0 input").fill("Branch 12 team")
    page.get_by_role("button", name="Open a workshop").dblclick()
    code = page.get_by_test_id("stHtml").get_by_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    expect(code).to_be_visible(timeout=LIVE)
    wait_for_app(page)
    # The double-click opened one workshop, not two.
    page.get_by_role("combobox", name="Workshop on the screen above").click()
    expect(page.get_by_role("option")).to_have_count(1, timeout=LIVE)
    page.keyboard.press("Escape")
    link = page.get_by_role("link", name=re.compile(r"\?code="))
    return code.inner_text(), link.get_attribute("href")


def join(page, link: str, code: str, name: str) -> None:
    page.goto(link)
    wait_for_app(page)
    # With a passcode the link opens the participants' home page, without "page not found".
    expect(page.locator(".st-key-join_code input")).to_have_value(code, timeout=LIVE)  # the link
    expect(page.get_by_role("heading", name="Join a workshop")).to_be_visible(timeout=LIVE)
    assert page.get_by_role("dialog").count() == 0
    page.locator(".st-key-join_name input").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("button", name="Send my ratings")).to_be_visible(timeout=LIVE)


def test_two_participants_rate_at_once_and_the_projected_chart_follows(browser, workshop_server):
    url = workshop_server.url
    alerts: list[str] = []
    contexts = []

    def context(viewport):
        opened = browser.new_context(viewport=viewport)
        contexts.append(opened)
        page = opened.new_page()
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        return page

    try:
        projector = context(PROJECTOR)
        laptop = context(LAPTOP)
        phone = context(PHONE)

        code, link = sign_in_and_open_workshop(projector, url)
        assert link == f"{url}/?code={code}"
        raw = code.replace("-", "")
        expect(metric(projector, "Participants")).to_have_text("0", timeout=LIVE)
        expect(projector.get_by_text("No ratings yet")).to_be_visible(timeout=LIVE)
        no_exception(projector)

        laptop.goto(link)
        expect(laptop.locator(".st-key-join_name input")).to_be_visible(timeout=LIVE)
        wait_for_app(laptop)
        screenshot(laptop, "workshop-join", full_page=False)
        join(laptop, link, code, "Ana")
        join(phone, link, code, HOSTILE_NAME)
        # A participant reaches this journey only: no journey picker, no other pages.
        assert phone.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count() == 0

        # Interleaved: both fill in their forms, then both send before either is waited for.
        tap(laptop, f"join_{raw}_order_expected", 6)
        tap(phone, f"join_{raw}_order_expected", 5)
        tap(laptop, f"join_{raw}_order_experienced", 3)
        tap(phone, f"join_{raw}_order_experienced", 4)
        tap(laptop, f"join_{raw}_deliver_expected", 5)
        tap(phone, f"join_{raw}_deliver_expected", 4)
        tap(laptop, f"join_{raw}_deliver_experienced", 6)
        tap(phone, f"join_{raw}_deliver_experienced", 5)
        phone.locator(f".st-key-join_{raw}_order_expected").scroll_into_view_if_needed()
        screenshot(phone, "workshop-rating-phone", full_page=False)
        laptop.get_by_role("button", name="Send my ratings").dblclick()
        phone.get_by_role("button", name="Send my ratings").click()
        for page in (laptop, phone):
            expect(page.get_by_text("Thank you — your ratings are in.")).to_be_visible(timeout=LIVE)
            no_exception(page)
        screenshot(phone, "workshop-thank-you", full_page=False)

        # The projector was not reloaded: the live panel refreshes itself.
        expect(metric(projector, "Participants")).to_have_text("2", timeout=LIVE)
        expect(metric(projector, "Ratings")).to_have_text("4", timeout=LIVE)
        # order: (3 − 6 + 4 − 5) / 2 = −2; deliver: (6 − 5 + 5 − 4) / 2 = +1
        expect(gap_labels(projector)).to_have_text(["+1.00", "-2.00"], timeout=FIRST_CHART)
        expect(projector.get_by_text(HOSTILE_NAME, exact=False)).to_be_visible(timeout=LIVE)
        assert projector.locator('img[src="x"], img[onerror]').count() == 0
        no_exception(projector)
        screenshot(projector, "workshop-projector", full_page=False)
        screenshot(projector, "workshop-facilitator-page")

        # A participant changes an answer and sends again: it replaces, and the chart moves.
        phone.get_by_role("button", name="Change my answers").click()
        tap(phone, f"join_{raw}_order_experienced", 2)
        phone.get_by_role("button", name="Send my ratings").click()
        expect(phone.get_by_text("Thank you — your ratings are in.")).to_be_visible(timeout=LIVE)
        # order: (3 − 6 + 2 − 5) / 2 = −3
        expect(gap_labels(projector)).to_have_text(["+1.00", "-3.00"], timeout=LIVE)
        expect(metric(projector, "Participants")).to_have_text("2", timeout=LIVE)
        expect(metric(projector, "Ratings")).to_have_text("4", timeout=LIVE)
        assert alerts == []
    finally:
        for opened in contexts:
            opened.close()
