"""Which application a template belongs to, and the models rules read it through.

The pack's command builds one application for its run (`build_application` over every template it
lints, then `use_run`). Plain cfn-lint lints one file at a time, so there a template finds its
application from its own location: the cloud assembly whose manifest lists it (in its folder or up to
two folders above), or the nested-stack family it belongs to (its own local children, and the
templates in its folder or the folder above that deploy it as a nested stack). Plain cfn-lint cannot
see imports between independent stacks given as separate files: only the command puts every template
of a run in one application.

Each template is parsed once per application (`Parser`), however many stacks deploy it; a template
that is in no application, or connected to no other stack, gets the plain `TemplateModel` and is
linted exactly as it would be alone.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable

from . import assembly
from .application import ASSEMBLY_MARKERS, MARKERS, Application, Stack

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


class Parser:
    """cfn-lint's decoding of each file, once: (template or None, cfn-lint's decode matches)."""

    def __init__(self) -> None:
        self.decoded: dict[str, tuple[Any, list]] = {}

    def decode(self, file: str) -> tuple[Any, list]:
        key = os.path.realpath(file)
        hit = self.decoded.get(key)
        if hit is None:
            from cfnlint.decode import decode

            try:
                hit = decode(file)
            except Exception:  # pylint: disable=broad-except
                hit = (None, [])  # cfn-lint says what is wrong when it lints the file itself
            self.decoded[key] = hit
        return hit

    def __call__(self, file: str) -> Any:
        template, matches = self.decode(file)
        return template if not matches and isinstance(template, dict) else None

    def take(self, file: str) -> tuple[Any, list] | None:
        """The decoding of a file the application parsed, for cfn-lint to lint (then forgotten here:
        the application keeps its own reference to the template)."""
        return self.decoded.pop(os.path.realpath(file), None)


def _has_markers(file: str, markers: tuple) -> bool:
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    return any(m in data for m in markers)


def build_application(files: Iterable[str], parser: Parser | None = None) -> Application:
    """The application of a run: every cloud assembly that holds one of `files` (all its stacks, nested
    stacks and stages), every template that can take part in one (it imports or exports values, or
    deploys nested stacks) with its nested children, and the parents (in its folder or the folder
    above) of each template that is deployed as a nested stack. All exports of the run are one
    namespace for Fn::ImportValue."""
    parser = parser or Parser()
    app = Application()
    seen: set[str] = set()
    assemblies: dict[str, assembly.Assembly] = {}
    roots: list[str] = []
    for file in files:
        if file == "-" or not os.path.isfile(file):  # stdin, or a path cfn-lint reports as missing
            continue
        folder = assembly.find_assembly(file)
        if folder is not None and folder not in assemblies:
            assemblies[folder] = assembly.read_assembly(folder)
        if folder is not None and _in_assembly(assemblies[folder], file):
            continue
        if not _has_markers(file, MARKERS) and not _parents_of(file, parser):
            continue
        roots.extend(_roots_of(file, parser))
    for found in assemblies.values():
        for stack in found.stacks:
            if os.path.realpath(stack.file) in seen:
                continue
            seen.add(os.path.realpath(stack.file))
            app.add_tree(stack.display, stack.file, parser, stack.stack_name, stack.region)
    base = _common_folder(roots)
    for root in roots:
        real = os.path.realpath(root)
        if real in seen:
            continue
        seen.add(real)
        app.add_tree(_display(root, base), root, parser)
    app.parser = parser
    return app.finish()


def _in_assembly(found: assembly.Assembly, file: str) -> bool:
    """A stack template of the assembly, or a nested template beside one (CDK writes both in the
    assembly's folders)."""
    real = os.path.realpath(file)
    if any(os.path.realpath(s.file) == real for s in found.stacks):
        return True
    folders = {os.path.dirname(os.path.realpath(s.file)) for s in found.stacks}
    return real.endswith(".nested.template.json") and os.path.dirname(real) in folders


def _common_folder(files: list[str]) -> str:
    folders = [os.path.dirname(os.path.abspath(f)) for f in files]
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # different drives
        return ""


def _display(file: str, base: str) -> str:
    """How messages name a stack that is not in a cloud assembly: its template's path relative to the
    folder the run's templates share (`main.yaml`, `stacks/queues.json`)."""
    rel = os.path.relpath(os.path.abspath(file), base) if base else file
    return (file if rel.startswith("..") else rel).replace(os.sep, "/")


_PARENTS: dict[str, dict[str, list[str]]] = {}  # folder -> child (real path) -> parent files


def _folder_index(folder: str, parser: Parser) -> dict[str, list[str]]:
    """child template -> the templates in `folder` that deploy it as a nested stack."""
    hit = _PARENTS.get(folder)
    if hit is not None:
        return hit
    index: dict[str, list[str]] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    for name in names:
        path = os.path.join(folder, name)
        if not name.endswith(TEMPLATE_SUFFIXES) or not os.path.isfile(path):
            continue
        if not _has_markers(path, (b"AWS::CloudFormation::Stack", b"AWS::Serverless::Application")):
            continue
        template = parser(path)
        for link in assembly.nested_links(template, path):
            if link.child is not None:
                index.setdefault(os.path.realpath(link.child), []).append(path)
    _PARENTS[folder] = index
    return index


def _parents_of(file: str, parser: Parser) -> list[str]:
    real = os.path.realpath(file)
    folder = os.path.dirname(os.path.abspath(file))
    out = []
    for where in (folder, os.path.dirname(folder)):
        for parent in _folder_index(where, parser).get(real, []):
            if os.path.realpath(parent) != real and parent not in out:
                out.append(parent)
    return out


def _roots_of(file: str, parser: Parser, depth: int = 0) -> list[str]:
    """The topmost templates whose nested stacks deploy `file` (itself when nothing deploys it)."""
    parents = _parents_of(file, parser) if depth < 8 else []
    if not parents:
        return [file]
    out = []
    for parent in parents:
        for root in _roots_of(parent, parser, depth + 1):
            if root not in out:
                out.append(root)
    return out


# -- the application of the run, or of a template's location ----------------------------------------
_RUN: dict[str, Any] = {"app": None, "alone": False}
_FOUND: dict[tuple, Application] = {}


_ALIASES: dict[str, str] = {}


class linted_as:  # noqa: N801 (used as a context manager, like open)
    """Lint `path` (a copy, such as the fixer's proof of a fixed text) as the template `original`: in
    the application of `original`, as its stacks."""

    def __init__(self, path: str, original: str) -> None:
        self.key, self.original = os.path.realpath(path), original

    def __enter__(self) -> "linted_as":
        _ALIASES[self.key] = self.original
        return self

    def __exit__(self, *exc: Any) -> None:
        _ALIASES.pop(self.key, None)


def use_run(app: Application | None) -> None:
    """The application of the pack command's run (None: find each template's from its location)."""
    _RUN["app"] = app


def run_application() -> Application | None:
    return _RUN["app"]


def lint_alone(flag: bool) -> None:
    """Lint every template alone, as before applications (benchmarks/bench_applications.py compares)."""
    _RUN["alone"] = bool(flag)


def application_for(file: str | None) -> tuple[Application | None, list[Stack]]:
    """The application a linted template belongs to and its stacks there (several when more than one
    parent deploys it), or (None, [])."""
    if not file or file == "-" or _RUN["alone"]:
        return None, []
    file = _ALIASES.get(os.path.realpath(file), file)
    run = _RUN["app"]
    if run is not None:
        stacks = run.stacks_of(file)
        if stacks:
            return run, stacks
    try:
        key = _location_key(file)
    except OSError:
        return None, []
    if key is None:
        return None, []
    app = _FOUND.get(key)
    if app is None:
        app = _FOUND[key] = build_application([file])
        if len(_FOUND) > 64:  # a long editor session: keep the memory bounded
            _FOUND.pop(next(iter(_FOUND)))
    return app, app.stacks_of(file)


def _location_key(file: str) -> tuple | None:
    """What decides a template's application found from its location, with the times the files were
    last changed (an edited template is read again)."""
    folder = assembly.find_assembly(file)
    if folder is not None:
        found = assembly.read_assembly(folder)
        if _in_assembly(found, file):
            stamps = tuple(os.stat(m).st_mtime_ns for m in found.manifests)
            stamps += tuple(os.stat(s.file).st_mtime_ns for s in found.stacks if os.path.exists(s.file))
            return ("assembly", folder, stamps)
    parser = Parser()
    if not _has_markers(file, (b"AWS::CloudFormation::Stack", b"AWS::Serverless::Application")) \
            and not _parents_of(file, parser):
        return None
    roots = tuple(sorted(os.path.realpath(r) for r in _roots_of(file, parser)))
    return ("nested", roots, os.stat(file).st_mtime_ns)


def clear() -> None:
    """Forget every application found from a location (tests change files between runs)."""
    _FOUND.clear()
    _PARENTS.clear()


Factory = Callable[..., Any]
