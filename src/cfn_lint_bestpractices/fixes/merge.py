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
    if base == text:
        return new
    t, b, n = text.splitlines(keepends=True), base.splitlines(keepends=True), new.splitlines(keepends=True)
    _ensure_newline(t)
    _ensure_newline(b)
    _ensure_newline(n)
    bt, bn = _equal_map(b, t), _equal_map(b, n)
    loose = _Loose(b, t)
    # each change from base to new, as (text lines to replace, lines of new to put there)
    edits: list[list[int]] = []  # [t_lo, t_hi, n_lo, n_hi]
    for tag, lo, hi, j1, j2 in SequenceMatcher(None, b, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if lo == hi and (lo == 0 or lo - 1 in bt or hi in bt or hi == len(b)):
            # an insertion: after a line all three share, else before the next shared line (after
            # a flow list the user wrote over three lines), moved by the indentation that its parent
            # line differs by in the user's text (a file that indents one list's dashes, not another's)
            if lo == 0 or lo - 1 in bt:
                at = bt[lo - 1] + 1 if lo > 0 else 0
            else:
                at = bt[hi] if hi < len(b) else len(t)
            edits.append([at, at, j1, j2, _parent_delta(b, t, lo, n[j1:j2], loose)])
            continue
        # a replacement: widen until the lines around it are shared by all three renderings
        while lo > 0 and not (lo - 1 in bt and lo - 1 in bn):
            lo -= 1
        while hi < len(b) and not (hi in bt and hi in bn):
            hi += 1
        edits.append([bt[lo - 1] + 1 if lo > 0 else 0, bt[hi] if hi < len(b) else len(t),
                      bn[lo - 1] + 1 if lo > 0 else 0, bn[hi] if hi < len(b) else len(n), 0])
    merged: list[list[int]] = []
    for edit in sorted(edits):
        if merged and edit[0] < merged[-1][1]:  # overlapping after widening: one region
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], edit[1]), min(last[2], edit[2]), max(last[3], edit[3])
            last[4] = 0
        else:
            merged.append(edit)
    out = list(t)
    inverse = {v: k for k, v in bt.items()}
    for t_lo, t_hi, n_lo, n_hi, delta in reversed(merged):
        if t_lo == t_hi:
            out[t_lo:t_hi] = [_shift(line, delta) for line in n[n_lo:n_hi]]
        else:
            out[t_lo:t_hi] = _keep_indentation(t[t_lo:t_hi], b, inverse, t_lo, n[n_lo:n_hi])
    result = "".join(out)
    if not text.endswith("\n") and result.endswith("\n"):
        result = result[:-1]
    return result


class _Loose:
    """Base lines matched to the user's lines by their content alone (indentation aside), computed
    only when an insertion needs it."""

    def __init__(self, b: list[str], t: list[str]) -> None:
        self.b, self.t, self._map = b, t, None

    def get(self, k: int) -> int | None:
        if self._map is None:
            self._map = _equal_map([x.strip() for x in self.b], [x.strip() for x in self.t])
        return self._map.get(k)


def _parent_delta(b: list[str], t: list[str], lo: int, added: list[str], loose: "_Loose") -> int:
    first = next((line for line in added if line.strip()), "")
    if not first:
        return 0
    for k in range(lo - 1, -1, -1):
        if b[k].strip() and _indent(b[k]) <= _indent(first):
            found = loose.get(k)
            return _indent(t[found]) - _indent(b[k]) if found is not None else 0
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _keep_indentation(text_lines: list[str], b: list[str], inverse: dict, t_lo: int, new_lines: list[str]) -> list[str]:
    """The new lines for a widened region, in the user's indentation where the region differs from the
    rendering only by it (a file that indents one list's dashes and not another's): lines the edit did
    not touch are the user's own, and added lines move by the indentation of the line above them."""
    if not text_lines:
        return new_lines
    # the base lines of this region: those between the shared neighbours
    first = t_lo - 1
    b_lo = inverse[first] + 1 if first in inverse else 0
    b_lines = b[b_lo:b_lo + len(text_lines)]
    if [l.strip() for l in b_lines] != [l.strip() for l in text_lines]:
        return new_lines
    deltas = [_indent(t) - _indent(x) for t, x in zip(text_lines, b_lines)]
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, b_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            out += text_lines[i1:i2]
            continue
        delta = deltas[i1 - 1] if i1 > 0 else deltas[0]
        out += [_shift(line, delta) for line in new_lines[j1:j2]]
    return out


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
