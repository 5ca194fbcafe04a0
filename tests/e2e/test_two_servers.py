"""Two app servers on one PostgreSQL database, as behind a load balancer.

Two `streamlit run` processes on two ports share JOURNEYMAP_DATABASE_URL: a participant who
joins and rates through server A shows up on the facilitator's workshop page served by B,
which is never reloaded (its live panel reads the shared database by itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import postgres_schema
from tests.e2e.conftest import AppServer, no_exception, screenshot, start_app
from tests.e2e.test_workshop import (
    LIVE,
    PASSCODE,
    gap_labels,
    join,
    metric,
    sign_in_and_open_workshop,
    tap,
)

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]
FIRST_CHART = 60_000  # ms: the first chart also loads plotly.js, slow on a busy machine
FIRST_START = 60_000  # ms: a server's first page imports the app and opens the store


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory) -> Iterator[tuple[AppServer, AppServer]]:
    with postgres_schema() as url:
        env = {"JOURNEYMAP_DATABASE_URL": url, "JOURNEYMAP_FACILITATOR_PASSCODE": PASSCODE}
        folder = tmp_path_factory.mktemp("two-servers")
        a = start_app(folder, env=env, name="server-a")
        try:
            b = start_app(folder, env=env, name="server-b")
        except BaseException:
            a.stop()
            raise
        yield a, b
        a.stop()
        b.stop()


def test_a_rating_through_one_server_shows_on_the_facilitator_page_of_the_other(
    browser, two_servers
):
    a, b = two_servers
    assert a.url != b.url
    contexts = [browser.new_context(viewport={"width": 1600, "height": 900}) for _ in range(2)]
    try:
        facilitator, participant = (context.new_page() for context in contexts)
        # Server A's first visit opens its store (and pool) on the shared database while the
        # facilitator signs in on B: both first starts are slow on a busy machine.
        participant.goto(a.url)
        code, _ = sign_in_and_open_workshop(facilitator, b.url)  # served by B
        expect(metric(facilitator, "Participants")).to_have_text("0")

        raw = code.replace("-", "")
        expect(participant.get_by_role("heading", name="Join a workshop")).to_be_visible(
            timeout=FIRST_START
        )
        join(participant, f"{a.url}/?code={code}", code, "Ana via A")  # served by A
        tap(participant, f"join_{raw}_order_expected", 6)
        tap(participant, f"join_{raw}_order_experienced", 3)
        participant.get_by_role("button", name="Send my ratings").click()
        expect(participant.get_by_text("Thank you — your ratings are in.")).to_be_visible(
            timeout=LIVE
        )

        expect(metric(facilitator, "Participants")).to_have_text("1", timeout=LIVE)
        expect(metric(facilitator, "Ratings")).to_have_text("1", timeout=LIVE)
        expect(facilitator.get_by_text("Ana via A")).to_be_visible()
        # The projected gap chart follows too: order's gap is 3 − 6.
        expect(gap_labels(facilitator)).to_have_text(["-3.00"], timeout=FIRST_CHART)
        for page in (facilitator, participant):
            no_exception(page)
        screenshot(facilitator, "two-servers-facilitator-on-b", full_page=False)
    finally:
        for context in contexts:
            context.close()
    # Each server logged its own requests: the two pages really came from two processes.
    assert re.search(r"Uncaught|Traceback", a.log.read_text() + b.log.read_text()) is None
