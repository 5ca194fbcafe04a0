"""Every page of the app opens in Chromium without an error, and is screenshotted."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import no_exception, screenshot, wait_for_app


def test_journeys_page_lists_the_samples(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    # The table is a canvas; its cells exist (hidden) for screen readers.
    page.locator("[role=gridcell]", has_text="Pizza delivery").first.wait_for(state="attached")
    no_exception(page)
    screenshot(page, "journeys")


def test_journey_map_page_shows_the_charts(page, app_server):
    page.goto(f"{app_server.url}/map?journey=pizza-delivery")
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').nth(2).wait_for()
    no_exception(page)
    screenshot(page, "journey-map")


def test_flow_page_shows_the_graph_and_priorities(page, app_server):
    page.goto(f"{app_server.url}/flow?journey=retail-store")
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    no_exception(page)
    screenshot(page, "flow")


def test_export_page_offers_the_deck(page, app_server):
    page.goto(f"{app_server.url}/export?journey=pizza-delivery")
    wait_for_app(page)
    page.get_by_role("button", name="Build the deck").click()
    page.get_by_text("Download the deck (.pptx)").wait_for(timeout=120_000)
    no_exception(page)
    screenshot(page, "export")


def test_the_address_holds_the_journey_id_not_its_label(page, app_server):
    page.goto(f"{app_server.url}/map?journey=taxi-booking")
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    assert page.url.endswith("/map?journey=taxi-booking")
    expect(page.get_by_role("heading", name="Taxi booking: journey map")).to_have_count(1)


def test_the_home_page_opens_by_its_own_name_too(page, app_server):
    page.goto(f"{app_server.url}/journeys")
    wait_for_app(page)
    page.get_by_role("heading", name="Journeys").first.wait_for()
    assert page.get_by_text("Page not found").count() == 0
    no_exception(page)
