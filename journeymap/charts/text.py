"""User text in a chart: shown as text, never markup; measured and wrapped in pixels."""

from __future__ import annotations

import html

import numpy as np

from journeymap.textfit import POINTS_PER_INCH, text_width

#: A line's ascent + descent and plotly's line pitch, as multiples of the font size.
LINE_HEIGHT = 1.17
LINE_PITCH = 1.3


def plain(text: object) -> str:
    """User text as plotly shows it literally (plotly reads a subset of HTML in labels)."""
    return html.escape(str(text), quote=False)


def text_px(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of one line at font size `size` pixels."""
    return text_width(text, size, bold=bold) * POINTS_PER_INCH


def two_lines(text: str, width: float, size: float) -> list[str]:
    """`text` on one line of about `width` pixels, or else split at the space that makes the
    two lines most even; a line is cut with "…" only beyond a fifth more than `width` (the
    hover has the whole name)."""
    words = text.split()
    most = width * 1.2
    widths = np.array([text_px(word, size) for word in words])
    space = text_px(" ", size)
    if len(words) <= 1 or widths.sum() + space * (len(words) - 1) <= width:
        return [ellipsized(" ".join(words), most, size)]
    before = np.cumsum(widths)[:-1] + space * np.arange(len(words) - 1)  # first k + 1 words
    after = widths.sum() + space * (len(words) - 1) - before - space  # the rest
    k = int(np.argmin(np.maximum(before, after)))
    if max(before[k], after[k]) > most:  # too long for even lines: fill the first, cut the rest
        k = max(int(np.searchsorted(before, most, side="right")) - 1, 0)
    lines = [" ".join(words[: k + 1]), " ".join(words[k + 1 :])]
    return [ellipsized(line, most, size) for line in lines]


def ellipsized(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """`text`, or its longest start that fits `width` pixels with "…" appended."""
    if text_px(text, size, bold=bold) <= width:
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits, text[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        if text_px(text[:middle].rstrip() + "…", size, bold=bold) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + "…"
