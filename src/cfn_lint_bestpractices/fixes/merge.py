"""Keep the user's text: apply the difference between two renderings of a document to the original.

A round-trip library keeps comments, order and tags, but not every byte (a re-indented list, a
re-quoted scalar). So the fixed document is rendered twice, before and after the edits (`base` and
`new`), and only the lines that differ between those two replace the matching lines of the user's
`text`. Where base and text disagree around a change, the change widens to the nearest lines all
three share; everywhere else the user's lines stay as they were, byte for byte.
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from typing import Any


def _equal_map(a: list[str], b: list[str]) -> dict[int, int]:
    found = {}
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            found[block.a + k] = block.b + k
    return found


def three_way(text: str, base: str, new: str) -> str:
    """`text` with the change from `base` to `new` applied (all three with "\\n" line ends)."""
    if base == new:
        return text
    t, b, n = text.splitlines(keepends=True), base.splitlines(keepends=True), new.splitlines(keepends=True)
    _ensure_newline(t)
    _ensure_newline(b)
    _ensure_newline(n)
    # the user's line for each base line: the same words, whatever the indentation and spacing (a file
    # indents some lists differently from the rendering; those lines are still the same lines)
    bt = _equal_map([_squash(x) for x in b], [_squash(x) for x in t])
    bn = _equal_map(b, n)
    scalars = _ScalarLines(text)
    # each change from base to new, as (text lines to replace, lines of new to put there, the indentation
    # to move inserted lines by, the base lines of the region)
    edits: list[list[int]] = []  # [t_lo, t_hi, n_lo, n_hi, delta, b_lo, b_hi]
    for tag, lo, hi, j1, j2 in SequenceMatcher(None, b, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if lo == hi and (lo == 0 or lo - 1 in bt or hi in bt or hi == len(b)):
            # an insertion: after a line all three share, else before the next shared line (after
            # a flow list the user wrote over three lines), moved by the indentation that the user's
            # text differs by at its siblings (or its parent)
            if lo == 0 or lo - 1 in bt:
                at = bt[lo - 1] + 1 if lo > 0 else 0
            else:
                at = bt[hi] if hi < len(b) else len(t)
            at = _settle(t, at, n[j1:j2], scalars)
            edits.append([at, at, j1, j2, _insert_delta(b, t, bt, lo, n[j1:j2]), lo, lo])
            continue
        # a replacement: widen until the lines around it are shared by all three renderings
        while lo > 0 and not (lo - 1 in bt and lo - 1 in bn):
            lo -= 1
        while hi < len(b) and not (hi in bt and hi in bn):
            hi += 1
        edits.append([bt[lo - 1] + 1 if lo > 0 else 0, bt[hi] if hi < len(b) else len(t),
                      bn[lo - 1] + 1 if lo > 0 else 0, bn[hi] if hi < len(b) else len(n), 0, lo, hi])
    merged: list[list[int]] = []
    for edit in sorted(edits):
        if merged and edit[0] < merged[-1][1]:  # overlapping after widening: one region
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], edit[1]), min(last[2], edit[2]), max(last[3], edit[3])
            last[4], last[5], last[6] = 0, min(last[5], edit[5]), max(last[6], edit[6])
        else:
            merged.append(edit)
    out = list(t)
    for t_lo, t_hi, n_lo, n_hi, delta, b_lo, b_hi in reversed(merged):
        if t_lo == t_hi and b_lo == b_hi:
            out[t_lo:t_hi] = [_shift(line, delta) for line in n[n_lo:n_hi]]
        else:
            out[t_lo:t_hi] = _rebase(t[t_lo:t_hi], b[b_lo:b_hi], n[n_lo:n_hi])
    result = "".join(out)
    if not text.endswith("\n") and result.endswith("\n"):
        result = result[:-1]
    return result


def _filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _settle(t: list[str], at: int, added: list[str], scalars: "_ScalarLines") -> int:
    """Where new lines go: right after the last line of what they are added to, before the blank lines
    and comment lines that lead the next entry (the round-trip library keeps those with the value
    above them, so a key added at the end of a mapping would land below them). Comment lines right
    under that last line and indented at least as deep as the new lines stay above them: they belong
    to the mapping. Lines of a multi-line string are never taken for blank lines or comments."""
    first = next((line for line in added if line.strip()), None)
    if first is None or first.lstrip().startswith("#") or at == 0 or not _filler(t[at - 1]):
        return at
    k = at
    while k > 0 and _filler(t[k - 1]) and not scalars.holds(k - 1):
        k -= 1
    if k == 0 or k == at:
        return at
    depth = _indent(first)
    while k < at and t[k].strip().startswith("#") and _indent(t[k]) >= depth:
        k += 1
    return k


class _ScalarLines:
    """The lines of the user's text that belong to a multi-line scalar (a `|` or `>` block, a quoted
    string over several lines), found by YAML's scanner when first asked."""

    def __init__(self, text: str) -> None:
        self.text, self._lines = text, None

    def holds(self, k: int) -> bool:
        if self._lines is None:
            self._lines = _scalar_lines(self.text)
        return self._lines is True or k in self._lines


def _scalar_lines(text: str):
    import yaml

    lines = text.split("\n")
    found: set = set()
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if not isinstance(token, yaml.ScalarToken) or token.start_mark.line == token.end_mark.line:
                continue
            end = token.end_mark
            first, last = token.start_mark.line, min(end.line - (end.column == 0), len(lines) - 1)
            head = lines[first][token.start_mark.column:token.start_mark.column + 3]
            if token.style in ("|", ">") and "+" not in head:
                # a block scalar's trailing blank lines are not its content unless it keeps them (`|+`)
                while last > first and not lines[last].strip():
                    last -= 1
            found.update(range(first, last + 1))
    except yaml.YAMLError:
        return True  # not scanned: every line may be a string's, so no line is moved over
    return found


def _insert_delta(b: list[str], t: list[str], bt: dict, lo: int, added: list[str]) -> int:
    """How far the user's text is indented from the rendering where new lines go: as at their nearest
    sibling (a line as deep, above or below, within the same parent), else as at their parent."""
    first = next((line for line in added if line.strip()), "")
    if not first:
        return 0
    depth = _indent(first)
    parent = None
    for k in range(lo - 1, -1, -1):
        if not b[k].strip():
            continue
        if _indent(b[k]) < depth:
            parent = k
            break
        if _indent(b[k]) == depth and k in bt:
            return _indent(t[bt[k]]) - _indent(b[k])
    for k in range(lo, len(b)):
        if not b[k].strip():
            continue
        if _indent(b[k]) < depth:
            break
        if _indent(b[k]) == depth and k in bt:
            return _indent(t[bt[k]]) - _indent(b[k])
    if parent is not None and parent in bt:
        return _indent(t[bt[parent]]) - _indent(b[parent])
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _squash(line: str) -> str:
    """A line's words, whatever the spacing: also inside flow collections, which a user may write
    `{ Port: 80 }` and the rendering writes `{Port: 80}` (the same line, to be replaced, not kept)."""
    squashed = " ".join(line.split())
    squashed = re.sub(r"([\[{]) ", r"\1", squashed)
    squashed = re.sub(r" ([\]}])", r"\1", squashed)
    return re.sub(r" ?, ?", ", ", squashed)


def _rebase(text_lines: list[str], b_lines: list[str], new_lines: list[str]) -> list[str]:
    """A region of the user's text (`text_lines`, rendered as `b_lines`) with the change from
    `b_lines` to `new_lines` applied: every line the edit did not touch stays the user's own (its
    indentation, its spacing, a whitespace-only line the rendering drops), and each new line moves by
    the indentation that the user's text differs by at the nearest line above it that is not deeper
    (a file that indents one list's dashes and not another's). When the region's rendering cannot be
    matched line for line to the user's text, the rendering of the region is used."""
    matches = _equal_map([_squash(x) for x in b_lines], [_squash(x) for x in text_lines])
    ops = SequenceMatcher(None, b_lines, new_lines, autojunk=False).get_opcodes()
    if any(k not in matches for tag, i1, i2, _, _ in ops if tag == "equal" for k in range(i1, i2)):
        return new_lines
    out: list[str] = []
    t_next = 0  # the first user line not yet written or dropped

    def delta_at(i: int, line: str) -> int:
        for k in range(min(i, len(b_lines) - 1), -1, -1):
            if k in matches and b_lines[k].strip() and _indent(b_lines[k]) <= _indent(line):
                return _indent(text_lines[matches[k]]) - _indent(b_lines[k])
        return 0

    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            for k in range(i1, i2):
                out += text_lines[t_next:matches[k] + 1]  # with the user's lines the rendering lacks
                t_next = matches[k] + 1
            continue
        replaced = [matches[k] for k in range(i1, i2) if k in matches]
        if replaced:
            out += text_lines[t_next:replaced[0]]
            t_next = replaced[-1] + 1
        out += [_shift(line, delta_at(i2 - 1 if i2 > i1 else i1 - 1, line)) for line in new_lines[j1:j2]]
    return out + text_lines[t_next:]


def _shift(line: str, delta: int) -> str:
    if delta >= 0:
        return " " * delta + line
    return line[min(-delta, _indent(line)):]


def _ensure_newline(lines: list[str]) -> None:
    # a last line without its newline would never equal the same line elsewhere
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"


# ---- JSON: the same idea, token by token ------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}\[\],:]')


def _tokens(text: str) -> list[tuple[Any, int, int]] | None:
    """(normalized token, start, end) for each JSON token, or None for text that is not only tokens
    and whitespace. A token carries its nesting depth, so that a new object's closing brace is never
    taken for the closing brace of the object around it."""
    out = []
    pos = depth = 0
    for found in _TOKEN.finditer(text):
        if text[pos:found.start()].strip():
            return None
        tok = found.group()
        if tok in "}]":
            depth -= 1
        if tok[0] == '"':
            norm: Any = ("s", json.loads(tok), depth)
        elif tok[0] in "-0123456789":
            norm = ("n", float(tok), depth)
        else:
            norm = (tok, depth)
        if tok in "{[":
            depth += 1
        out.append((norm, found.start(), found.end()))
        pos = found.end()
    if text[pos:].strip():
        return None
    return out


def _inline(part: str, keep_lines: bool) -> str:
    # inside a line the user wrote compactly, the new tokens stay on it: {"a": [1, 2]}
    if keep_lines:
        return part
    part = re.sub(r"([\[{])\s+", r"\1", part)
    part = re.sub(r"\s+([\]}])", r"\1", part)
    return re.sub(r"\n[ \t]*", " ", part)


def json_three_way(text: str, base: str, new: str) -> str | None:
    """`text` with the change from `base` to `new` spliced in at the tokens it touches, keeping the
    user's layout everywhere else (one resource per line stays one resource per line); None when the
    text and its rendering are not the same tokens (then the line merge is used)."""
    t, b, n = _tokens(text), _tokens(base), _tokens(new)
    if t is None or b is None or n is None or [x[0] for x in t] != [x[0] for x in b]:
        return None
    out = text
    bn, nn = [x[0] for x in b], [x[0] for x in n]
    ops = [list(op) for op in SequenceMatcher(None, bn, nn, autojunk=False).get_opcodes()]
    for k, op in enumerate(ops):
        # an insertion slides right as far as the tokens allow ("true, K: true" after "true", not
        # before it), so a new key lands after the last one and not in the middle of a line
        if op[0] == "insert" and k + 1 < len(ops) and ops[k + 1][0] == "equal":
            nxt = ops[k + 1]
            while nxt[2] - nxt[1] > 0 and op[3] < op[4] and op[4] < len(nn) and nn[op[3]] == bn[op[1]]:
                op[1] += 1
                op[2] += 1
                op[3] += 1
                op[4] += 1
                nxt[1] += 1
                nxt[3] += 1
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        left = t[i1 - 1][2] if i1 > 0 else 0
        right = t[i2][1] if i2 < len(t) else len(text)
        if i2 > i1 and j2 == j1:  # a deletion: the space that was before the first deleted token
            trailing = text[left:t[i1][1]]
        else:
            trailing = text[t[i2 - 1][2]:right] if i2 > i1 else text[left:right]
        multiline = "\n" in text[left:right] or "\n" in trailing
        if j2 > j1:
            start = n[j1 - 1][2] if j1 > 0 else 0
            added = new[start:n[j2 - 1][2]]
            if i2 > i1:  # a replacement: the user's space before the first replaced token
                added = text[left:t[i1][1]] + added.lstrip(" \t\n")
            added = _inline(added, multiline)
            if not multiline and i1 > 0 and text[t[i1 - 1][1]] in "{[":
                added = added.lstrip()
        else:
            added = ""
        out = out[:left] + added + trailing + out[right:]
    return out
