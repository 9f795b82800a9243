"""A tiny, safe text format for help pages and the school's rules.

The portal manager writes plain text with a few marks:

    ## Heading          (### for a smaller one)
    - item              (a bulleted list; "1. item" for a numbered list)
    **bold**, *italic*, [link text](https://…) and [mail us](mailto:…)

An empty line starts a new paragraph. A few HTML tags are allowed as well. Whatever
is written, the result passes through nh3 with a short allow-list, on save and again
on output, so scripts, event handlers and `javascript:` links never reach a page.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "blockquote",
    "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _inline(text: str) -> str:
    text = _LINK.sub(r'<a href="\2">\1</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def _block(lines: list[str]) -> str:
    first = lines[0]
    heading = _HEADING.match(first)
    if heading and len(lines) == 1:
        level = 3 if len(heading.group(1)) == 3 else 2  # the page title is the h1
        return f"<h{level}>{_inline(heading.group(2))}</h{level}>"
    if all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    if all(_NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>" for line in lines)
        return f"<ol>{items}</ol>"
    if first.lstrip().startswith("<"):
        return "\n".join(lines)  # written as HTML; the sanitiser decides what stays
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def _blocks(text: str) -> list[list[str]]:
    """Split into blocks at empty lines; a heading line is always a block of its own."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        elif _HEADING.match(line):
            if current:
                blocks.append(current)
            blocks.append([line])
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def render_text(text: str) -> str:
    """The sanitised HTML for a text in the tiny format."""
    return sanitize("\n".join(_block(lines) for lines in _blocks(text or "")))


def plain_text(html: str) -> str:
    """The words of a rendered text, for searching."""
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
