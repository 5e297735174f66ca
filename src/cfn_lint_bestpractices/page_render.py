"""A rule page (rules/<ID>.md) rendered for a terminal: headings (their `#` markers kept), paragraphs and
list items wrapped to the width, code blocks printed exactly as they are in the page (so that an example
can be copied into a template), option tables as one wrapped entry per row. Plain text unless `color` is
asked for.

Only the markdown the pages use is understood: `#`/`##` headings, paragraphs, `*`/`-`/`1.` list items
(with indented continuation lines), fenced code blocks, pipe tables, `**bold**`, `` `code` `` and
`[text](url)` links.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from typing import IO

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
MAX_WIDTH = 100  # wider terminals still get lines a reader can follow

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"

_FENCE = re.compile(r"^```(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(\s*)([*-]|\d+[.)])\s+(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def terminal_width(stream: IO[str] | None = None) -> int:
    """COLUMNS when set, else the terminal's width when `stream` is one, else 100; kept within 40..100."""
    stream = sys.stdout if stream is None else stream
    width = None
    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit():
        width = int(columns)
    elif _isatty(stream):
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, width or DEFAULT_WIDTH))


def use_color(stream: IO[str] | None = None) -> bool:
    """Escape codes only for a terminal, and not when NO_COLOR is set or TERM is dumb."""
    stream = sys.stdout if stream is None else stream
    return _isatty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def inline(text: str) -> str:
    """Markdown inline markup as plain text: bold markers dropped, links as `text <url>`; backticks are
    kept, they tell property names and values from prose."""
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} <{m.group(2)}>", text)
    return _BOLD.sub(r"\1", text)


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    # Words are never split: a URL or a long property path longer than the width stays whole on a line.
    return textwrap.wrap(inline(text), width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _table(rows: list[str], width: int) -> list[str]:
    """A pipe table as one entry per row: the first cell, then `header: value` for the others."""
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    header, body = cells[0], [r for r in cells[1:] if not all(re.fullmatch(r":?-+:?", c) for c in r)]
    out: list[str] = []
    for row in body:
        rest = "; ".join(f"{h}: {c}" for h, c in zip(header[1:], row[1:]) if c)
        out += _wrap(f"{row[0]} - {rest}" if rest else row[0], width, "* ", "  ")
    return out


def render(markdown: str, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """The page as terminal text, no line wider than `width` except code lines that are wider in the page."""
    lines = markdown.splitlines()
    out: list[str] = []

    def blank() -> None:
        if out and out[-1] != "":
            out.append("")

    def styled(text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if color else text

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            info = fence.group(1).split()
            j = i + 1
            code = []
            while j < len(lines) and not lines[j].startswith("```"):
                code.append(lines[j])
                j += 1
            blank()
            # a rule line above and below sets the block off from the prose, since it is not indented
            if len(info) > 1:  # ```yaml bad: the kind of example is worth saying
                label = f"-- {info[1]} example ({info[0]}) "
            elif info:
                label = f"-- {info[0]} "
            else:
                label = ""
            rule = min(width, 60)
            out.append(styled(label + "-" * max(0, rule - len(label)), DIM))
            out += code  # as they are: wrapping or indenting would change what a copy of them means
            out.append(styled("-" * rule, DIM))
            blank()
            i = j + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            # the markers stay: "# E9605: ..." and "## Why" read as headings in plain text too
            marks = heading.group(1) + " "
            blank()
            out += [styled(w, BOLD) for w in _wrap(heading.group(2).strip(), width, marks, " " * len(marks))]
            out.append("")
            i += 1
            continue
        if line.lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            blank()
            out += _table(lines[i:j], width)
            blank()
            i = j
            continue
        if not line.strip():
            blank()
            i += 1
            continue
        item = _ITEM.match(line)
        if item:
            indent, marker, text = item.groups()
            depth = len(indent.expandtabs(4)) // 2
            bullet = "* " if marker in "*-" else f"{marker} "
            pad = "  " * depth
            j = i + 1
            # continuation lines: indented, and neither a new item nor a fence
            while (j < len(lines) and lines[j].strip() and lines[j][:1] in " \t"
                   and not _ITEM.match(lines[j]) and not lines[j].lstrip().startswith("```")):
                text += " " + lines[j].strip()
                j += 1
            out += _wrap(text, width, pad + bullet, pad + " " * len(bullet))
            i = j
            continue
        j = i + 1
        text = line.strip()
        while (j < len(lines) and lines[j].strip() and not _FENCE.match(lines[j]) and not _HEADING.match(lines[j])
               and not _ITEM.match(lines[j]) and not lines[j].lstrip().startswith("|")):
            text += " " + lines[j].strip()
            j += 1
        out += _wrap(text, width)
        i = j
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def code_lines(markdown: str) -> set[str]:
    """The lines inside the page's fenced code blocks (the only lines `render` leaves unwrapped)."""
    found, inside = set(), False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            found.add(line)
    return found


def page_text(rule_id: str) -> str:
    """A rule's page: shipped in the package (cfn_lint_bestpractices.pages), or, in an editable
    install that does not map that package, read from the checkout's rules/ folder."""
    from importlib import resources
    from pathlib import Path

    try:
        return resources.files("cfn_lint_bestpractices.pages").joinpath(f"{rule_id}.md").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parents[2] / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")
