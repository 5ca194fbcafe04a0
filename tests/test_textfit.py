"""Text fitting: widths match the real font, text shrinks before it is cut, and words stay whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from journeymap import textfit

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_widths_match_dejavu_sans_measured_by_pillow(bold):
    font_file = DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not font_file.exists():
        pytest.skip(f"{font_file} is not installed")
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_file), 1000)
    rng = np.random.default_rng(3)
    alphabet = [chr(c) for c in range(32, 127)]
    for _ in range(50):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(1, 40))))
        measured_em = font.getlength(text) / 1000
        # 72 pt is one inch, so at 72 pt the width in inches is the width in ems.
        estimated_em = textfit.text_width(text, 72, bold=bold)
        # Kerning only ever narrows a string; the estimate may be wider, never narrower.
        assert measured_em * 0.995 <= estimated_em <= measured_em * 1.03 + 0.01, text


def test_characters_outside_the_table_are_not_underestimated():
    assert textfit.text_width("中", 72) == 1.0
    assert textfit.text_width("é", 72) >= textfit.text_width("e", 72)


def test_wrapping_breaks_at_spaces_and_inside_a_word_only_when_it_must():
    lines = textfit.wrap_lines("Hello world this is a test", 14, 1.0)
    assert all(textfit.text_width(line, 14) <= 1.0 for line in lines)
    assert " ".join(lines) == "Hello world this is a test"
    long_word = textfit.wrap_lines("Supercalifragilistic", 14, 0.8)
    assert len(long_word) > 1 and "".join(long_word) == "Supercalifragilistic"


def test_text_that_fits_keeps_its_size():
    fitted = textfit.fit_text("Sales consultant", width_in=3, height_in=0.5, size_pt=20)
    assert fitted == textfit.Fitted("Sales consultant", 20)


def test_text_shrinks_before_a_word_is_broken():
    # "Experienced" in bold is 1.35 in at 14 pt, 1.25 in at 13 pt: a 1.32 in cell, 4 % of
    # which is kept free, takes 13 pt.
    fitted = textfit.fit_text(
        "Experienced", width_in=1.32, height_in=0.5, size_pt=14, min_size_pt=12, bold=True
    )
    assert fitted.size_pt == 13 and not fitted.truncated


def test_text_too_long_at_the_smallest_size_is_cut_with_an_ellipsis():
    text = "A very long touchpoint name that needs three lines at least"
    fitted = textfit.fit_text(text, width_in=1.5, height_in=0.25, size_pt=14, min_size_pt=12)
    assert fitted.truncated and fitted.size_pt == 12 and fitted.text.endswith("…")
    assert text.startswith(fitted.text[:-1])
    usable = 1.5 * textfit.WIDTH_SAFETY
    assert textfit.fits(fitted.text, size_pt=12, width_in=usable, height_in=0.25)
    # One more character would not fit.
    longer = text[: len(fitted.text)].rstrip() + "…"
    assert not textfit.fits(longer, size_pt=12, width_in=usable, height_in=0.25)


def test_a_word_longer_than_a_line_at_the_smallest_size_is_broken_not_dropped():
    url = '=HYPERLINK("http://evil.example","click")'
    fitted = textfit.fit_text(url, width_in=2.0, height_in=1.0, size_pt=14, min_size_pt=12)
    assert fitted.text == url and fitted.size_pt == 12


def test_a_box_too_small_for_one_line_gets_no_text():
    assert textfit.fit_text("Anything", width_in=2, height_in=0.05, size_pt=12).text == ""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n", id="only-newlines"),
        pytest.param("x" * 500, id="one-huge-word"),
        pytest.param("line\n" * 40, id="many-paragraphs"),
    ],
)
def test_fitting_odd_text_always_ends_inside_the_box(text):
    fitted = textfit.fit_text(text, width_in=2.0, height_in=0.6, size_pt=16, min_size_pt=12)
    assert textfit.fits(fitted.text, size_pt=fitted.size_pt, width_in=2.0, height_in=0.6,
                        break_words=True)  # fmt: skip
