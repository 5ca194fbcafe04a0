"""The review deck, read back with python-pptx: 16:9, native charts carrying the gap table's
numbers, every text inside its box, user text kept as text, and notes with the figures."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from journeymap import native_charts, slides
from journeymap.charts import EXCEED, EXPECTED, EXPERIENCED, SHORTFALL
from journeymap.gaps import GAP_COLUMNS
from journeymap.journey_file import parse_journey
from journeymap.report import Report
from tests import pptx_checks as check

LONG_NAME = "@SUM(1+1) follow-up call " + "that goes on and on " * 8
HYPERLINK = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def journey():
    return parse_journey(
        {
            "name": "Tiny <b>shop</b>",
            "stages": ["Visit", "Pay", "After"],
            "touchpoints": [
                {"id": "door", "name": "<script>alert(1)</script>", "stage": "Visit",
                 "lane": "customer", "role": "greeter"},
                {"id": "till", "name": HYPERLINK, "stage": "Pay", "role": "cashier"},
                {"id": "bag", "name": "Bag", "stage": "Pay", "lane": "backstage",
                 "role": "cashier"},
                {"id": "call", "name": LONG_NAME, "stage": "After", "role": "-care"},
                {"id": "none", "name": "Unrated", "stage": "After"},
            ],
            "promises": [
                {"touchpoint": "call", "lever": "time", "promised": 24, "unit": "h",
                 "label": "Call back within",
                 "delivered": {"dist": "lognormal", "median": 20, "p90": 30}},
            ],
            "lever": "time",
        }
    )  # fmt: skip


@pytest.fixture
def gaps():
    # Worked by hand. Quadrant cross-hairs: mean performance (6 + 4 + 3.5 + 5) / 4 = 4.625,
    # mean importance (3 + 5 + 2 + 4) / 4 = 3.5.
    nan = np.nan
    return pd.DataFrame(
        {
            "touchpoint": ["door", "till", "bag", "call", "none"],
            "stage": ["Visit", "Pay", "Pay", "After", "After"],
            "n": [10, 12, 8, 5, 0],
            "expected_mean": [5.0, 6.0, 4.0, 5.5, nan],
            "experienced_mean": [6.0, 4.0, 3.5, 5.0, nan],
            "gap_mean": [1.0, -2.0, -0.5, -0.5, nan],
            "gap_ci_low": [0.5, -2.5, -1.0, -1.5, nan],
            "gap_ci_high": [1.5, -1.2, 0.1, 0.5, nan],
            "shortfall_share": [0.1, 0.9, 0.6, 0.6, nan],
            "loss_adjusted_gap": [0.8, -4.4, -1.2, -1.3, nan],
            "recovery_debt": [0.0, 120.0, 50.0, 30.0, nan],
            "importance": [3.0, 5.0, 2.0, 4.0, 1.0],
            "quadrant": ["possible overkill", "concentrate here", "low priority",
                         "keep up the good work", nan],
        }
    )[list(GAP_COLUMNS)]  # fmt: skip


@pytest.fixture
def sweep():
    promise = np.array([12.0, 18.0, 24.0, 30.0, 36.0])
    value = np.array([150.0, 190.0, 230.0, 260.0, 240.0])
    return pd.DataFrame(
        {
            "promise": promise,
            "p_met": [0.05, 0.3, 0.7, 0.9, 0.97],
            "p_delight": [0.01, 0.1, 0.45, 0.75, 0.9],
            "mean_margin": promise - 21,
            "mean_shortfall": [9.0, 4.0, 1.0, 0.3, 0.1],
            "satisfaction": [-0.9, -0.4, 0.1, 0.3, 0.4],
            "conversion": [0.15, 0.13, 0.11, 0.1, 0.09],
            "retention": [0.12, 0.25, 0.45, 0.55, 0.6],
            "value_per_1000": value,
            "recommended": value == value.max(),
        }
    )


@pytest.fixture
def report(journey, gaps, sweep):
    return Report(
        journey=journey,
        gaps=gaps,
        ratings=35,
        respondents=12,
        created=date(2026, 9, 30),
        promise=journey.promises[0],
        sweep=sweep,
        filters=("segments: walk-in",),
    )


@pytest.fixture
def deck(report):
    return check.open_deck(slides.build_deck(report))


# The slides a reviewer expects, in order: title, map, bars, quadrant, shortfalls, sweep, roles.
MAP, BARS, QUADRANT, SHORTFALLS, SWEEP, FIRST_ROLE = 2, 3, 4, 5, 6, 7


def test_the_deck_is_16_by_9_with_one_slide_per_view_and_per_role(deck):
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, abs=1e-3)
    # title + map + bars + quadrant + shortfalls + sweep + greeter, cashier, -care
    assert len(deck.slides) == 9
    roles = [check.title(deck, n) for n in range(FIRST_ROLE, 10)]
    assert roles == ["For trainers: greeter", "For trainers: cashier", "For trainers: -care"]


def test_without_a_chosen_lever_there_is_no_sweep_slide(journey, gaps):
    report = Report(journey=journey.model_copy(update={"lever": None}), gaps=gaps, ratings=35)
    deck = check.open_deck(slides.build_deck(report))
    assert len(deck.slides) == 8
    assert not any("Exceed on" in check.title(deck, n) for n in range(2, 9))


def test_the_template_layouts_are_widened_so_new_slides_fit_too(deck):
    for layout in deck.slide_layouts:
        for shape in layout.placeholders:
            if shape.width is not None:
                assert shape.left + shape.width <= deck.slide_width
    title_only = deck.slide_layouts[5].placeholders[0]
    assert title_only.width / 914_400 > 11.5  # 9 in on 4:3, stretched by 4/3


def test_no_text_overflows_its_box_or_breaks_a_word(deck):
    assert check.overflowing(deck) == []
    assert check.outside_the_slide(deck) == []


def test_titles_are_at_least_28_pt_and_no_text_is_below_12_pt(deck):
    for number in range(1, len(deck.slides) + 1):
        runs = deck.slides[number - 1].shapes.title.text_frame.paragraphs[0].runs
        assert runs and all(run.font.size.pt >= 28 for run in runs)
    assert min(size for _, _, size in check.run_sizes(deck)) >= 12


def test_every_chart_is_native_and_uses_at_least_12_pt(deck):
    kinds = {
        number: [chart.chart_type for chart in check.slide_charts(deck, number)]
        for number in (MAP, BARS, QUADRANT, SWEEP)
    }
    # The experienced line has no markers of its own, so python-pptx reads the plot as LINE.
    assert kinds[MAP] in ([XL_CHART_TYPE.LINE], [XL_CHART_TYPE.LINE_MARKERS])
    assert kinds[BARS] == [XL_CHART_TYPE.BAR_CLUSTERED]
    assert kinds[QUADRANT] == [XL_CHART_TYPE.XY_SCATTER]
    assert len(kinds[SWEEP]) == 2
    for number in kinds:
        for chart in check.slide_charts(deck, number):
            sizes = native_charts.chart_font_sizes(chart)
            assert sizes and min(sizes) >= 12


def test_journey_map_series_are_the_gap_table_in_journey_order(deck, gaps):
    (chart,) = check.slide_charts(deck, MAP)
    series = {s.name: s.values for s in chart.plots[0].series}
    expected = tuple(None if np.isnan(v) else v for v in gaps["expected_mean"])
    experienced = tuple(None if np.isnan(v) else v for v in gaps["experienced_mean"])
    assert series["Expected"] == expected
    assert series["Experienced"] == experienced
    # The coloured markers split the experienced values by the sign of the gap.
    assert series["Falls short"] == (None, 4.0, 3.5, 5.0, None)
    assert series["Meets or exceeds"] == (6.0, None, None, None, None)
    categories = list(chart.plots[0].categories)
    assert shown_as("<script>alert(1)</script>", categories[0])
    assert shown_as(LONG_NAME, categories[3])


def test_journey_map_labels_each_stage_under_its_touchpoints(deck):
    text = check.slide_text(deck, MAP)
    for stage in ("Visit", "Pay", "After"):
        assert stage in text.split("\n")


def test_journey_map_colours_follow_the_app(deck):
    (chart,) = check.slide_charts(deck, MAP)
    series = list(chart.plots[0].series)
    colours = {s.name: s.format.line.color.rgb for s in series[:2]}
    assert colours == {"Expected": _rgb(EXPECTED), "Experienced": _rgb(EXPERIENCED)}
    markers = {s.name: s.marker.format.fill.fore_color.rgb for s in series[2:]}
    assert markers == {"Falls short": _rgb(SHORTFALL), "Meets or exceeds": _rgb(EXCEED)}


def test_gap_bars_are_worst_first_in_red_and_green_with_the_95_percent_interval(deck):
    (chart,) = check.slide_charts(deck, BARS)
    series = chart.plots[0].series[0]
    # Rated touchpoints by mean gap, ties in journey order; "none" has no ratings.
    assert series.values == (-2.0, -0.5, -0.5, 1.0)
    names = list(chart.plots[0].categories)
    assert shown_as(HYPERLINK, names[0]) and names[1] == "Bag"
    assert shown_as("<script>alert(1)</script>", names[3])
    fills = [series.points[i].format.fill.fore_color.rgb for i in range(4)]
    assert fills == [_rgb(SHORTFALL)] * 3 + [_rgb(EXCEED)]
    minus, plus = native_charts.error_bar_values(series)
    assert minus == pytest.approx([0.5, 0.5, 1.0, 0.5])  # gap − ci_low
    assert plus == pytest.approx([0.8, 0.6, 1.0, 0.5])  # ci_high − gap
    assert chart.category_axis.reverse_order  # first category drawn on top


def test_gap_bars_print_each_value_beside_its_bar(deck):
    text = check.slide_text(deck, BARS).split("\n")
    assert [t for t in text if t in {"−2.00", "−0.50", "+1.00"}] == [
        "−2.00",
        "−0.50",
        "−0.50",
        "+1.00",
    ]


def test_quadrant_places_touchpoints_by_performance_and_importance(deck):
    (chart,) = check.slide_charts(deck, QUADRANT)
    short, met, mean_x, mean_y = chart.plots[0].series
    assert list(short.iter_values()) == [5.0, 2.0, 4.0]  # importance of till, bag, call
    assert [float(v) for v in short._element.xpath("./c:xVal//c:v/text()")] == [4.0, 3.5, 5.0]
    assert list(met.iter_values()) == [3.0]
    x_mid = {float(v) for v in mean_x._element.xpath("./c:xVal//c:v/text()")}
    y_mid = set(mean_y.iter_values())
    assert x_mid == {4.625} and y_mid == {3.5}
    text = check.slide_text(deck, QUADRANT)
    assert "Concentrate here (1)" in text and "Keep up the good work (1)" in text


def test_top_shortfalls_table_lists_only_shortfalls_with_their_owner(deck):
    (table,) = check.slide_tables(deck, SHORTFALLS)
    header, *rows = table
    assert header[:4] == ["Touchpoint", "Stage", "Owner role", "Gap"]
    assert shown_as(HYPERLINK, rows[0][0]) and rows[1][0] == "Bag"
    assert shown_as(LONG_NAME, rows[2][0]) and rows[2][0].endswith("…")
    assert [row[2] for row in rows] == ["cashier", "cashier", "-care"]
    assert [row[3] for row in rows] == ["−2.00", "−0.50", "−0.50"]
    assert rows[0][4] == "−2.50 to −1.20"


def test_sweep_slide_charts_the_sweep_and_marks_the_recommended_promise(deck, sweep):
    share, value = check.slide_charts(deck, SWEEP)
    met = share.plots[0].series[0]
    assert list(met.iter_values()) == pytest.approx(list(sweep["p_met"]))
    line, recommended, _ = value.plots[0].series
    assert list(line.iter_values()) == pytest.approx(list(sweep["value_per_1000"]))
    assert list(recommended.iter_values()) == [260.0]
    assert "Recommended promise 30 h" in check.slide_text(deck, SWEEP).replace("\u00a0", " ")


def test_role_slides_list_the_roles_touchpoints_in_journey_order(deck):
    (table,) = check.slide_tables(deck, FIRST_ROLE + 1)  # cashier
    assert shown_as(HYPERLINK, table[1][0]) and table[2][0] == "Bag"
    assert [row[4] for row in table[1:]] == ["−2.00", "−0.50"]
    (bars,) = check.slide_charts(deck, FIRST_ROLE + 1)
    assert bars.plots[0].series[0].values == (-2.0, -0.5)  # the role's gaps, worst first


def test_user_text_is_written_as_text(deck, report):
    data = slides.build_deck(report)
    assert b"<script>" not in data  # the zip is compressed; check the parts themselves:
    for number in range(1, len(deck.slides) + 1):
        xml = deck.slides[number - 1].part.blob.decode()
        assert "<script>" not in xml and "<b>shop" not in xml
    assert "Tiny <b>shop</b>" in check.title(deck, 1)
    for number in (MAP, BARS):
        (chart,) = check.slide_charts(deck, number)
        sheet, strings = check.workbook_sheet(chart)
        assert check.formulas(sheet) == []
        assert '<t>=HYPERLINK("http' in strings


def test_the_embedded_workbook_keeps_a_formula_like_label_as_a_string():
    names = [HYPERLINK, "https://example.com", "Bag"]

    def workbook(data_class):
        data = data_class()
        data.categories = names
        data.add_series("Gap", [1.0, 2.0, 3.0])
        return data.xlsx_blob

    import io
    import zipfile

    from pptx.chart.data import CategoryChartData

    def sheet(blob):
        with zipfile.ZipFile(io.BytesIO(blob)) as xlsx:
            return xlsx.read("xl/worksheets/sheet1.xml").decode()

    # Plain python-pptx hands the label to XlsxWriter, which writes a live formula ...
    assert check.formulas(sheet(workbook(CategoryChartData))) != []
    # ... the deck's chart data keeps it, and the link, as text.
    text_only = sheet(workbook(native_charts.TextCategoryChartData))
    assert check.formulas(text_only) == [] and "hyperlink" not in text_only.lower()


def test_speaker_notes_carry_the_figures_and_their_definitions(deck):
    map_notes = check.notes(deck, MAP)
    assert "Gap = experienced − expected" in map_notes
    assert "expected 6.00, experienced 4.00, gap −2.00, n = 12" in map_notes
    assert "95 % interval −2.50 to −1.20" in check.notes(deck, BARS)
    shortfall_notes = check.notes(deck, SHORTFALLS)
    assert "λ = 2.25" in shortfall_notes and "Recovery debt" in shortfall_notes
    assert "recovery debt 120" in shortfall_notes
    assert "Martilla & James" in check.notes(deck, QUADRANT)
    assert "← recommended" in check.notes(deck, SWEEP)
    assert "walk-in" in check.notes(deck, 1)


def test_a_deck_without_ratings_still_builds(journey, gaps):
    empty = gaps.assign(
        n=0, **{c: np.nan for c in GAP_COLUMNS if c not in ("touchpoint", "stage", "n")}
    )
    deck = check.open_deck(slides.build_deck(Report(journey=journey, gaps=empty, ratings=0)))
    assert "No ratings yet" in check.slide_text(deck, MAP)
    assert check.overflowing(deck) == []


def test_a_long_journey_keeps_every_text_in_its_box(journey):
    stages = [f"Stage {i} with a long name" for i in range(8)]
    touchpoints = [
        {"id": f"tp{i}", "name": f"Touchpoint number {i} with an extraordinarily long name",
         "stage": stages[i % 8], "role": f"role {i % 3}"}
        for i in range(40)
    ]  # fmt: skip
    long_journey = parse_journey(
        {"name": "Long " * 30, "stages": stages, "touchpoints": touchpoints}
    )
    rng = np.random.default_rng(7)
    gap = rng.normal(0, 1, 40)
    gaps = pd.DataFrame(
        {
            "touchpoint": [tp.id for tp in long_journey.ordered_touchpoints()],
            "stage": [tp.stage for tp in long_journey.ordered_touchpoints()],
            "n": 30,
            "expected_mean": 5.0,
            "experienced_mean": 5.0 + gap,
            "gap_mean": gap,
            "gap_ci_low": gap - 0.4,
            "gap_ci_high": gap + 0.4,
            "shortfall_share": 0.5,
            "loss_adjusted_gap": gap * 1.5,
            "recovery_debt": 10.0,
            "importance": rng.uniform(1, 7, 40),
            "quadrant": "low priority",
        }
    )
    deck = check.open_deck(slides.build_deck(Report(journey=long_journey, gaps=gaps, ratings=1200)))
    assert check.overflowing(deck) == []
    assert check.outside_the_slide(deck) == []
    (bars,) = check.slide_charts(deck, BARS)
    assert len(bars.plots[0].series[0].values) == slides.MAX_BARS
    assert "all are in the notes" in check.slide_text(deck, BARS)


def test_a_gap_table_grouped_by_stage_is_refused(journey, gaps):
    grouped = gaps.rename(columns={"touchpoint": "group"})
    with pytest.raises(ValueError, match="touchpoint"):
        Report(journey=journey, gaps=grouped, ratings=35)


def shown_as(full: str, shown: str) -> bool:
    """`shown` is `full`, or its beginning cut with "…" to fit."""
    return shown == full or (shown.endswith("…") and full.startswith(shown[:-1].rstrip()))


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))
