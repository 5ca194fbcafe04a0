"""User text in Streamlit's Markdown: shown exactly as typed, never as formatting or links.

Titles, messages and captions are Markdown in Streamlit (with its own `:red[…]` and
`:material/…:` directives). A touchpoint named `*Sale* [here](http://x)` or `:red[fake]` must
read as those characters, so every piece of user text put into Markdown goes through `plain`.
Only what can change the rendering is escaped, so messages stay readable in tests and logs.
"""

from __future__ import annotations

import re

#: Inline markup anywhere: emphasis, code, links and images (via the brackets), HTML, maths,
#: tables, strike-through, entities.
_INLINE = re.compile(r"([\\`*_\[\]{}<>|~$&])")
#: Streamlit directives and shortcodes start with a colon before a letter (`:red[`, `:smile:`).
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")
#: Block markers only count at the start of a line: headings, quotes, lists, rules.
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))", re.MULTILINE)


def plain(text: object) -> str:
    r"""`text` escaped for Markdown.

    >>> plain("*Sale* :red[now] in branch.csv: row 3")
    '\\*Sale\\* \\:red\\[now\\] in branch.csv: row 3'
    >>> plain("- 1. not a list")
    '\\- 1. not a list'
    """
    escaped = _INLINE.sub(r"\\\1", str(text))
    escaped = _DIRECTIVE.sub(r"\\:", escaped)
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    # "12." starts an ordered list: escaping the dot would need a look-ahead; a backslash
    # before the number's last digit is not an escape, so put it before the dot instead.
    if marker.isdigit():
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"
