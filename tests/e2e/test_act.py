"""The "Act" pages in Chromium: choosing the lever and coaching the front line, screenshotted."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser
#: Each lever page runs three simulations and draws three charts; on a busy shared machine
#: that takes longer than Playwright's default 30 s.
TIMEOUT_MS = 120_000


@pytest.fixture(autouse=True)
def patient(page):
    page.set_default_timeout(TIMEOUT_MS)


def slider_figures(page, row: str) -> list[str]:
    """One row of each lever's "Slider / Best" table, at the slider's promise."""
    tables = page.locator('[data-testid="stTable"]')
    return [
        tables.nth(i).locator("tr", has_text=row).locator("td").first.inner_text()
        for i in range(tables.count())
    ]


def open_lever(page, app_server, journey="pizza-delivery", *, charts=3):
    page.goto(f"{app_server.url}/lever?journey={journey}")
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.locator('[data-testid="stPlotlyChart"]').nth(charts - 1).wait_for()


def test_lever_page_shows_time_cost_and_service_side_by_side(page, app_server):
    open_lever(page, app_server)
    no_exception(page)
    expect(page.get_by_text("Chosen lever")).to_have_count(1)
    expect(page.get_by_role("button", name="Commit to exceeding on cost")).to_have_count(1)
    screenshot(page, "lever-side-by-side")


def test_moving_the_promise_slider_with_the_keyboard_changes_the_figures(page, app_server):
    open_lever(page, app_server)
    before = slider_figures(page, "Met")
    thumb = page.locator('[data-testid="stSlider"]', has_text="Delivered within").get_by_role(
        "slider"
    )
    thumb.focus()
    for _ in range(15):  # 2-minute steps: 30 → 60 minutes
        thumb.press("ArrowRight")
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.locator('[data-testid="stTable"] td', has_text="60 min").wait_for()
    after = slider_figures(page, "Met")
    assert after[0] != before[0] and after[1:] == before[1:]
    no_exception(page)
    screenshot(page, "lever-what-if")


def test_one_at_a_time_gives_each_lever_the_full_width(page, app_server):
    open_lever(page, app_server)
    page.get_by_text("One at a time", exact=True).click()
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_role("tab", name=re.compile("Cost")).click()
    page.wait_for_timeout(500)
    no_exception(page)
    screenshot(page, "lever-one-at-a-time")


def test_committing_to_cost_marks_it_chosen(page, app_server):
    open_lever(page, app_server, journey="taxi-booking")
    page.get_by_role("button", name="Commit to exceeding on cost").click()
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_text("chose to exceed on cost (was service)").wait_for()
    # expect() waits for the rerun to settle; a bare count() can read the page mid-update.
    expect(page.get_by_role("button", name="Commit to exceeding on service")).to_have_count(1)
    expect(page.get_by_role("button", name="Commit to exceeding on cost")).to_have_count(0)
    no_exception(page)
    screenshot(page, "lever-committed")


def test_lever_page_on_a_projector_sized_screen(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        open_lever(page, app_server, journey="dental-clinic", charts=2)
        page.get_by_text("Add a service promise").click()
        page.wait_for_timeout(500)
        no_exception(page)
        screenshot(page, "lever-1280-add-promise")
    finally:
        context.close()


def test_coaching_page_saves_an_action_and_offers_the_review(page, app_server, tmp_path):
    page.goto(f"{app_server.url}/coaching?journey=coffee-loyalty")
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_text("1. Drink handed over").wait_for()
    name = page.get_by_role("textbox", name="Your name")
    name.fill("Ana")
    name.press("Enter")
    wait_for_app(page, timeout=TIMEOUT_MS)
    first = page.locator('[data-testid="stForm"]').first
    first.get_by_role("textbox", name="Agreed action").fill("Call the name and the drink together.")
    first.get_by_role("textbox", name="Owner").fill("Rina")
    first.get_by_role("button", name="Save the agreed action").click()
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_text("Saved the action agreed for Drink handed over.").wait_for()
    expect(page.get_by_text("Agreed:")).to_have_count(1)
    no_exception(page)
    screenshot(page, "coaching")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download one-page review").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "coffee-loyalty-barista-review.html"
    assert "Call the name and the drink together." in saved.read_text(encoding="utf-8")
    if shutil.which("pdfinfo"):
        pdf = tmp_path / "review.pdf"
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}", saved.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)

    page.get_by_text("Preview").click()
    page.frame_locator("iframe").first.get_by_text("coaching review for the barista").wait_for()
    page.locator("iframe").first.scroll_into_view_if_needed()
    screenshot(page, "coaching-preview")


def test_coaching_page_without_roles_says_where_to_set_them(page, app_server):
    page.goto(app_server.url)  # the journeys page is the home page
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_role("tab", name=re.compile("New journey")).click()
    page.get_by_role("textbox", name="Name of the new journey").fill("Hotel check-in")
    page.get_by_role("button", name="Create journey").click()
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.goto(f"{app_server.url}/coaching?journey=hotel-check-in")
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_text("No touchpoint of this journey has a front-line role yet").wait_for()
    no_exception(page)
    screenshot(page, "coaching-no-roles")
