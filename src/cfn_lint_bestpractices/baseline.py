"""Baselines: record a repository's current findings, then report only the findings that are new.

    cfn-lint-bestpractices --write-baseline .cfn-lint-baseline.json [options] -- templates...
    cfn-lint-bestpractices --baseline .cfn-lint-baseline.json [options] -- templates...

A finding's fingerprint leaves out its line and column, so that it survives lines moving:

- file: the template's path relative to the repository root (the git top level when the current
  directory is inside a git work tree, else the current directory), with forward slashes;
- rule: the rule id;
- resource: the logical id when the finding is under Resources, else null;
- path: the finding's path inside the template, list indexes kept (null when cfn-lint gives none,
  as for a template that does not parse);
- message: the message, compared with every run of digits replaced by "#", because some messages quote
  line numbers ("Duplicate found 'X' (line 5)") or values that change without the finding changing. The
  file keeps the message readable: only numbers that stand alone are written as "#", digits inside a
  name (a logical id such as `Indexer7D9A1`) are kept.

Findings with the same fingerprint are counted: a baseline that holds an entry twice hides two such
findings, and a third is reported as new. The filtering happens on cfn-lint's matches before any
formatter sees them, so every output format and the exit code (2 errors, 4 warnings,
8 informational) cover only the new findings.

Entries that a run no longer finds are reported on stderr ("N baseline entries no longer found"); only
entries for the files this run linted count (so a shard, or a hook given a few files, does not call
the other files' entries stale), plus entries for files that no longer exist (on shard 1 only).

The file is JSON with sorted keys and one entry a line, sorted, so that a pull request's diff of it reads
as the findings that were fixed or accepted. It records the configuration it was written with (versions,
checks, regions, rule options): when a run's differs, the stale entries may come from that rather than
from fixes, and the run says so. Version 1 files (digits masked everywhere, no configuration) are read too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Tuple

VERSION = 2
READS = (1, 2)
TOOL = "cfn-lint-bestpractices"
_DIGITS = re.compile(r"\d+")
# a number that stands alone: not part of a name such as Indexer7D9A1, Queue2 or E3012
_NUMBER = re.compile(r"(?<![A-Za-z0-9_])\d+(?![A-Za-z0-9_])")

# (file, rule, resource, path, message); path is a tuple so that the key hashes
Key = Tuple[str, str, Optional[str], Optional[tuple], str]


class BaselineError(ValueError):
    """A baseline file that cannot be used: missing, unreadable, or not a baseline."""


def repository_root(cwd: str | None = None) -> str:
    """The git top level of the current directory, or the current directory outside git."""
    here = os.path.realpath(cwd or os.getcwd())
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return here
    top = proc.stdout.strip()
    return os.path.realpath(top) if proc.returncode == 0 and top else here


def relative_file(filename: str | None, root: str) -> str:
    """A template's name as a baseline records it: relative to root, forward slashes."""
    if not filename:
        return ""
    if filename == "-":  # stdin
        return "-"
    full = os.path.realpath(os.path.abspath(filename))
    try:
        rel = os.path.relpath(full, root)
    except ValueError:  # another drive on Windows
        rel = full
    return Path(rel).as_posix()


def _plain_path(path: Any) -> tuple | None:
    if path is None:
        return None
    # cfn-lint's YAML nodes are str and int subclasses: keep their plain values
    return tuple(int(p) if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in path)


def fingerprint(match: Any, root: str) -> Key:
    """The parts of a finding that stay put when lines move (see the module's docstring)."""
    # a Match copies its RuleMatch's attributes, path among them (cli._Found carries it back from workers)
    path = _plain_path(getattr(match, "path", None))
    resource = str(path[1]) if path and len(path) > 1 and path[0] == "Resources" else None
    # a CDK resource by its construct path, which a changed logical-id hash leaves alone (construct_paths.py)
    construct = getattr(match, "construct_path", None)
    if construct and resource is not None:
        resource, path = construct, (path[0], construct) + path[2:]
    message = _NUMBER.sub("#", str(getattr(match, "stable_message", None) or match.message))
    return (relative_file(match.filename, root), str(match.rule.id), resource, path, message)


def _compared(key: Key) -> Key:
    """What two fingerprints are compared on: the message with every digit masked (as version 1 wrote
    it), so that a version 1 baseline still matches."""
    file, rule, resource, path, message = key
    return (file, rule, resource, path, _DIGITS.sub("#", message))


def _entry(key: Key, count: int) -> dict:
    file, rule, resource, path, message = key
    return {"count": count, "file": file, "message": message, "path": list(path) if path is not None else None,
            "resource": resource, "rule": rule}


def _sort_key(key: Key) -> tuple:
    file, rule, resource, path, message = key
    return (file, resource or "", json.dumps(list(path or ())), rule, message)


def dumps(counts: Counter, configuration: dict | None = None) -> str:
    """The baseline file's text: sorted keys, one entry a line, entries sorted by file and place."""
    lines = [json.dumps(_entry(key, counts[key]), sort_keys=True, ensure_ascii=False)
             for key in sorted(counts, key=_sort_key)]
    body = ",\n".join(f"    {line}" for line in lines)
    entries = f"[\n{body}\n  ]" if lines else "[]"
    config = json.dumps(configuration or {}, sort_keys=True, ensure_ascii=False)
    return (f'{{\n  "configuration": {config},\n  "entries": {entries},\n  "tool": "{TOOL}",\n'
            f'  "version": {VERSION}\n}}\n')


def configuration_changes(recorded: dict | None, current: dict | None) -> list[str]:
    """What differs between the configuration a baseline was written with and a run's, one phrase
    each (`ignore_checks: [] -> ["W9501"]`); empty when they agree or either is unknown."""
    if not recorded or not current:
        return []
    changes = []
    for name in sorted(set(recorded) | set(current)):
        before, after = recorded.get(name), current.get(name)
        if before != after:
            changes.append(f"{name}: {json.dumps(before, sort_keys=True)} -> {json.dumps(after, sort_keys=True)}")
    return changes


def _key_of(entry: Any, where: str) -> tuple[Key, int]:
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} is not an object")
    for name, kinds in (("file", str), ("rule", str), ("message", str)):
        if not isinstance(entry.get(name), kinds):
            raise BaselineError(f"{where} has no string {name!r}")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where} has a 'count' that is not a whole number of at least 1")
    resource = entry.get("resource")
    if resource is not None and not isinstance(resource, str):
        raise BaselineError(f"{where} has a 'resource' that is neither a string nor null")
    path = entry.get("path")
    if path is not None and (not isinstance(path, list)
                             or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in path)):
        raise BaselineError(f"{where} has a 'path' that is not a list of keys and indexes (or null)")
    return (entry["file"], entry["rule"], resource, tuple(path) if path is not None else None, entry["message"]), count


def parse(text: str, name: str = "baseline") -> Counter:
    """A baseline file's entries as counts by fingerprint; BaselineError says what is wrong."""
    return read(text, name)[0]


def read(text: str, name: str = "baseline") -> tuple[Counter, dict | None]:
    """A baseline file's entries as counts by fingerprint, and the configuration it was written with
    (None for a version 1 file); BaselineError says what is wrong."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise BaselineError(f"baseline {name} is not valid JSON ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(f"baseline {name} is not a baseline: it needs an object with an 'entries' list")
    if data.get("version") not in READS:
        raise BaselineError(f"baseline {name} has version {data.get('version')!r}; this "
                            f"cfn-lint-bestpractices reads versions {' and '.join(map(str, READS))} "
                            "(re-run --write-baseline)")
    configuration = data.get("configuration")
    if data["version"] >= 2 and not isinstance(configuration, dict):
        raise BaselineError(f"baseline {name} has no 'configuration' object")
    counts: Counter = Counter()
    for i, entry in enumerate(data["entries"]):
        key, count = _key_of(entry, f"baseline {name}: entry {i + 1}")
        counts[key] += count
    return counts, configuration if data["version"] >= 2 else None


class Baseline:
    """What --baseline or --write-baseline asked for, applied to a run's matches."""

    def __init__(self, file: str, write: bool, root: str | None = None) -> None:
        self.file = file
        self.write = write
        self.root = root or repository_root()
        self.counts: Counter = Counter()
        self.configuration: dict | None = None
        if not write:
            self.counts, self.configuration = self.load(file)
        elif not Path(file).absolute().parent.is_dir():  # say so before linting, not after
            raise BaselineError(f"cannot write baseline {file}: no directory {Path(file).absolute().parent}")

    @staticmethod
    def load(file: str) -> tuple[Counter, dict | None]:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(f"baseline {file} not found; write it with --write-baseline {file}") from None
        except (OSError, UnicodeDecodeError) as err:
            raise BaselineError(f"cannot read baseline {file} ({err})") from None
        return read(text, file)

    def _own_file(self) -> str:
        return relative_file(self.file, self.root)

    def apply(self, matches: Sequence[Any], linted: Iterable[str], deleted_are_stale: bool = True,
              err=None, configuration: dict | None = None) -> list | None:
        """--write-baseline: record the matches (and the run's configuration) and return None. --baseline:
        return the matches that are not in the baseline, and report on stderr the entries this run no
        longer found, saying when the configuration changed since the baseline was written."""
        err = err or sys.stderr
        own = self._own_file()
        keyed = [(fingerprint(m, self.root), m) for m in matches]
        keyed = [(key, m) for key, m in keyed if key[0] != own]  # the baseline is not a template
        if self.write:
            counts = Counter(key for key, _ in keyed)
            self._write(counts, configuration)
            print(f"{TOOL}: wrote {len(counts)} baseline entries ({sum(counts.values())} findings) to {self.file}",
                  file=err)
            return None
        left = Counter()
        shown: dict[Key, Key] = {}  # compared key -> the key as the file writes it
        for key, n in self.counts.items():
            left[_compared(key)] += n
            shown.setdefault(_compared(key), key)
        new = []
        for key, m in keyed:
            if left[_compared(key)] > 0:
                left[_compared(key)] -= 1
            else:
                new.append(m)
        linted_files = {relative_file(f, self.root) for f in linted} | {key[0] for key, _ in keyed}
        stale = []
        for key in sorted(left, key=_sort_key):
            if left[key] <= 0:
                continue
            if key[0] in linted_files or (deleted_are_stale and key[0] not in ("", "-")
                                          and not os.path.exists(os.path.join(self.root, key[0]))):
                stale.append((shown[key], left[key]))
        changes = configuration_changes(self.configuration, configuration)
        if changes and (stale or new):
            print(f"{TOOL}: the configuration changed since baseline {self.file} was written: "
                  + "; ".join(changes), file=err)
        if stale:
            total = sum(n for _, n in stale)
            if changes:
                print(f"{TOOL}: {total} baseline entries no longer found, perhaps because of the new configuration "
                      f"rather than fixes; if it is meant, re-run with --write-baseline {self.file} and these options",
                      file=err)
            else:
                print(f"{TOOL}: {total} baseline entries no longer found (fixed, or their template is gone); "
                      f"shrink the baseline: re-run with --write-baseline {self.file} and the same options",
                      file=err)
            for (file, rule, _resource, path, message), n in stale:
                where = "/".join(map(str, path)) if path is not None else "-"
                times = f" (x{n})" if n > 1 else ""
                print(f"  {file}: {rule} {where}: {message}{times}", file=err)
        return new

    def _write(self, counts: Counter, configuration: dict | None = None) -> None:
        target = Path(self.file)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        try:
            tmp.write_text(dumps(counts, configuration), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise BaselineError(f"cannot write baseline {self.file} ({err})") from None


def from_options(baseline: str | None, write_baseline: str | None) -> Baseline | None:
    """The Baseline for --baseline FILE / --write-baseline FILE (at most one of them), loaded now so
    that a missing or malformed file is a usage error before anything is linted."""
    if baseline is not None and write_baseline is not None:
        raise BaselineError("use --baseline FILE or --write-baseline FILE, not both "
                            "(--write-baseline alone refreshes a baseline)")
    if write_baseline is not None:
        return Baseline(write_baseline, write=True)
    if baseline is not None:
        return Baseline(baseline, write=False)
    return None
