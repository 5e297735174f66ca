"""Keep the user's text: apply the difference between two renderings of a document to the original.

A round-trip library keeps comments, order and tags, but not every byte (a re-indented list, a
re-quoted scalar). So the fixed document is rendered twice, before and after the edits (`base` and
`new`), and only the lines that differ between those two replace the matching lines of the user's
`text`. Where base and text disagree around a change, the change widens to the nearest lines all
three share; everywhere else the user's lines stay as they were, byte for byte.
"""

from __future__ import annotations

from difflib import SequenceMatcher


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
    # each change from base to new, as (text lines to replace, lines of new to put there)
    edits: list[list[int]] = []  # [t_lo, t_hi, n_lo, n_hi]
    for tag, lo, hi, j1, j2 in SequenceMatcher(None, b, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if lo == hi and (lo == 0 or lo - 1 in bt):
            # an insertion after a line all three share (or at the start): nothing else moves
            at = bt[lo - 1] + 1 if lo > 0 else 0
            edits.append([at, at, j1, j2, 0])
            continue
        if lo == hi and (hi in bt or hi == len(b)):
            # an insertion after a line the user wrote differently (a flow list over three lines):
            # before the next shared line, moved by the indentation the line above differs by
            at = bt[hi] if hi < len(b) else len(t)
            above_t, above_b = t[at - 1] if at > 0 else "", b[lo - 1]
            delta = _indent(above_t) - _indent(above_b) if above_t.strip() == above_b.strip() else 0
            edits.append([at, at, j1, j2, delta])
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
