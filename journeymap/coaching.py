"""Coaching the front line: one role's touchpoints, worst gap first, framed as knowing / doing / being.

A trainer sits down with the baristas (or couriers, or receptionists) and goes through the
touchpoints they own, the ones where customers fell furthest short of what they expected first.
Each is framed with the three depths of service from the source articles (DOMAIN.md idea 9) —
*knowing* the standard, *doing*: adapting to this customer unasked, *being*: genuinely present —
and a transparent rule says which depth to start the conversation from. The actions agreed are
stored with who agreed them and when; `review_html` prints the whole review on one A4 page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from html import escape

import pandas as pd

from journeymap.analysis import Analysis
from journeymap.errors import InvalidInput, Problem
from journeymap.model import Dimension, Journey, Scale
from journeymap.store import Store
from journeymap.textfit import wrap_lines

__all__ = [
    "DIMENSION_DEPTH",
    "LARGE_GAP_SHARE",
    "MAX_ACTION_CHARS",
    "MAX_NAME_CHARS",
    "MAX_PRINTED",
    "MOST_FELL_SHORT",
    "AgreedAction",
    "CoachingItem",
    "Depth",
    "RoleReview",
    "agree_action",
    "front_line_roles",
    "review_html",
    "role_review",
    "start_depth",
]


class Depth(StrEnum):
    """Three depths of service (DOMAIN.md idea 9), shallowest first."""

    KNOWING = "knowing"
    DOING = "doing"
    BEING = "being"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    def question(self, touchpoint: str | None = None) -> str:
        """What to ask the front-liners at this depth, about `touchpoint` or about "here"."""
        place, moment = (f"at {touchpoint}", touchpoint) if touchpoint else ("here", "this moment")
        return _QUESTIONS[self].format(place=place, moment=moment)

    def deeper(self) -> Depth:
        members = list(Depth)
        return members[min(members.index(self) + 1, len(members) - 1)]


_MEANINGS = {
    Depth.KNOWING: "The standard process: the basic promise, kept every time.",
    Depth.DOING: "Adapting to this customer's needs without being asked.",
    Depth.BEING: "Genuinely present: reading when to talk and when not, from the customer's side.",
}
_QUESTIONS = {
    Depth.KNOWING: "What is our standard {place}, and does everyone on every shift keep it?",
    Depth.DOING: "What do customers {place} need without asking, and how do we adapt?",
    Depth.BEING: "How does {moment} feel from the customer's side: when to talk, when not?",
}

#: Where each SERVQUAL dimension's expectations are met (Parasuraman, Zeithaml & Berry 1988):
#: reliability ("perform the promised service dependably") and tangibles are the standard
#: itself; responsiveness and assurance (prompt help, competence that inspires trust) are the
#: standard adapted to this customer; empathy ("caring, individualised attention") is presence.
DIMENSION_DEPTH = {
    Dimension.TANGIBLES: Depth.KNOWING,
    Dimension.RELIABILITY: Depth.KNOWING,
    Dimension.RESPONSIVENESS: Depth.DOING,
    Dimension.ASSURANCE: Depth.DOING,
    Dimension.EMPATHY: Depth.BEING,
}
#: When at least this share of customers fell short, the basic promise is not being kept.
MOST_FELL_SHORT = 0.6
#: ... or when the mean gap is a shortfall of at least this share of the rating scale
#: (1.5 points on a 1–7 scale).
LARGE_GAP_SHARE = 0.25
#: A printed review lists at most this many touchpoints (worst first) so it fits one page
#: even when every one has an agreed action of the longest kind.
MAX_PRINTED = 6
#: An agreed action is a sentence or two a front-liner can remember, not an essay.
MAX_ACTION_CHARS = 200
MAX_OWNER_CHARS = 80
#: Longer touchpoint names are shortened on the printed page.
MAX_NAME_CHARS = 60


def front_line_roles(journey: Journey) -> list[str]:
    """The roles that own at least one touchpoint, alphabetically."""
    return sorted({tp.role for tp in journey.touchpoints if tp.role}, key=str.casefold)


def start_depth(
    *,
    dimension: Dimension | str | None,
    gap: float,
    shortfall_share: float,
    scale: Scale,
) -> tuple[Depth, str]:
    """Which depth to start from, and why, in one sentence a trainer can read out.

    1. No ratings: the depth the touchpoint's SERVQUAL dimension asks for (`DIMENSION_DEPTH`;
       knowing without a dimension).
    2. A shortfall that most customers felt (`MOST_FELL_SHORT`) or that is large
       (`LARGE_GAP_SHARE` of the scale): knowing — the basic promise is not kept yet.
    3. A smaller shortfall: the dimension's depth.
    4. Met or exceeded on average: one depth deeper than the dimension's — delight comes from
       the front-liners' finishing touches (DOMAIN.md idea 2).

    >>> start_depth(dimension="empathy", gap=-2.0, shortfall_share=0.8, scale=Scale())[0]
    <Depth.KNOWING: 'knowing'>
    """
    dimension = Dimension(dimension) if dimension else None
    base = DIMENSION_DEPTH[dimension] if dimension else Depth.KNOWING
    about = f"{dimension.value} asks for {base.value}" if dimension else "no SERVQUAL dimension"
    if math.isnan(gap):
        return base, f"No ratings yet; {about}."
    large = LARGE_GAP_SHARE * (scale.max - scale.min)
    if gap < 0 and (shortfall_share >= MOST_FELL_SHORT or gap <= -large):
        why = (
            f"{shortfall_share:.0%} fell short"
            if shortfall_share >= MOST_FELL_SHORT
            else f"a gap of {gap:+.1f} on the {scale.label()} scale"
        )
        return Depth.KNOWING, f"{why}: the basic promise is not kept yet."
    if gap < 0:
        return base, f"A smaller shortfall; {about}."
    deeper = base.deeper()
    if deeper is base:
        return base, f"Expectations met on average; {about}: keep it up."
    return deeper, f"Expectations met on average; go one depth beyond {base.value}."


# The review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreedAction:
    depth: str
    action: str
    owner: str
    author: str
    saved_at: datetime


@dataclass(frozen=True)
class CoachingItem:
    """One touchpoint of the role, its figures, the depth to start from and what was agreed."""

    touchpoint: str
    name: str
    stage: str
    dimension: str | None
    n: int
    expected: float
    experienced: float
    gap: float
    shortfall_share: float
    visits: float
    priority: float
    priority_share: float
    start: Depth
    reason: str
    agreed: AgreedAction | None = None
    earlier: tuple[AgreedAction, ...] = ()

    @property
    def rated(self) -> bool:
        return self.n > 0


@dataclass(frozen=True)
class RoleReview:
    journey_id: str
    journey_name: str
    role: str
    scale: Scale
    items: tuple[CoachingItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def ratings(self) -> int:
        return sum(item.n for item in self.items)


def role_review(analysis: Analysis, actions: pd.DataFrame, *, role: str) -> RoleReview:
    """The touchpoints `role` owns, worst mean gap first (unrated last), with agreed actions.

    `analysis` is `journeymap.analysis.analyse` (not narrowed by role); `actions` is
    `Store.coaching_actions` — with `history=True` the older actions come along as `earlier`.
    Ties in the gap go to the higher priority (visits × importance × shortfall).
    """
    journey = analysis.journey
    gaps = analysis.gaps.merge(
        analysis.priority[["touchpoint", "visits", "priority", "priority_share"]],
        on="touchpoint",
        how="left",
    )
    owned = gaps[gaps["role"] == role]
    if owned.empty:
        raise InvalidInput.single(
            journey.id,
            "role",
            f"no touchpoint is owned by {role!r}; the roles are "
            + (", ".join(front_line_roles(journey)) or "not set yet"),
        )
    owned = owned.sort_values(
        ["gap_mean", "priority"], ascending=[True, False], na_position="last", kind="stable"
    )
    agreed = _actions_by_touchpoint(actions)
    items = []
    for row in owned.itertuples(index=False):
        depth, reason = start_depth(
            dimension=row.dimension,
            gap=float(row.gap_mean),
            shortfall_share=float(row.shortfall_share),
            scale=journey.scale,
        )
        history = agreed.get(row.touchpoint, ())
        items.append(
            CoachingItem(
                touchpoint=row.touchpoint,
                name=row.name,
                stage=row.stage,
                dimension=row.dimension or None,
                n=int(row.n),
                expected=float(row.expected_mean),
                experienced=float(row.experienced_mean),
                gap=float(row.gap_mean),
                shortfall_share=float(row.shortfall_share),
                visits=float(row.visits),
                priority=float(row.priority),
                priority_share=float(row.priority_share),
                start=depth,
                reason=reason,
                agreed=history[0] if history else None,
                earlier=tuple(history[1:]),
            )
        )
    return RoleReview(
        journey_id=journey.id,
        journey_name=journey.name,
        role=role,
        scale=journey.scale,
        items=tuple(items),
        notes=analysis.filters.describe(),
    )


def _actions_by_touchpoint(actions: pd.DataFrame) -> dict[str, tuple[AgreedAction, ...]]:
    if actions.empty:
        return {}
    newest_first = actions.sort_values("saved_at", ascending=False, kind="stable")
    found: dict[str, list[AgreedAction]] = {}
    for row in newest_first.itertuples(index=False):
        found.setdefault(row.touchpoint, []).append(
            AgreedAction(
                depth=row.depth,
                action=row.action,
                owner=row.owner,
                author=row.author,
                saved_at=pd.Timestamp(row.saved_at).to_pydatetime(),
            )
        )
    return {touchpoint: tuple(history) for touchpoint, history in found.items()}


def agree_action(
    store: Store,
    journey: Journey,
    touchpoint: str,
    *,
    action: str,
    depth: Depth | str,
    owner: str = "",
    author: str = "",
) -> None:
    """Store the action agreed for `touchpoint`; problems name the field and nothing is saved."""
    action, owner, author = action.strip(), owner.strip(), author.strip()
    try:
        place = journey.touchpoint(touchpoint).name
    except KeyError:
        raise InvalidInput.single(
            journey.id, "touchpoint", f"{touchpoint!r} is not a touchpoint"
        ) from None
    problems = []
    if not action:
        problems.append(Problem("action", "write down what was agreed"))
    elif len(action) > MAX_ACTION_CHARS:
        problems.append(
            Problem("action", f"is {len(action):,} characters; keep it to {MAX_ACTION_CHARS}")
        )
    if depth not in set(Depth):
        problems.append(Problem("depth", f"{depth!r} is not one of knowing, doing, being"))
    for field, text in (("owner", owner), ("your name", author)):
        if len(text) > MAX_OWNER_CHARS:
            problems.append(Problem(field, f"is longer than {MAX_OWNER_CHARS} characters"))
    if problems:
        raise InvalidInput(f"agreed action for {place}", problems)
    store.save_coaching_action(
        journey.id, touchpoint, action=action, depth=str(Depth(depth)), owner=owner, author=author
    )


# Printable one-page review --------------------------------------------------------------------

_DEPTH_COLOURS = {Depth.KNOWING: "#1F5FA8", Depth.DOING: "#B86E00", Depth.BEING: "#7A3E9D"}
_SHORTFALL, _EXCEED, _MUTED = "#C62E3A", "#23894F", "#5B6778"
#: A4 landscape is 210 mm high; less the 2 × 10 mm page margins, the heading, the depth
#: legend, the table header, the "…and N more" line and the sign-off lines (46 mm measured in
#: Chromium), this is what the rows may take.
_TABLE_HEIGHT_MM = 142.0
_MM_PER_INCH = 25.4
_MM_PER_POINT = 25.4 / 72
_LINE_SPACING = 1.3
_NAME_MM, _START_MM, _ACTION_MM = 43.4, 70.7, 81.6
_BLANK_MM, _ROW_PADDING_MM = 5.5, 3.2
_PRINTED_WHO_CHARS = 24
#: Lines' worth of the small gaps between a cell's blocks.
_MARGINS = 0.3
_FONT_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5)
_ACTION_BUDGETS = (MAX_ACTION_CHARS, 150, 100, 60)


def review_html(review: RoleReview, *, printed: date | None = None) -> str:
    """A one-page A4 landscape review to print or hand out; every user text is escaped.

    At most `MAX_PRINTED` touchpoints (the worst) are listed; the font shrinks with the amount
    of text so that the page stays one page.
    """
    items = review.items[:MAX_PRINTED]
    left_out = len(review.items) - len(items)
    font, limit = _layout(items)
    printed = printed or date.today()
    notes = " · ".join(
        [
            f"{review.ratings:,} ratings on a {review.scale.label()} scale",
            *review.notes,
            f"printed {printed:%d %b %Y}",
        ]
    )
    rows = "\n".join(_row(i, item, limit) for i, item in enumerate(items, start=1))
    if not rows:
        rows = '<tr><td colspan="7">No touchpoints.</td></tr>'
    more = (
        f'<p class="more">…and {left_out} more touchpoint{"s" if left_out > 1 else ""} with '
        "smaller gaps: see the app.</p>"
        if left_out
        else ""
    )
    legend = "\n".join(
        f'<div class="depth" style="border-color:{_DEPTH_COLOURS[d]}">'
        f"<b>{d.value.capitalize()}</b> {escape(d.meaning)}</div>"
        for d in Depth
    )
    title = f"{review.journey_name}: coaching review for the {review.role}"
    return _TEMPLATE.format(
        title=escape(title),
        font=f"{font:g}",
        role=escape(review.role),
        journey=escape(review.journey_name),
        notes=escape(notes),
        legend=legend,
        rows=rows,
        more=more,
        shortfall=_SHORTFALL,
        exceed=_EXCEED,
        muted=_MUTED,
    )


def _row(number: int, item: CoachingItem, limit: int) -> str:
    colour = _DEPTH_COLOURS[item.start]
    name = _clip(item.name, MAX_NAME_CHARS)
    visits = f"{item.visits:,.0f}"
    if item.rated:
        tone = "short" if item.gap < 0 else "exceed"
        gap = (
            f'<span class="gap {tone}">{item.gap:+.1f}</span>'
            f'<span class="small">{item.expected:.1f} → {item.experienced:.1f}</span>'
        )
        short = f"{item.shortfall_share:.0%}"
    else:
        gap, short = '<span class="small">not rated</span>', "–"
    start = (
        f'<b style="color:{colour}">{item.start.value.capitalize()}</b> '
        f'<span class="small">{escape(item.reason)}</span>'
        f'<div class="question">{escape(item.start.question())}</div>'
    )
    if item.agreed:
        agreed = item.agreed
        owner = (
            f" · owner: {escape(_clip(agreed.owner, _PRINTED_WHO_CHARS))}" if agreed.owner else ""
        )
        by = f" by {escape(_clip(agreed.author, _PRINTED_WHO_CHARS))}" if agreed.author else ""
        action = (
            f'<b style="color:{_DEPTH_COLOURS.get(Depth(agreed.depth), _MUTED)}">'
            f"{escape(agreed.depth.capitalize())}</b> {escape(_clip(agreed.action, limit))}"
            f'<div class="small">agreed {agreed.saved_at:%d %b %Y}{by}{owner}</div>'
        )
    else:
        action = '<div class="blank"></div><div class="blank"></div>'
    where = escape(item.stage) + (f" · {escape(item.dimension)}" if item.dimension else "")
    return (
        f'<tr><td class="num">{number}</td>'
        f'<td><b>{escape(name)}</b><div class="small">{where}</div></td>'
        f'<td class="fig">{gap}</td><td class="fig">{short}</td><td class="fig">{visits}</td>'
        f"<td>{start}</td><td>{action}</td></tr>"
    )


def _clip(text: str, limit: int = MAX_ACTION_CHARS) -> str:
    # Actions saved before the limit existed (or through the store directly) may be longer;
    # a 200-character touchpoint name would take a third of the page.
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layout(items: tuple[CoachingItem, ...]) -> tuple[float, int]:
    """The largest font, and the longest action text, at which the rows fit the page.

    Actions are shortened (with "…"; the app keeps them whole) only when even the smallest
    font does not fit — a page of the longest actions in the widest letters.
    """
    for limit in _ACTION_BUDGETS:
        for size in _FONT_SIZES:
            if sum(_row_height(item, size, limit) for item in items) <= _TABLE_HEIGHT_MM:
                return size, limit
    return _FONT_SIZES[-1], _ACTION_BUDGETS[-1]


def _row_height(item: CoachingItem, size: float, limit: int = MAX_ACTION_CHARS) -> float:
    """Estimated printed height of a row in mm: its tallest cell's wrapped lines, plus padding.

    Lines are wrapped with DejaVu Sans' advance widths (`textfit`), the font the page asks for;
    the widths are the template's columns of a 273 mm table, less 3 mm of padding.
    """

    def lines(text: str, width_mm: float, scale: float = 1.0, *, bold: bool = False) -> float:
        # Italic DejaVu is a little wider than the regular widths `textfit` knows.
        wrapped = wrap_lines(text, size * scale * 1.05, width_mm / _MM_PER_INCH, bold=bold)
        return len(wrapped) * scale

    name = _clip(item.name, MAX_NAME_CHARS)
    start = (
        1 + lines(item.reason, _START_MM, 0.8) + lines(item.start.question(), _START_MM) + _MARGINS
    )
    if item.agreed:
        agreed = item.agreed
        meta = f"agreed 30 Sep 2026 by {_clip(agreed.author, _PRINTED_WHO_CHARS)} · owner: {_clip(agreed.owner, _PRINTED_WHO_CHARS)}"
        action = lines(f"{agreed.depth.capitalize()} {_clip(agreed.action, limit)}", _ACTION_MM)
        action += lines(meta, _ACTION_MM, 0.8) + _MARGINS
    else:
        action = 2 * _BLANK_MM / (size * _LINE_SPACING * _MM_PER_POINT)
    where = f"{item.stage} · {item.dimension or ''}"
    touchpoint = lines(name, _NAME_MM, bold=True) + lines(where, _NAME_MM, 0.8) + _MARGINS
    tallest = max(start, action, touchpoint)
    return tallest * size * _LINE_SPACING * _MM_PER_POINT + _ROW_PADDING_MM


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4 landscape; margin: 10mm 12mm; }}
* {{ box-sizing: border-box; }}
html {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: {font}pt; color: #1E2430; }}
body {{ margin: 0; }}
.sheet {{ width: 273mm; }}
header {{ display: flex; justify-content: space-between; align-items: baseline; gap: 6mm;
  border-bottom: 0.6mm solid #1E2430; padding-bottom: 1.5mm; }}
h1 {{ font-size: 17pt; margin: 0; }}
h1 .role {{ color: {muted}; font-weight: normal; }}
.notes {{ font-size: 8.5pt; color: {muted}; text-align: right; }}
.legend {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; margin: 2.5mm 0;
  font-size: 9pt; }}
.depth {{ border-left: 1.2mm solid; padding: 0.5mm 2mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th {{ text-align: left; font-size: 8pt; text-transform: uppercase; letter-spacing: 0.03em;
  color: {muted}; border-bottom: 0.4mm solid #1E2430; padding: 1mm 1.5mm;
  vertical-align: bottom; }}
th.fig {{ white-space: normal; }}
td {{ vertical-align: top; padding: 1.5mm; border-bottom: 0.2mm solid #C9CED6;
  overflow-wrap: anywhere; line-height: 1.3; }}
tr {{ break-inside: avoid; }}
.num {{ color: {muted}; font-weight: bold; }}
.fig {{ text-align: right; white-space: nowrap; }}
.gap {{ display: block; font-weight: bold; font-size: 1.15em; }}
.gap.short {{ color: {shortfall}; }}
.gap.exceed {{ color: {exceed}; }}
.small {{ display: block; font-size: 0.8em; color: {muted}; }}
td .small {{ margin-top: 0.3mm; }}
.question {{ font-style: italic; margin-top: 0.8mm; }}
.blank {{ border-bottom: 0.2mm dotted #8A93A3; height: 5.5mm; }}
.more {{ font-size: 8.5pt; color: {muted}; margin: 1.5mm 0 0; }}
footer {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 8mm; margin-top: 5mm;
  font-size: 9pt; color: {muted}; }}
footer div {{ border-top: 0.2mm solid #8A93A3; padding-top: 1mm; }}
@media screen {{
  body {{ background: #E9ECF0; padding: 6mm 0; }}
  .sheet {{ background: white; margin: 0 auto; padding: 10mm 12mm; width: 297mm;
    max-width: calc(100% - 4mm); min-height: 210mm;
    box-shadow: 0 1mm 4mm rgba(0, 0, 0, 0.15); }}
}}
</style>
</head>
<body>
<div class="sheet">
<header>
<h1>{journey} <span class="role">· coaching review for the {role}</span></h1>
<div class="notes">{notes}</div>
</header>
<div class="legend">
{legend}
</div>
<table>
<colgroup>
<col style="width:3%"><col style="width:17%"><col style="width:8%"><col style="width:7%">
<col style="width:7%"><col style="width:27%"><col style="width:31%">
</colgroup>
<thead><tr><th>#</th><th>Touchpoint</th><th class="fig">Gap</th><th class="fig">Fell short</th>
<th class="fig">Visits / 1,000</th><th>Start at</th><th>Agreed action</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{more}
<footer><div>Reviewed with</div><div>Trainer</div><div>Next review on</div></footer>
</div>
</body>
</html>
"""
