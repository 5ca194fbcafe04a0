"""The journey editor in Chromium: the table and the graph, a rename saved, graph edits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import no_exception, screenshot, start_app, wait_for_app

ROW_HEIGHT = 42  # the editor's row_height; the header is as tall
ROW_MARKER = 33  # the column of row-selection boxes, left of the first column
ORDER_WIDTH = 70


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    # A server of its own: these tests save versions, which other tests must not see.
    server = start_app(tmp_path_factory.mktemp("edit"), name="edit")
    yield server
    server.stop()


@pytest.fixture
def edit_page(browser, editor_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{editor_server.url}/edit?journey=pizza-delivery")
    wait_for_app(page)
    page.get_by_text("No unsaved changes").wait_for()
    yield page
    context.close()


def status(page) -> list[str]:
    return page.locator('[data-testid="stMarkdownContainer"] li').all_inner_texts()


def open_graph(page):
    page.get_by_role("tab", name="Graph").click()
    wait_for_app(page)
    graph = page.frame_locator("iframe").first
    graph.locator(".react-flow__node").first.wait_for()
    page.locator("iframe").first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # the component fits the drawing to its frame
    return graph


def test_the_table_and_the_graph_show_the_journey(edit_page):
    table = edit_page.locator('[data-testid="stDataFrame"]').first
    edit_page.locator("[role=gridcell]", has_text="Phone order").first.wait_for(state="attached")
    table.scroll_into_view_if_needed()
    no_exception(edit_page)
    screenshot(edit_page, "edit_table", full_page=False)

    graph = open_graph(edit_page)
    assert graph.locator('.react-flow__node[data-id="order"]').inner_text().strip() == "Phone order"
    expect(graph.locator(".react-flow__edge")).to_have_count(12)
    graph.get_by_text("35 %").first.wait_for()  # edges are labelled with their shares
    no_exception(edit_page)
    screenshot(edit_page, "edit_graph", full_page=False)


def test_a_touchpoint_renamed_in_the_table_is_saved_as_a_new_version(edit_page):
    table = edit_page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    # Row 3 ("Phone order"), Name column: double-click opens the cell editor.
    edit_page.mouse.dblclick(
        box["x"] + ROW_MARKER + ORDER_WIDTH + 80, box["y"] + ROW_HEIGHT * 3 + ROW_HEIGHT / 2
    )
    cell = edit_page.locator("textarea.gdg-input, .gdg-input").first
    cell.wait_for()
    assert cell.input_value() == "Phone order"
    cell.fill("Phone call")
    cell.press("Enter")
    edit_page.get_by_text("Touchpoint 'Phone order' renamed to 'Phone call'").wait_for()
    screenshot(edit_page, "edit_unsaved", full_page=False)

    edit_page.get_by_label("Note for this version (optional)").fill("renamed in the browser")
    edit_page.get_by_role("button", name="Save as new version").click()
    edit_page.get_by_text("No unsaved changes — this is version 2").wait_for()
    no_exception(edit_page)
    edit_page.locator("[role=gridcell]", has_text="Phone call").first.wait_for(state="attached")
    edit_page.get_by_role("link", name="Journeys").click()
    wait_for_app(edit_page)
    edit_page.get_by_role("tab", name="Versions").click()
    edit_page.locator("[role=gridcell]", has_text="renamed in the browser").first.wait_for(
        state="attached"
    )


def test_connecting_and_deleting_on_the_graph_flow_back_into_the_draft(edit_page):
    graph = open_graph(edit_page)
    source = graph.locator('.react-flow__node[data-id="ad"] .react-flow__handle.source')
    target = graph.locator('.react-flow__node[data-id="kitchen"] .react-flow__handle.target')
    source.drag_to(target)
    edit_page.get_by_text("Transition Flyer and social ad → Pizza baked added").wait_for()
    # The new edge carries what the flyer's customers have left: 1 − 0.6.
    graph.get_by_text("40 %").first.wait_for()

    graph.locator('.react-flow__node[data-id="tracking"]').click(button="right")
    graph.get_by_role("button", name="Delete Node").click()
    warning = edit_page.get_by_text("Deleting 'Delivery tracker' also removes 2 transitions")
    warning.wait_for()
    expect(edit_page.get_by_role("button", name="Save as new version")).to_be_disabled()
    no_exception(edit_page)
    edit_page.locator("h1").first.scroll_into_view_if_needed()
    screenshot(edit_page, "edit_graph_deletion", full_page=False)

    edit_page.get_by_role("button", name="Bring it back").click()
    warning.wait_for(state="detached")
    edit_page.get_by_role("button", name="Discard changes").click()
    edit_page.get_by_text("No unsaved changes").wait_for()
