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
        if lo == hi and (lo - 1 in bt or lo == 0 or hi in bt):
            # an insertion needs one shared neighbour: after the line before, or before the line after
            at = 0 if lo == 0 else (bt[lo - 1] + 1 if lo - 1 in bt else bt[hi])
            edits.append([at, at, j1, j2])
            continue
        # a replacement: widen until the lines around it are shared by all three renderings
        while lo > 0 and not (lo - 1 in bt and lo - 1 in bn):
            lo -= 1
        while hi < len(b) and not (hi in bt and hi in bn):
            hi += 1
        edits.append([bt[lo - 1] + 1 if lo > 0 else 0, bt[hi] if hi < len(b) else len(t),
                      bn[lo - 1] + 1 if lo > 0 else 0, bn[hi] if hi < len(b) else len(n)])
    merged: list[list[int]] = []
    for edit in sorted(edits):
        if merged and edit[0] < merged[-1][1]:  # overlapping after widening: one region
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], edit[1]), min(last[2], edit[2]), max(last[3], edit[3])
        else:
            merged.append(edit)
    out = list(t)
    for t_lo, t_hi, n_lo, n_hi in reversed(merged):
        out[t_lo:t_hi] = n[n_lo:n_hi]
    result = "".join(out)
    if not text.endswith("\n") and result.endswith("\n"):
        result = result[:-1]
    return result


def _ensure_newline(lines: list[str]) -> None:
    # a last line without its newline would never equal the same line elsewhere
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
