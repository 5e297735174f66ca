"""The fixer on the corpus's `real` templates (written by others): every fixable finding is fixed or
left with a reason, the proof holds for each file (fixed findings gone, no new finding of any rule,
stock cfn-lint's included), and fixing again changes nothing. Text preservation is proven on every
fixed file: the fixed text differs from the original only at places the fixes wrote (see
`outside_the_fixes`), `git apply` takes every diff and gives the fixed file byte for byte, a file none
of whose fixes was kept is left byte for byte, and (on one fixed file in eight) the document restored
after all its edits renders the original byte for byte, as a refused fix needs. FIX_SWEEP_REPORT=file
writes the figures (per rule: fixed, left and why)."""

from __future__ import annotations

import collections
import difflib
import json
import os
import shutil
import subprocess

import pytest
from cfnlint.decode import decode

from corpus import CORPUS, corpus_rows, lint_with_pack
from helpers import lint
from cfn_lint_bestpractices.fixes import Fix
from cfn_lint_bestpractices.fixes.command import Fixer
from cfn_lint_bestpractices.fixes.document import SAM_GLOBALS, Document
from cfn_lint_bestpractices.rules import ALL_RULES

FIXABLE_RULES = [cls() for cls in ALL_RULES if cls.fixable]


class _Runner:
    def lint_file(self, path):
        return lint(path)


def _key(m):
    return (m.rule.id, m.message)


# ---- where a fix may change the text ------------------------------------------------------------
#
# Each edit of a kept fix names a path in the template. Its *place* in the original file is the span
# of lines of the deepest node on that path that exists there (the value the edit replaces or removes,
# or the mapping or list a new key or item goes into), from the line of its key (or list dash) to its
# last line of content: the blank lines and comment lines after a value lead what comes next and are
# not its own. For a SAM resource's property that only Globals sets, the Globals entry is a place too.
# A changed hunk of the diff between the original and the fixed text must lie inside a place: lines
# replaced or removed all within one place's span, lines inserted within a span or right after its
# last line (not below the blank lines and comments that follow it).

def _filler(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _span(lines: list[str], node, key) -> tuple[int, int]:
    start = (key if hasattr(key, "start_mark") else node).start_mark.line
    if not hasattr(node, "end_mark"):  # a scalar cfn-lint does not mark (a number): its key's line
        return start, start
    end_mark = node.end_mark
    # a block ends where the next token starts: a mark at the start of a line ends the line before
    end = end_mark.line if lines[min(end_mark.line, len(lines) - 1)][:end_mark.column].strip() else end_mark.line - 1
    end = min(end, len(lines) - 1)
    while end > start and _filler(lines[end]):
        end -= 1
    return start, end


def _deepest(node, path):
    key = None
    for step in path:
        if isinstance(node, dict) and step in node:
            key = next(k for k in node if k == step)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node) \
                and hasattr(node[step], "start_mark"):
            key, node = None, node[step]
        else:
            break
    return node, key


def places(template, lines: list[str], path: tuple) -> list[tuple[int, int]]:
    out = [_span(lines, *_deepest(template, path))]
    if len(path) >= 4 and path[0] == "Resources" and path[2] == "Properties":
        section = SAM_GLOBALS.get(str(template.get("Resources", {}).get(path[1], {}).get("Type")))
        globs = template.get("Globals") if isinstance(template.get("Globals"), dict) else {}
        if section and isinstance(globs.get(section), dict) and path[3] in globs[section]:
            out.append(_span(lines, *_deepest(globs[section], path[3:])))
    return out


def outside_the_fixes(original: str, fixed: str, spans: list[tuple[int, int]]) -> list:
    a, b = original.splitlines(), fixed.splitlines()
    bad = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert":
            inside = any(s < i1 <= e + 1 for s, e in spans)
        else:
            inside = any(s <= i1 and i2 - 1 <= e for s, e in spans)
        if not inside:
            bad.append((i1 + 1, a[i1:i2][:3], b[j1:j2][:3]))
    return bad


def test_fixer_sweep_over_real_templates(tmp_path, monkeypatch):
    """Every other real template (sorted by path): the whole sweep takes four minutes of CI's twenty;
    the other half runs with --full-corpus."""
    _sweep(tmp_path, monkeypatch, every=2)


@pytest.mark.full_corpus
def test_fixer_sweep_over_every_real_template(tmp_path, monkeypatch):
    _sweep(tmp_path, monkeypatch, every=1)


def _sweep(tmp_path, monkeypatch, every: int):
    candidates = []
    rows = sorted(corpus_rows(("real",)), key=lambda r: r["local_path"])
    for row in rows[::every]:
        path = CORPUS / row["local_path"]
        matches, note = lint_with_pack(path, FIXABLE_RULES)
        if note is None and any(isinstance(getattr(m, "fix", None), Fix) for m in matches):
            candidates.append(row["local_path"])
    assert candidates, "no real template has a fixable finding: the sweep would test nothing"
    fixer = Fixer(_Runner(), unsafe=True)
    fixed = collections.Counter()
    left = collections.defaultdict(collections.Counter)
    problems = []
    patches, written, restored = [], {}, 0
    # relative names, as a user in the repository gives them: the diffs then carry git's a/ and b/
    (tmp_path / "fix").mkdir()
    monkeypatch.chdir(tmp_path / "fix")
    for i, name in enumerate(candidates):
        copy = f"{i}/{os.path.basename(name)}"
        os.mkdir(str(i))
        shutil.copyfile(CORPUS / name, copy)
        original = (CORPUS / name).read_bytes()
        result = fixer.fix_file(copy, write=True)
        text = open(copy, "rb").read()
        before = collections.Counter(_key(m) for m in result.before)
        after = collections.Counter(_key(m) for m in result.remaining)
        if after - before:
            problems.append(f"{name}: new findings {sorted(after - before)[:2]}")
        for m, _fix, _reason in result.fixed:
            fixed[m.rule.id] += 1
            if after[_key(m)] >= before[_key(m)]:
                problems.append(f"{name}: {m.rule.id} still reported after its fix")
        for m, why, _category in result.left:
            if isinstance(getattr(m, "fix", None), Fix):
                left[m.rule.id][why[:100]] += 1
        if not result.fixed:
            if text != original:
                problems.append(f"{name}: changed, though no fix was kept")
        else:
            # only at the places the fixes wrote
            template, _ = decode(str(CORPUS / name))
            old_text = original.decode("utf-8").replace("\r\n", "\n")
            lines = old_text.splitlines()
            spans = [s for _, fix, _ in result.fixed for e in fix.edits for s in places(template, lines, tuple(e.path))]
            outside = outside_the_fixes(old_text, text.decode("utf-8").replace("\r\n", "\n"), spans)
            if outside:
                problems.append(f"{name}: changed outside its fixes at {outside[:2]}")
            patches.append(result.diff)
            written[copy] = text
            if len(written) % 8 == 1:
                # a refused fix restores the document from the original text: after every kept edit,
                # a restore to the start renders the original byte for byte (on one fixed file in 8)
                doc = Document.read(str(CORPUS / name))
                for _, fix, _ in result.fixed:
                    for edit in fix.edits:
                        doc.apply(edit)
                doc.restore(0)
                if doc.render().encode("utf-8") != original:
                    problems.append(f"{name}: a restore does not give the original text back")
                restored += 1
        # idempotent: only the pack's rules offer fixes, so the pack alone says whether any is left
        again, _ = lint_with_pack(copy, FIXABLE_RULES)
        offered = [m for m in again if isinstance(getattr(m, "fix", None), Fix)]
        if offered and fixer.fix_file(copy, write=True).fixed:
            problems.append(f"{name}: a second run fixed more")
        if open(copy, "rb").read() != text and not offered:
            problems.append(f"{name}: changed by a run with nothing to fix")
    if os.environ.get("FIX_SWEEP_REPORT"):
        with open(os.environ["FIX_SWEEP_REPORT"], "w", encoding="utf-8") as handle:
            json.dump({"files": len(candidates), "fixed": fixed, "left": left}, handle, indent=1, sort_keys=True)
    assert not problems, "\n".join(problems[:20])
    assert sum(fixed.values()) > 0 and restored > 20 // every
    # files whose fixes were all left (a value from a parameter, Fn::ForEach) were checked byte for byte
    assert len(candidates) - len(written) > 0
    # every diff, on the original files: one `git apply` for them all, then each file is the fixed one
    check = tmp_path / "check"
    for copy in written:
        (check / copy).parent.mkdir(parents=True)
        shutil.copyfile(CORPUS / candidates[int(copy.split("/")[0])], check / copy)
    (tmp_path / "all.patch").write_bytes("".join(patches).encode("utf-8"))
    proc = subprocess.run(["git", "apply", "--check", str(tmp_path / "all.patch")], cwd=check,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    subprocess.run(["git", "apply", str(tmp_path / "all.patch")], cwd=check, check=True, capture_output=True)
    different = [copy for copy, text in written.items() if (check / copy).read_bytes() != text]
    assert not different, f"git apply of the diff does not give the fixed file: {different[:5]}"
