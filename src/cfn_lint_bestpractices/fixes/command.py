"""`cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [--show-fixes] [--force-generated]
[cfn-lint options] [--] templates`

Lints each template, applies the fix of every finding whose rule offers one, and writes the file in
place (`--diff`: prints a unified diff and writes nothing). Before anything is written the fixed text is
linted again, with every rule that ran the first time (stock cfn-lint's included): a fix whose finding
is still there, or after which any finding appears that was not there before, is dropped and the
summary says so. A fix that edits a property CloudFormation sets only at creation replaces the
resource; it is applied only with `--unsafe`. A template of a CDK cloud assembly is generated: it is
not written (the next synth would undo the fix) unless `--force-generated`; the summary says which
construct and property to change in the app. The summary counts what was fixed and what was left by
reason; `--show-fixes` lists each finding. The exit code is cfn-lint's, for what is left, plus 1 when a
file could not be written.
"""

from __future__ import annotations

import collections
import difflib
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from cfnlint.rules import Match
from cfnlint.rules.errors import ParseError

from ..model.locate import linted_as
from . import generated
from .document import Document, EditRefused
from .edits import Append, Fix, NoFix
from .safety import replaces

USAGE = ("usage: cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [--show-fixes] [--force-generated] "
         "[cfn-lint options] [--] templates...")

# why a finding is left, as the summary counts it
NOT_PACK = "not a rule of the pack"
NO_ANSWER = "no single right answer"
NO_FIX_HERE = "no fix in this case"
NOT_SELECTED = "not selected"
UNSAFE = "unsafe (apply with --unsafe)"
REFUSED = "refused by the re-lint"
NOT_PARSED = "file not parsed"
NOT_READ = "file not read"
NOT_WRITTEN = "file not written"
GENERATED = "generated template"
EDIT_KINDS = {"parameter": "from a parameter", "computed": "computed by a function",
              "anchor": "shared through a YAML anchor", "absent": "no place to write it",
              "never": "a fix never does that"}


@dataclass
class FileResult:
    filename: str
    fixed: list = field(default_factory=list)  # (match, fix, note)
    left: list = field(default_factory=list)  # (match, reason, category)
    before: list = field(default_factory=list)  # every rule's matches before the fix
    remaining: list = field(default_factory=list)  # matches left in the file
    diff: str = ""
    error: str = ""
    notes: list = field(default_factory=list)  # lines the summary always shows for this file
    write_error: str = ""  # why the fixed text could not be written


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
    def __init__(self, runner: Any, unsafe: bool = False, select: list[str] | None = None,
                 force_generated: bool = False) -> None:
        self.runner = runner
        self.unsafe = unsafe
        self.select = select
        self.force_generated = force_generated
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
            result.left = [(m, "the file could not be parsed", NOT_PARSED) for m in before]
            return result
        wanted, pending = [], []
        for m in before:
            fix = getattr(m, "fix", None)
            if isinstance(fix, Fix) and _selected(str(m.rule.id), self.select):
                pending.append((m, fix))
            elif isinstance(fix, NoFix):
                result.left.append((m, fix.reason, NO_FIX_HERE))
            elif isinstance(fix, Fix):
                result.left.append((m, "not selected", NOT_SELECTED))
            elif _is_pack(m):
                result.left.append((m, "no fix: no single right answer", NO_ANSWER))
            else:
                result.left.append((m, "no fix (not a rule of the pack)", NOT_PACK))
        if not pending:
            return result
        try:
            doc = Document.read(filename)
        except Exception as err:  # pylint: disable=broad-except  (ruamel or json could not read it)
            result.error = f"could not be read for a round trip ({type(err).__name__}: {err}); nothing fixed"
            result.left += [(m, "the file could not be read for a round trip", NOT_READ) for m, _ in pending]
            return result
        for m, fix in pending:
            reason = _unsafe_reason(doc, fix)
            if reason and not self.unsafe:
                result.left.append((m, f"unsafe: {reason} (apply with --unsafe)", UNSAFE))
            else:
                wanted.append((m, fix, reason))
        if not wanted:
            return result
        counts = collections.Counter(_key(m) for m in before)
        accepted, refused = self._apply(filename, doc, wanted, counts)
        for m, fix, reason in accepted:
            result.fixed.append((m, _as_written(doc, fix), reason))
        result.left += refused
        if not accepted:
            return result
        assembly = generated.cloud_assembly(filename)
        if assembly and not self.force_generated:
            return _refuse_generated(result, doc, assembly, write)
        if assembly:
            result.notes.append(f"generated (cloud assembly {_shown(assembly)}): "
                                f"{'fixed' if write else 'would fix'} because of --force-generated; the next "
                                "synth undoes it unless the app changes too")
        elif generated.has_construct_paths(doc.data):
            constructs = sorted({c for _, fix, _ in result.fixed for e in fix.edits
                                 if (c := _construct_of(doc, e.path))})
            result.notes.append("has CDK construct paths (aws:cdk:path) but no cloud assembly manifest.json "
                                "around it: if it is synthesized, the next synth undoes the fix; change the app too"
                                + (f" ({', '.join(constructs)})" if constructs else ""))
        text = doc.render()
        result.remaining = self._last_lint if self._last_lint is not None else self.lint_text(filename, text)
        original = doc.text.replace("\n", doc.newline) if doc.newline != "\n" else doc.text
        # lines before "---" are a preamble that `git apply` and `patch` skip: the unsafe fixes say
        # there what they replace
        notes = "".join(f"# {m.rule.id} {fix.title}: unsafe, {reason}\n"
                        for m, fix, reason in result.fixed if reason)
        result.diff = notes + unified_diff(original, text, _diff_name("a", filename), _diff_name("b", filename))
        if write:
            problem = _write(filename, text)
            if problem:
                result.write_error = problem
                result.left += [(m, f"not written: {problem}", NOT_WRITTEN) for m, _, _ in result.fixed]
                result.fixed = []
                result.remaining = before
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
                refused.append((item[0], f"fix not applied: {problem}", REFUSED))
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
                refused.append((m, f"no fix applied: {err}", EDIT_KINDS.get(err.kind, REFUSED)))
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


def unified_diff(before: str, after: str, fromfile: str, tofile: str) -> str:
    """A unified diff that `git apply` takes: a last line without a newline is marked as git marks
    it (`\\ No newline at end of file`), never glued to the next line of the patch."""
    out = []
    for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     fromfile=fromfile, tofile=tofile):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _write(filename: str, text: str) -> str:
    """Write the fixed text in place; "" when written, else why not. A file without any write
    permission is read-only on purpose and is not written, even by a user (root) the system would let."""
    try:
        mode = os.stat(filename).st_mode
        if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            return "the file is read-only"
        with open(filename, "r+", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.truncate()
    except OSError as err:
        return f"{err.strerror or type(err).__name__} ({type(err).__name__})"
    return ""


def _shown(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel.startswith(".." + os.sep) else rel


def _construct_of(doc: Document, path: tuple) -> str | None:
    return generated.construct_path(doc.data, str(path[1])) if len(path) > 1 and path[0] == "Resources" else None


def _refuse_generated(result: FileResult, doc: Document, assembly: str, write: bool) -> FileResult:
    """A generated template's fixes are not written: each says what to change in the app instead."""
    verb = "not written" if write else "no diff"
    result.error = (f"generated by the CDK (cloud assembly {_shown(assembly)}): {verb}, the next synth would "
                    "undo the change; change the app instead (or use --force-generated):")
    for m, fix, _ in result.fixed:
        places = "; ".join(dict.fromkeys(generated.where_in_app(doc.data, tuple(e.path)) for e in fix.edits))
        result.notes.append(f"{m.rule.id} at {_line(m)}: {places}: {fix.title}")
        result.left.append((m, f"generated template: change {places} in the app ({fix.title})", GENERATED))
    result.fixed = []
    return result


def _as_written(doc: Document, fix: Fix) -> Fix:
    """The fix with its title quoting each string it sets as the file has it written (a title's
    `"2012-10-17"` is `'2012-10-17'` in a file that uses single quotes)."""
    title = fix.title
    for edit in fix.edits:
        value = getattr(edit, "value", None)
        if isinstance(value, str) and not isinstance(edit, Append):
            for quoted in (f'"{value}"', f"'{value}'"):
                title = title.replace(quoted, doc.written(value))
    return fix if title == fix.title else replace(fix, title=title)


def _is_pack(match: Match) -> bool:
    return type(match.rule).__module__.startswith("cfn_lint_bestpractices.")


def _line(match: Match) -> str:
    return f"{match.linenumber}:{match.columnnumber}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def report(results: list[FileResult], out: Any, diff: bool, show_fixes: bool = False) -> None:
    """Per file only what needs the user (a file not parsed, not written, generated); with
    `show_fixes` every finding fixed or left and why; then one line with the counts by reason."""
    fix_verb, leave_verb = ("would fix", "would leave") if diff else ("fixed", "left")
    reasons: collections.Counter = collections.Counter()
    total_fixed = 0
    for res in results:
        total_fixed += len(res.fixed)
        reasons.update(category for _, _, category in res.left)
        if show_fixes and (res.fixed or res.left) or res.error or res.notes or res.write_error:
            head = res.error or (f"not written: {res.write_error}" if res.write_error
                                 else f"{fix_verb} {len(res.fixed)}, {leave_verb} {len(res.left)}")
            print(f"{res.filename}: {head}", file=out)
        for note in res.notes:
            print(f"  {note}", file=out)
        if not show_fixes:
            continue
        for m, fix, reason in res.fixed:
            extra = f" [unsafe: {reason}]" if reason else ""
            print(f"  {fix_verb} {m.rule.id} at {_line(m)}: {fix.title}{extra}", file=out)
        for m, why, _ in res.left:
            print(f"  {leave_verb} {m.rule.id} at {_line(m)}: {why}", file=out)
    files = sum(1 for r in results if r.fixed)
    total_left = sum(reasons.values())
    left = (f"{leave_verb} {total_left}: " + ", ".join(f"{n} {why}" for why, n in reasons.most_common())
            if total_left else f"{'would leave' if diff else 'left'} none")
    line = f"{fix_verb.capitalize()} {_plural(total_fixed, 'finding')} in {_plural(files, 'file')}; {left}."
    if not show_fixes and (total_fixed or total_left):
        line += " (--show-fixes lists each one)"
    print(line, file=out)


def take_fix_options(args: list[str]) -> tuple[list[str], dict]:
    """The fix command's own options out of the arguments (before any "--"); the rest is cfn-lint's.
    Returns (rest, {"diff", "unsafe", "select", "show_fixes", "force_generated"})."""
    from .. import options

    found: dict = {"diff": False, "unsafe": False, "select": None, "show_fixes": False, "force_generated": False}

    def select(value: str) -> None:
        ids = [v.strip() for v in value.split(",") if v.strip()]
        if not ids or value.startswith("-"):
            raise ValueError("--select needs rule ids, such as --select W9802,E98")
        found["select"] = (found["select"] or []) + ids

    def flag(name: str):
        return lambda: found.update({name: True})

    try:
        rest = options.take_options(args, {"--select": select}, {
            "--diff": flag("diff"), "--unsafe": flag("unsafe"), "--show-fixes": flag("show_fixes"),
            "--force-generated": flag("force_generated")})
    except options.UsageError as err:
        raise ValueError("--select needs rule ids, such as --select W9802,E98") from err
    return rest, found


def unknown_select(select: list[str] | None, rule_ids) -> list[str]:
    """The ids and prefixes of --select that name no rule (of the pack, nor of cfn-lint)."""
    known = [str(r).upper() for r in rule_ids]
    return [s for s in select or [] if not any(r.startswith(s.upper()) for r in known)]


def main(args: Sequence[str]) -> int:
    from .. import options
    from ..cli import IsolatingRunner, make_pack_config

    args = list(args)
    if options.asks_help(args):
        print(USAGE)
        print(__doc__.split("\n", 2)[2].strip())
        return 0
    try:
        args, opts = take_fix_options(args)
    except ValueError as err:
        print(f"cfn-lint-bestpractices fix: {err}", file=sys.stderr)
        return 1
    diff = opts["diff"]
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
    unknown = unknown_select(opts["select"], getattr(runner.rules, "data", {}).keys())
    if unknown:
        print(f"cfn-lint-bestpractices fix: --select: no rule {', '.join(repr(u) for u in unknown)} "
              "(ids or prefixes of the pack's rules or cfn-lint's; `cfn-lint-bestpractices rules` lists the "
              "pack's)", file=sys.stderr)
        return 1
    fixer = Fixer(runner, unsafe=opts["unsafe"], select=opts["select"], force_generated=opts["force_generated"])
    results = []
    for filename in runner.files():
        try:
            res = fixer.fix_file(filename, write=not diff)
        except Exception as err:  # pylint: disable=broad-except  (one file's failure costs only that file)
            res = FileResult(filename, error=f"not fixed: {type(err).__name__}: {err}")
        if res.write_error:
            print(f"cfn-lint-bestpractices fix: could not write {filename}: {res.write_error}; its findings "
                  "are left", file=sys.stderr)
        results.append(res)
    if diff:
        for res in results:
            sys.stdout.write(res.diff)
    report(results, sys.stderr if diff else sys.stdout, diff, opts["show_fixes"])
    remaining = [m for res in results for m in res.remaining]
    failed = 1 if any(res.write_error for res in results) else 0
    try:
        runner._exit(remaining)  # pylint: disable=protected-access  (cfn-lint's own exit code)
    except SystemExit as exit_:
        return int(exit_.code or 0) | failed
    return failed
