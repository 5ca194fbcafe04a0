"""How much room text needs on a slide, and how to make it fit (shrink, then truncate with "…").

Slides are opened in PowerPoint (Calibri), in LibreOffice (often without Calibri, falling back
to DejaVu Sans) and in Keynote. We measure with DejaVu Sans' advance widths, the widest of those
fonts, so text that fits here fits everywhere. The widths are a table, not a font file, so the
answer is the same on every machine.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Advance widths of DejaVu Sans (regular, bold) for the printable ASCII characters 32–126,
#: in thousandths of an em (measured with Pillow from DejaVuSans.ttf / DejaVuSans-Bold.ttf).
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 "
    "636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 "
    "748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 "
    "615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 "
    "337 636 838"
)
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 "
    "696 696 696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 "
    "837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 "
    "678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 "
    "365 712 838"
)
_WIDTHS = {
    bold: {chr(32 + i): int(w) / 1000 for i, w in enumerate(table.split())}
    for bold, table in ((False, _REGULAR), (True, _BOLD))
}
#: Other characters: accented Latin, dashes and symbols are at most this wide; CJK is 1 em.
_OTHER_WIDTH = 0.85
_WIDE_WIDTH = 1.0
#: Line pitch as a multiple of the font size (PowerPoint's single spacing is about 1.2).
LINE_SPACING = 1.2
ELLIPSIS = "…"
#: Renderers space and hint glyphs a little differently; fitting leaves this share of a line
#: unused so text that fits here does not wrap there.
WIDTH_SAFETY = 0.96
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Fitted:
    """Text as it will be written, and the font size that makes it fit its box."""

    text: str
    size_pt: float
    truncated: bool = False


def text_width(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width in inches of one line of `text` at `size_pt`."""
    widths = _WIDTHS[bold]
    ems = sum(widths.get(ch) or _char_width(ch) for ch in text)
    return ems * size_pt / POINTS_PER_INCH


def line_height(size_pt: float) -> float:
    """Height in inches of one line at `size_pt`."""
    return size_pt * LINE_SPACING / POINTS_PER_INCH


def wrap_lines(text: str, size_pt: float, width_in: float, *, bold: bool = False) -> list[str]:
    """Lines as a renderer wraps them: at spaces, and inside a word longer than the line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size_pt, bold=bold) <= width_in:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if line and text_width(line + ch, size_pt, bold=bold) > width_in:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return lines


def text_height(
    text: str, size_pt: float, width_in: float, *, bold: bool = False, spacing: float = 1.0
) -> float:
    """Height in inches that `text` needs when wrapped to `width_in`."""
    return len(wrap_lines(text, size_pt, width_in, bold=bold)) * line_height(size_pt) * spacing


def fits(
    text: str,
    *,
    size_pt: float,
    width_in: float,
    height_in: float,
    bold: bool = False,
    break_words: bool = False,
) -> bool:
    """True when `text`, wrapped at `width_in`, needs no more than `height_in`; unless
    `break_words`, also no word may be wider than a line ("Experience-d" reads as a typo)."""
    if not break_words:
        longest = max((text_width(w, size_pt, bold=bold) for w in text.split()), default=0.0)
        if longest > width_in + 1e-9:
            return False
    return text_height(text, size_pt, width_in, bold=bold) <= height_in + 1e-9


def fit_text(
    text: str,
    *,
    width_in: float,
    height_in: float,
    size_pt: float,
    min_size_pt: float | None = None,
    bold: bool = False,
) -> Fitted:
    """The largest size from `size_pt` down to `min_size_pt` at which `text` fits; if none
    does, the longest prefix that fits at `min_size_pt` with "…" appended.

    >>> fit_text("Sales consultant", width_in=3, height_in=0.5, size_pt=20).size_pt
    20
    >>> fit_text("A very long touchpoint name", width_in=1, height_in=0.25, size_pt=14).text
    'A very l…'
    """
    floor = size_pt if min_size_pt is None else min_size_pt
    box = {"width_in": width_in * WIDTH_SAFETY, "height_in": height_in, "bold": bold}
    size = size_pt
    while True:
        if fits(text, size_pt=size, **box):
            return Fitted(text, size)
        if size - 1 < floor:
            break
        size -= 1
    size = floor
    # A word longer than a whole line at the smallest size is broken, as any renderer would.
    if fits(text, size_pt=size, break_words=True, **box):
        return Fitted(text, size)

    def fits_prefix(n: int) -> bool:
        candidate = text[:n].rstrip() + ELLIPSIS
        return fits(candidate, size_pt=size, break_words=True, **box)

    if not fits_prefix(0):  # not even "…": the box is too small for one line
        return Fitted("", size, truncated=True)
    low, high = 0, len(text)  # fits_prefix(low) holds, fits_prefix(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        if fits_prefix(middle):
            low = middle
        else:
            high = middle
    return Fitted(text[:low].rstrip() + ELLIPSIS, size, truncated=True)


def _char_width(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE_WIDTH
    if unicodedata.combining(ch):
        return 0.0
    return _OTHER_WIDTH
