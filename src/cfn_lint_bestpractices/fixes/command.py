"""`cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [cfn-lint options] [--] templates`

Lints each template, applies the fix of every finding whose rule offers one, and writes the file in
place (`--diff`: prints a unified diff and writes nothing). Before anything is written the fixed text is
linted again, with every rule that ran the first time (stock cfn-lint's included): a fix whose finding
is still there, or after which any finding appears that was not there before, is dropped and the
summary says so. A fix that edits a property CloudFormation sets only at creation replaces the
resource; it is applied only with `--unsafe`. The exit code is cfn-lint's, for what is left.
"""

from __future__ import annotations

import collections
import difflib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Sequence

from cfnlint.rules import Match
from cfnlint.rules.errors import ParseError

from ..model.locate import linted_as
from .document import Document, EditRefused
from .edits import Fix, NoFix
from .safety import replaces

USAGE = ("usage: cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [cfn-lint options] [--] "
         "templates...")


@dataclass
class FileResult:
    filename: str
    fixed: list = field(default_factory=list)  # (match, fix, note)
    left: list = field(default_factory=list)  # (match, reason)
    before: list = field(default_factory=list)  # every rule's matches before the fix
    remaining: list = field(default_factory=list)  # matches left in the file
    diff: str = ""
    error: str = ""


def _key(match: Match) -> tuple:
    return (str(match.rule.id), str(match.message))


def _selected(rule_id: str, select: list[str] | None) -> bool:
    return not select or any(rule_id.upper().startswith(s.upper()) for s in select)


def _resource_type(doc: Document, path: tuple) -> str:
    try:
        return str(doc.data["Resources"][path[1]]["Type"])
    except (KeyError, IndexError, TypeError):
        return ""


def _unsafe_reason(doc: Document, fix: Fix) -> str:
    replaced = sorted({str(e.path[1]) for e in fix.edits if replaces(tuple(e.path), _resource_type(doc, tuple(e.path)))})
    reasons = [f"replaces {name}" for name in replaced]
    if fix.unsafe:
        reasons.append(fix.unsafe)
    return "; ".join(reasons)


class Fixer:
    def __init__(self, runner: Any, unsafe: bool = False, select: list[str] | None = None) -> None:
        self.runner = runner
        self.unsafe = unsafe
        self.select = select
        self._last_lint: list | None = None

    def lint_text(self, filename: str, text: str) -> list[Match]:
        """The findings of every rule on a fixed text (written beside nothing the user owns)."""
        with tempfile.TemporaryDirectory(prefix="cfn-lint-bestpractices-fix-") as tmp:
            path = os.path.join(tmp, os.path.basename(filename))
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            with linted_as(path, filename):  # in the original's application, as its stacks
                return list(self.runner.lint_file(path))

    def fix_file(self, filename: str, write: bool) -> FileResult:
        result = FileResult(filename)
        self._last_lint = None
        before = list(self.runner.lint_file(filename))
        result.before = result.remaining = before
        if any(isinstance(m.rule, ParseError) for m in before):
            result.error = "not parsed (see cfn-lint's E0000): nothing fixed"
            result.left = [(m, "the file could not be parsed") for m in before]
            return result
        wanted, pending = [], []
        for m in before:
            fix = getattr(m, "fix", None)
            if isinstance(fix, Fix) and _selected(str(m.rule.id), self.select):
                pending.append((m, fix))
            elif isinstance(fix, NoFix):
                result.left.append((m, fix.reason))
            elif isinstance(fix, Fix):
                result.left.append((m, "not selected"))
            else:
                result.left.append((m, "no fix: no single right answer" if _is_pack(m) else "no fix (not a rule of the pack)"))
        if not pending:
            return result
        try:
            doc = Document.read(filename)
        except Exception as err:  # pylint: disable=broad-except  (ruamel or json could not read it)
            result.error = f"could not be read for a round trip ({type(err).__name__}: {err}); nothing fixed"
            result.left += [(m, "the file could not be read for a round trip") for m, _ in pending]
            return result
        for m, fix in pending:
            reason = _unsafe_reason(doc, fix)
            if reason and not self.unsafe:
                result.left.append((m, f"unsafe: {reason} (apply with --unsafe)"))
            else:
                wanted.append((m, fix, reason))
        if not wanted:
            return result
        counts = collections.Counter(_key(m) for m in before)
        accepted, refused = self._apply(filename, doc, wanted, counts)
        for m, fix, reason in accepted:
            result.fixed.append((m, fix, reason))
        result.left += refused
        if accepted:
            text = doc.render()
            result.remaining = self._last_lint if self._last_lint is not None else self.lint_text(filename, text)
            original = doc.text.replace("\n", doc.newline) if doc.newline != "\n" else doc.text
            # lines before "---" are a preamble that `git apply` and `patch` skip: the unsafe fixes say
            # there what they replace
            notes = "".join(f"# {m.rule.id} {fix.title}: unsafe, {reason}\n"
                            for m, fix, reason in accepted if reason)
            result.diff = notes + "".join(difflib.unified_diff(
                original.splitlines(keepends=True), text.splitlines(keepends=True),
                fromfile=_diff_name("a", filename), tofile=_diff_name("b", filename)))
            if write:
                with open(filename, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
        return result

    def _apply(self, filename: str, doc: Document, wanted: list, counts: collections.Counter):
        """Apply every fix and prove the result; when the proof fails, add the fixes one at a time
        and keep each one that passes on top of those kept before it."""
        start = doc.snapshot()
        applied, refused = self._edit(doc, wanted)
        problem = self._proof(filename, doc, applied, counts)
        if problem is None:
            return applied, refused
        doc.restore(start)
        kept: list = []
        refused = []
        for item in wanted:
            state = doc.snapshot()
            ok, no = self._edit(doc, [item])
            if no:
                refused += no
                continue
            problem = self._proof(filename, doc, kept + ok, counts)
            if problem is None:
                kept += ok
            else:
                doc.restore(state)
                refused.append((item[0], f"fix not applied: {problem}"))
        return kept, refused

    def _edit(self, doc: Document, items: list):
        applied, refused = [], []
        for m, fix, reason in items:
            state = doc.snapshot()
            try:
                for edit in fix.edits:
                    doc.apply(edit)
                applied.append((m, fix, reason))
            except EditRefused as err:
                doc.restore(state)
                refused.append((m, f"no fix applied: {err}"))
        return applied, refused

    def _proof(self, filename: str, doc: Document, applied: list, counts: collections.Counter) -> str | None:
        """None when the fixed text is clean of the fixed findings and has no new one; else why not."""
        self._last_lint = None
        if not applied:
            return None
        try:
            after = self.lint_text(filename, doc.render())
        except Exception as err:  # pylint: disable=broad-except
            return f"the fixed text could not be linted ({type(err).__name__})"
        now = collections.Counter(_key(m) for m in after)
        fixed = collections.Counter(_key(m) for m, _, _ in applied)
        for key, n in fixed.items():
            if now[key] > counts[key] - n:
                return f"the finding is still reported after the edit ({key[0]})"
        for key, n in now.items():
            if n > counts[key]:
                return f"it would add a finding: {key[0]} {key[1][:160]}"
        self._last_lint = after  # the findings of the text that will be written
        return None


def _diff_name(side: str, filename: str) -> str:
    # git's a/ and b/ prefixes for a relative path (so `git apply` and `patch -p1` take the diff)
    return filename if os.path.isabs(filename) else f"{side}/{filename}"


def _is_pack(match: Match) -> bool:
    return type(match.rule).__module__.startswith("cfn_lint_bestpractices.")


def _line(match: Match) -> str:
    return f"{match.linenumber}:{match.columnnumber}"


def report(results: list[FileResult], out: Any, diff: bool) -> None:
    total_fixed = total_left = 0
    for res in results:
        total_fixed += len(res.fixed)
        total_left += len(res.left)
        if not (res.fixed or res.left or res.error):
            continue
        head = f"{res.filename}: " + (res.error if res.error else f"{len(res.fixed)} fixed, {len(res.left)} left")
        print(head, file=out)
        for m, fix, reason in res.fixed:
            verb = "would fix" if diff else "fixed"
            extra = f" [unsafe: {reason}]" if reason else ""
            print(f"  {verb} {m.rule.id} at {_line(m)}: {fix.title}{extra}", file=out)
        for m, why in res.left:
            print(f"  left  {m.rule.id} at {_line(m)}: {why}", file=out)
    files = sum(1 for r in results if r.fixed)
    verb = "Would fix" if diff else "Fixed"
    print(f"{verb} {total_fixed} finding{'s' * (total_fixed != 1)} in {files} file{'s' * (files != 1)}; "
          f"{total_left} left.", file=out)


def take_fix_options(args: list[str]) -> tuple[list[str], bool, bool, list[str] | None]:
    """--diff, --unsafe and --select out of the arguments (before any "--"); the rest is cfn-lint's."""
    from .. import options

    found: dict = {"diff": False, "unsafe": False, "select": None}

    def select(value: str) -> None:
        ids = [v.strip() for v in value.split(",") if v.strip()]
        if not ids or value.startswith("-"):
            raise ValueError("--select needs rule ids, such as --select W9802,E98")
        found["select"] = (found["select"] or []) + ids

    try:
        rest = options.take_options(args, {"--select": select}, {
            "--diff": lambda: found.update(diff=True), "--unsafe": lambda: found.update(unsafe=True)})
    except options.UsageError as err:
        raise ValueError("--select needs rule ids, such as --select W9802,E98") from err
    return rest, found["diff"], found["unsafe"], found["select"]


def main(args: Sequence[str]) -> int:
    from .. import options
    from ..cli import IsolatingRunner, make_pack_config

    args = list(args)
    if options.asks_help(args):
        print(USAGE)
        print(__doc__.split("\n", 2)[2].strip())
        return 0
    try:
        args, diff, unsafe, select = take_fix_options(args)
    except ValueError as err:
        print(f"cfn-lint-bestpractices fix: {err}", file=sys.stderr)
        return 1
    config, code = make_pack_config(args)
    if config is None:
        return code
    if not config.templates:
        print(f"cfn-lint-bestpractices fix: no templates to fix\n{USAGE}", file=sys.stderr)
        return 1
    try:
        runner = IsolatingRunner(config, args)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except options.UsageError as err:
        print(f"cfn-lint-bestpractices fix: {err}", file=sys.stderr)
        return 1
    fixer = Fixer(runner, unsafe=unsafe, select=select)
    results = []
    for filename in runner.files():
        try:
            results.append(fixer.fix_file(filename, write=not diff))
        except Exception as err:  # pylint: disable=broad-except  (one file's failure costs only that file)
            res = FileResult(filename, error=f"not fixed: {type(err).__name__}: {err}")
            results.append(res)
    if diff:
        for res in results:
            sys.stdout.write(res.diff)
    report(results, sys.stderr if diff else sys.stdout, diff)
    remaining = [m for res in results for m in res.remaining]
    try:
        runner._exit(remaining)  # pylint: disable=protected-access  (cfn-lint's own exit code)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0
