"""Which files the command lints.

cfn-lint expands the globs itself, but a pattern that matches nothing ends its whole run, and every
JSON or YAML file a glob finds is linted, so `**/*.json` fails on `package.json`. Here:

- a path named without glob characters is linted as cfn-lint would (a missing file or a directory gets
  cfn-lint's own E0000 finding for that file only);
- a file a glob finds is linted only if it looks like a CloudFormation or SAM template (a top-level
  `Resources`, `AWSTemplateFormatVersion` or `Transform`); the others are skipped with one notice;
- a glob that matches nothing is a notice, and the other patterns' files are linted;
- in a git work tree, a glob leaves out the files git ignores (.gitignore, .git/info/exclude, the global
  excludes file: git itself is asked, once), as ruff and ESLint do; a path named without glob characters
  is linted even when ignored, and `--no-respect-gitignore` lets globs find ignored files too;
- `-` is standard input, read only when named;
- with `--changed-since REF`, only the files that differ from the git ref REF are kept (committed,
  staged or unstaged changes, and untracked files).
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from cfnlint.config import ConfigMixIn

from .model.assembly import assembly_templates

TEMPLATE_KEYS = ("Resources", "AWSTemplateFormatVersion", "Transform")
# a top-level key of a YAML template: at the start of a line, perhaps quoted
_YAML_KEY = re.compile(r"^[\"']?(?:Resources|AWSTemplateFormatVersion|Transform)[\"']?[ \t]*:", re.MULTILINE)
# the same key anywhere in a JSON text that does not parse (cfn-lint reports why)
_JSON_KEY = re.compile(r"\"(?:Resources|AWSTemplateFormatVersion|Transform)\"\s*:")


class DiscoveryError(Exception):
    """A usage error found while working out which files to lint (exit code 1)."""


def looks_like_template(path: str) -> bool:
    """True for a CloudFormation or SAM template, and for any file that cannot be read or parsed
    but might be one (cfn-lint then says what is wrong with it)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return True
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError:
            return bool(_JSON_KEY.search(text))
        return isinstance(data, dict) and any(k in data for k in TEMPLATE_KEYS)
    return bool(_YAML_KEY.search(text))


def changed_files(ref: str, cwd: str | None = None) -> set[str]:
    """Absolute paths of the files that differ from `ref` in the work tree (committed since, staged
    or unstaged), and the untracked files that are not ignored."""
    def git(*args: str) -> str:
        try:
            proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
        except OSError as err:
            raise DiscoveryError(f"--changed-since needs git: {err}") from err
        if proc.returncode != 0:
            message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"git {args[0]} failed"
            raise DiscoveryError(f"--changed-since {ref}: {message}")
        return proc.stdout

    top = git("rev-parse", "--show-toplevel").strip()
    try:
        git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except DiscoveryError:
        raise DiscoveryError(f"--changed-since {ref}: no such commit in this repository") from None
    names = git("diff", "--name-only", "-z", "--no-renames", ref, "--").split("\0")
    names += git("ls-files", "--others", "--exclude-standard", "-z", "--full-name", ":/").split("\0")
    return {os.path.realpath(os.path.join(top, n)) for n in names if n}


def _git_top(cwd: str) -> str | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True,
                              check=False)
    except OSError:
        return None
    top = proc.stdout.strip()
    return os.path.realpath(top) if proc.returncode == 0 and top else None


def git_ignored(paths: list[str], cwd: str | None = None) -> set[str]:
    """The paths (as given, relative to `cwd` or absolute) that git ignores in the work tree of `cwd`,
    by .gitignore files, .git/info/exclude and the global excludes file; tracked files are never
    ignored. Empty outside a git work tree or without git. One `git check-ignore` call for all."""
    base = os.path.realpath(cwd or os.getcwd())
    top = _git_top(base) if paths else None
    if top is None:
        return set()
    asked: dict[str, str] = {}  # absolute path -> the path as given
    for path in paths:
        full = os.path.normpath(os.path.join(base, path))
        # git refuses a path outside the work tree or beyond a symbolic link (for all the paths of the
        # call): such a file is linted
        if not full.startswith(top + os.sep) or os.path.realpath(os.path.dirname(full)) != os.path.dirname(full):
            continue
        asked[full] = path
    if not asked:
        return set()
    try:
        proc = subprocess.run(["git", "check-ignore", "--stdin", "-z"], cwd=base, input="\0".join(asked) + "\0",
                              capture_output=True, text=True, check=False)
    except OSError:
        return set()
    if proc.returncode not in (0, 1):  # 1: none ignored; anything else: git could not tell, lint them
        return set()
    return {asked[full] for full in (os.path.normpath(os.path.join(base, n)) for n in proc.stdout.split("\0") if n)
            if full in asked}


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # found by a glob, not templates
    empty_patterns: list[str] = field(default_factory=list)
    # (pattern, how many files) for globs whose every file git ignores
    ignored_patterns: list[tuple[str, int]] = field(default_factory=list)
    ignored: int = 0  # files globs found that git ignores, left out
    unchanged: int = 0
    found_any: bool = False  # some pattern matched some file (that git does not ignore)

    def notices(self, changed_since: str | None = None) -> list[str]:
        out = [f"no files match {p!r}" for p in self.empty_patterns]
        out += [f"no files match {p!r} but {n} that git ignores (name them, or pass --no-respect-gitignore)"
                for p, n in self.ignored_patterns]
        if self.skipped:
            names = ", ".join(self.skipped[:5]) + (", ..." if len(self.skipped) > 5 else "")
            what = ("files that are not CloudFormation or SAM templates" if len(self.skipped) != 1
                    else "file that is not a CloudFormation or SAM template")
            out.append(f"skipped {len(self.skipped)} {what} (no Resources, AWSTemplateFormatVersion or "
                       f"Transform at the top level): {names}")
        if changed_since and self.unchanged:
            out.append(f"{self.unchanged} template{'s' if self.unchanged != 1 else ''} unchanged since "
                       f"{changed_since}, not linted")
        return out


def discover(patterns: list[str], ignore: list[str], changed_since: str | None = None,
             skip_non_templates: bool = False, respect_gitignore: bool = True) -> Discovery:
    """The files to lint, in cfn-lint's order (sorted), each once."""
    found = Discovery()
    ignored = set()
    for pattern in ignore:
        ignored.update(os.path.normpath(p) for p in glob.glob(pattern, recursive=True))
    chosen: dict[str, bool] = {}  # path -> named explicitly
    by_pattern: dict[str, list[str]] = {}  # glob -> the files it found
    for pattern in patterns:
        if glob.has_magic(pattern) and not os.path.exists(pattern):
            matches = glob.glob(pattern, recursive=True)
            if not matches:
                found.empty_patterns.append(pattern)
                continue
            for path in matches:
                path = os.path.normpath(path)
                if not os.path.isdir(path):  # a folder a glob finds is not a template
                    chosen.setdefault(path, False)
                    by_pattern.setdefault(pattern, []).append(path)
            if pattern not in by_pattern:
                found.found_any = True  # folders only: said as before, by cfn-lint's own means
        else:
            found.found_any = True
            stacks = assembly_templates(pattern)  # a CDK cloud assembly folder: its templates
            for path in stacks or [pattern]:
                chosen[os.path.normpath(path)] = True
    if respect_gitignore:
        git_ignores = git_ignored([p for p, named in chosen.items() if not named])
        found.ignored = len(git_ignores)
        for path in git_ignores:
            del chosen[path]
        for pattern, paths in by_pattern.items():
            if all(p in git_ignores for p in paths):
                found.ignored_patterns.append((pattern, len(set(paths))))
            else:
                found.found_any = True
    elif by_pattern:
        found.found_any = True
    candidates = sorted(p for p in chosen if p not in ignored)
    if changed_since is not None:
        changed = changed_files(changed_since)
        kept = [p for p in candidates if os.path.realpath(p) in changed]
        found.unchanged = len(candidates) - len(kept)
        candidates = kept
    for path in candidates:
        if (skip_non_templates or not chosen[path]) and not looks_like_template(path):
            found.skipped.append(path)
        else:
            found.files.append(path)
    return found


class PackConfig(ConfigMixIn):
    """cfn-lint's configuration, with the templates chosen as this module says."""

    changed_since: str | None = None
    skip_non_templates: bool = False
    respect_gitignore: bool = True
    sarif_file: str | None = None
    pack: Any = None  # the pack's options (options.PackOptions)
    _discovery: Discovery | None = None
    _no_patterns = False

    def raw_templates(self) -> list[str] | None:
        """The patterns, from where cfn-lint takes them: the API, -t, the command line, .cfnlintrc."""
        if "templates" in self._manual_args:
            names: Any = self._manual_args["templates"]
        else:
            names = (self._get_argument_value("template_alt", False, False)
                     or self._get_argument_value("templates", False, False)
                     or self._get_argument_value("templates", False, True))
        if not names:
            return None
        return [names] if isinstance(names, str) else [str(n) for n in names]

    def discovery(self) -> Discovery | None:
        if self._discovery is None and not self._no_patterns:
            patterns = self.raw_templates()
            if patterns is None:
                self._no_patterns = True
                return None
            ignore = self._get_argument_value("ignore_templates", False, True) or []
            self._discovery = discover(patterns, [ignore] if isinstance(ignore, str) else list(ignore),
                                       self.changed_since, self.skip_non_templates, self.respect_gitignore)
        return self._discovery

    @property
    def templates(self):  # type: ignore[override]
        found = self.discovery()
        return None if found is None else list(found.files)


def report(found: Discovery | None, changed_since: str | None = None) -> None:
    """The notices, one line each, on stderr."""
    if found is not None:
        for notice in found.notices(changed_since):
            print(f"cfn-lint-bestpractices: {notice}", file=sys.stderr)
