"""Linting the files of a run: the result cache, the progress indicator and the worker processes.

    --pack-only        run only the pack's rules (packonly.py): the pack's findings of a full run
    --cache-dir DIR    where the result cache lives (default: the user's cache folder; cache.py)
    --no-cache         lint every template, read and write no cache entry (so does the environment
                       variable CFN_LINT_BESTPRACTICES_NO_CACHE=1)
    --no-progress      no progress indicator, even on a terminal

For each file the cache is asked first; the files it does not know are linted, in this process or,
with `--jobs N`, in N worker processes, and their findings stored. The findings come back in the
order of the files, whichever way they were found. A worker (and the cache) hands back plain rows,
which become matches of this process's rules again.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterator

from cfnlint.rules import Match

from . import cache as result_cache
from . import options, progress
from .output import _has_fix


@dataclass
class SpeedOptions:
    pack_only: bool = False
    cache_dir: str | None = None
    no_cache: bool = False
    no_progress: bool = False


def runner_class(speed: SpeedOptions) -> type:
    if speed.pack_only:
        from .packonly import PackOnlyRunner

        return PackOnlyRunner
    from .cli import IsolatingRunner

    return IsolatingRunner


def row(match: Match) -> dict:
    """A match as plain types (cfn-lint's YAML string nodes do not pickle, and JSON wants plain)."""
    path = getattr(match, "path", None)
    return {"rule": str(match.rule.id), "message": str(match.message), "filename": str(match.filename),
            "line": int(match.linenumber), "column": int(match.columnnumber),
            "line_end": int(match.linenumberend), "column_end": int(match.columnnumberend),
            "parent_id": match.parent_id and str(match.parent_id),
            "path": [p if isinstance(p, int) else str(p) for p in path] if path is not None else None,
            "fixable": _has_fix(match),  # the summary counts what `fix` could fix
            # the construct path of the finding's resource, and its message in construct paths (construct_paths.py)
            "construct_path": getattr(match, "construct_path", None),
            "stable_message": getattr(match, "stable_message", None)}


def _lint_counting_rules(runner: Any, filename: str) -> tuple[list[Match], list[str]]:
    """The file's matches, and the ids of the rules that ran on it (cfn-lint's `used_rules`, which
    the pretty and junit formats report)."""
    used = runner.rules.used_rules
    before = dict(used)
    used.clear()
    try:
        matches = list(runner.lint_file(filename))
        ran = list(used)
    finally:
        used.update(before)
    return matches, ran


def open_cache(runner: Any) -> result_cache.ResultCache | None:
    speed: SpeedOptions = runner.speed
    if speed.no_cache or result_cache.disabled_by_environment() or runner.config.build_graph:  # a hit would not write the graph's .dot file
        return None
    directory = speed.cache_dir or result_cache.default_directory()
    settings = result_cache.configuration(runner.config, runner.rules, speed.pack_only)
    return result_cache.ResultCache(directory, result_cache.digest(settings), depends_on=_dependencies)


def _dependencies(filename: str) -> list[str]:
    """The other templates of the run's application whose content can change `filename`'s findings
    (stacks it imports from or exports to, its parent and children): a change in any of them makes
    its cached findings a miss."""
    from .model.locate import run_application

    app = run_application()
    return app.dependencies(filename) if app is not None else []


def lint_files(runner: Any, files: list[str]) -> Iterator[Match]:
    """The matches of `files`, in their order: from the cache, else linted (and then cached)."""
    speed: SpeedOptions = runner.speed
    store = open_cache(runner)
    runner.result_cache = store
    shown = progress.Progress(len(files), not speed.no_progress and progress.wanted())
    progress.current = shown
    results: dict[int, list[Match]] = {}
    keys: dict[int, str | None] = {}
    misses = []
    hits = 0
    try:
        for index, filename in enumerate(files):
            if store is not None:
                key = keys[index] = store.key(filename)
                body = store.get(key) if key else None
                if body is not None:
                    results[index] = _matches(runner, body["rows"], body["used_rules"])
                    hits += 1
                    shown.advance()
                    continue
            misses.append(index)
        if runner.jobs > 1 and len(misses) > 1:
            found = _in_workers(runner, [files[i] for i in misses])
            for index, (rows, used) in zip(misses, found):
                results[index] = _matches(runner, rows, used)
                if store is not None and keys.get(index):
                    store.put(keys[index], rows, used)
                shown.advance()
        else:
            for index in misses:
                shown.file(files[index])
                matches, used = _lint_counting_rules(runner, files[index])
                results[index] = matches
                if store is not None and keys.get(index):
                    store.put(keys[index], [row(m) for m in matches], used)
                shown.advance()
    finally:
        summary = getattr(runner, "summary", None)
        if summary is not None and store is not None:
            summary.cache_hits = hits  # the closing summary says how many came from the cache
        shown.close()
        progress.current = progress.Progress(0, False)
        if store is not None and store.writes:
            store.evict()
    for index in range(len(files)):
        yield from results[index]


def _matches(runner: Any, rows: list[dict], used: list[str]) -> list[Match]:
    for rule_id in used:
        rule = runner.rules.data.get(rule_id)
        if rule is not None:
            runner.rules.used_rules[rule_id] = rule
    return [runner._match_from_row(r) for r in rows]  # pylint: disable=protected-access


# --- worker processes ------------------------------------------------------------------------------

_WORKER: Any = None


def _in_workers(runner: Any, files: list[str]) -> Iterator[tuple[list[dict], list[str]]]:
    """(rows, rules that ran) of each file, in order, from `runner.jobs` worker processes. A forked
    worker inherits this runner with its rules already loaded; under another start method each
    worker builds its own from the same arguments."""
    global _WORKER  # pylint: disable=global-statement
    if multiprocessing.get_start_method() == "fork":
        _WORKER, init, init_args = runner, None, ()
    else:
        init, init_args = _start_worker, (runner.argv, type(runner), runner.speed)
    with ProcessPoolExecutor(min(runner.jobs, len(files)), initializer=init, initargs=init_args) as pool:
        yield from pool.map(_lint_in_worker, files)


def _start_worker(argv: list[str], cls: type, speed: SpeedOptions) -> None:
    global _WORKER  # pylint: disable=global-statement
    import logging

    logging.disable(logging.WARNING)  # the parent reports; workers only lint
    _WORKER = cls(options.make_config(*options.prepare(argv)), argv)
    _WORKER.speed = speed


def _lint_in_worker(filename: str) -> tuple[list[dict], list[str]]:
    assert _WORKER is not None
    if progress.current.enabled:  # a forked worker inherits the parent's indicator: only the parent draws
        progress.current = progress.Progress(0, False)
    matches, used = _lint_counting_rules(_WORKER, filename)
    return [row(m) for m in matches], used
