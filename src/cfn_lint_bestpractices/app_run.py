"""The pack command's side of applications: one application for the run, each template parsed once.

`prepare(files)` builds the run's application from the templates the command lints (model/locate.py
says which templates take part), makes it the one every rule's model reads, says once on stderr which
nested stacks cannot be followed, and returns the files to lint: the given ones and the local nested
stack templates they bring. `lint_file` lints a template from the application's parse of it, so that
cfn-lint does not decode it a second time.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from cfnlint.runner.template.runner import run_template_by_file_path

from . import construct_paths
from .model.application import Application
from .model.locate import Parser, build_application, run_application, use_run


def prepare(files: list[str], err: Any = None) -> list[str]:
    if not files:
        use_run(None)
        return files
    app = build_application(files, Parser())
    use_run(app)
    _say_unfollowed(app, err or sys.stderr)
    given = {os.path.realpath(f) for f in files}
    extra: list[str] = []
    todo = list(given)
    while todo:  # the local children of the given templates, theirs, ... (those that do not parse too)
        for child in app.child_files.get(todo.pop(), []):
            real = os.path.realpath(child)
            if real not in given:
                given.add(real)
                todo.append(real)
                extra.append(os.path.relpath(child) if not os.path.isabs(files[0]) else child)
    return list(files) + sorted(extra)


def _say_unfollowed(app: Application, err: Any) -> None:
    found = app.notices.unfollowed
    if not found:
        return
    shown = ", ".join(f"{os.path.relpath(parent)}: {lid} ({where})" for parent, lid, where in found[:5])
    more = ", ..." if len(found) > 5 else ""
    noun = "nested stack" if len(found) == 1 else "nested stacks"
    print(f"cfn-lint-bestpractices: {len(found)} {noun} cannot be followed, so their parameters and outputs "
          f"are unknown: {shown}{more}", file=err)


def decoded(filename: str) -> tuple[Any, list] | None:
    """cfn-lint's decoding of a template the run's application parsed (template, decode matches), taken
    from it so that cfn-lint does not decode the file a second time; None when it has none."""
    app = run_application()
    parser = getattr(app, "parser", None)
    hit = parser.take(filename) if parser is not None else None
    if hit is None or (hit[0] is None and not hit[1]):
        return None  # not parsed here, or the decoder failed: cfn-lint decodes it and says why
    return hit


def run_template(filename: str, template: Any, config: Any, rules: Any) -> list[Any]:
    """cfn-lint's run of one decoded template, each match with the construct path of its resource."""
    from cfnlint.runner.template.runner import _run_template  # the step after decoding

    return annotate(filename, template, _run_template(filename, template, config, rules))


def annotate(filename: str, template: Any, matches: Any) -> list[Any]:
    """The matches of one template, each with the construct path of its resource (construct_paths.py)."""
    found = list(matches)
    app = run_application()
    stacks = app.stacks_of(filename) if app is not None else []
    construct_paths.annotate(found, template, stacks[0] if stacks else None, app)
    return found


def lint_file(filename: str, config: Any, rules: Any, ignore_bad_template: bool) -> list[Any]:
    """cfn-lint's run of one template (from the application's parse of it when it has one), each match
    with the construct path of its resource: what the command does, without its template settings
    check (the benchmark's measure)."""
    hit = decoded(filename)
    if hit is None:
        hit = Parser().decode(filename) if filename != "-" else None
    if hit is None or hit[1] or hit[0] is None:  # a template that does not parse: cfn-lint says why
        return list(run_template_by_file_path(filename, config, rules, ignore_bad_template))
    return run_template(filename, hit[0], config, rules)
