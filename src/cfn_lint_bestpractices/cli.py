"""`cfn-lint-bestpractices`: cfn-lint with the pack appended, one template at a time.

    cfn-lint-bestpractices [cfn-lint options] [--] templates...   lint (every cfn-lint option passes through)
        --jobs N        lint the files in N worker processes (same findings, same order)
        --shard I/N     lint only the I-th of N shares of the files (for a CI matrix of N runners)
        --write-baseline FILE   record the current findings in FILE and exit 0
        --baseline FILE         report only the findings that FILE does not hold (see baseline.py)
        (and the options in options.py: --changed-since, --sarif-file, --skip-non-templates, -x)
    cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [--] templates...   apply fixes (fixes/command.py)
    cfn-lint-bestpractices rules [--markdown]                     list the pack's rules
    cfn-lint-bestpractices rule W9501                             print a rule's page

Each template is linted on its own: when cfn-lint itself fails on one, that file gets an error finding
and every other file keeps its findings. Output formats and exit codes are cfn-lint's.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Iterator, Sequence

from cfnlint.config import _DEFAULT_RULESDIR, ConfigFileError, ConfigMixIn
from cfnlint.rules import Match, Rules
from cfnlint.rules.errors import ConfigError, ParseError
from cfnlint.runner.cli import Runner, get_formatter
from cfnlint.runner.template.runner import run_template_by_file_path

from . import __version__, app_run, discovery, options
from .baseline import Baseline, from_options
from .output import emit as emit_findings
from .rules import ALL_RULES

MODULE = "cfn_lint_bestpractices.rules"
LOGGER = logging.getLogger("cfnlint")


class IsolatingRunner(Runner):
    """cfn-lint's runner, but a template on which cfn-lint raises costs only that template; with
    `jobs` > 1 the files are linted in worker processes, and `shard` (i, n) keeps every n-th file."""

    def __init__(self, config: ConfigMixIn, argv: Sequence[str] = (), jobs: int = 1,
                 shard: tuple[int, int] | None = None, baseline: Baseline | None = None) -> None:
        self.argv = list(argv)
        self.jobs = jobs
        self.shard = shard
        self.baseline = baseline
        super().__init__(config)

    def _get_rules(self) -> None:
        # Keep what the user appends (command line or .cfnlintrc, whichever cfn-lint takes) and add the
        # pack once: appending it twice would be a duplicate-rule error.
        current = [r for r in self.config.append_rules if r != _DEFAULT_RULESDIR]
        if MODULE not in current:
            self.config.cli_args.append_rules = current + [MODULE]
        super()._get_rules()
        # every rule option (command line, .cfnlintrc) is checked once, before any template is linted
        options.check_rule_options(self.config, self.rules)

    def _cli_output(self, matches: list[Match]) -> None:
        # --baseline / --write-baseline act on the matches before any formatter or the exit code sees them
        if self.baseline is not None and not any(isinstance(m.rule, ConfigError) for m in matches):
            linted = self.files() if self.config.templates else []
            kept = self.baseline.apply(matches, linted, deleted_are_stale=not self.shard or self.shard[0] == 1)
            if kept is None:  # --write-baseline: recorded
                sys.exit(0)
            matches = kept
        emit_findings(self.config, self.rules, matches)
        self._exit(matches)

    def _ignore_bad_template(self) -> bool:
        if self.config.ignore_bad_template:
            return True
        return not ParseError().is_enabled(
            include_experimental=False,
            ignore_rules=self.config.ignore_checks,
            include_rules=self.config.include_checks,
            mandatory_rules=self.config.mandatory_checks,
        )

    def lint_file(self, filename: str) -> list[Match]:
        try:
            return list(app_run.lint_file(filename, self.config, self.rules, self._ignore_bad_template()))
        except Exception as err:  # pylint: disable=broad-except
            return [Match.create(
                filename=filename,
                rule=ParseError(),
                message=f"cfn-lint failed on this template and could not lint it ({type(err).__name__}: {err}); "
                        "the other templates were linted",
            )]

    def files(self) -> list[str]:
        """The templates to lint: cfn-lint's sorted, expanded list, cut to this shard. A file goes
        to shard (index mod n) + 1, so every runner of a matrix computes the same split."""
        files = list(self.config.templates)
        if self.shard:
            i, n = self.shard
            files = [f for k, f in enumerate(files) if k % n == i - 1]
        return files

    def run(self) -> Iterator[Match]:
        if self.config.deployment_files or self.config.parameter_files or not self.config.templates:
            yield from super().run()
            return
        files = app_run.prepare(self.files())  # one application for the run (and nested children)
        if self.jobs > 1 and len(files) > 1:
            yield from self._run_in_workers(files)
            return
        for filename in files:
            yield from self.lint_file(filename)

    def _run_in_workers(self, files: list[str]) -> Iterator[Match]:
        # Workers send back plain rows, which become matches of this process's rules again, in the
        # order of the files. A forked worker inherits this runner with its rules already loaded;
        # under another start method each worker builds its own from the same arguments.
        global _WORKER  # pylint: disable=global-statement
        if multiprocessing.get_start_method() == "fork":
            _WORKER, init, init_args = self, None, ()
        else:
            init, init_args = _start_worker, (self.argv,)
        with ProcessPoolExecutor(min(self.jobs, len(files)), initializer=init, initargs=init_args) as pool:
            for rows in pool.map(_lint_in_worker, files):
                for row in rows:
                    yield self._match_from_row(row)

    def _match_from_row(self, row: dict) -> Match:
        rule = self.rules.data.get(row["rule"]) or ParseError()
        found = _Found(row["path"]) if row["path"] is not None else None
        match = Match(message=row["message"], rule=rule, filename=row["filename"], linenumber=row["line"],
                      columnnumber=row["column"], linenumberend=row["line_end"],
                      columnnumberend=row["column_end"], parent_id=row["parent_id"], rulematch_obj=found)
        for name in ("construct_path", "stable_message"):  # construct_paths.py
            if row.get(name):
                object.__setattr__(match, name, row[name])  # Match is frozen; cfn-lint adds attributes so too
        return match


class _Found:
    """What a worker's match carried besides its position: the path inside the template."""

    def __init__(self, path: list) -> None:
        self.path = path
        self.path_string = "/".join(map(str, path))


_WORKER: IsolatingRunner | None = None


def _start_worker(argv: list[str]) -> None:
    global _WORKER  # pylint: disable=global-statement
    logging.disable(logging.WARNING)  # the parent reports; workers only lint
    _WORKER = IsolatingRunner(options.make_config(*options.prepare(argv)), argv)


def _lint_in_worker(filename: str) -> list[dict]:
    assert _WORKER is not None
    rows = []
    for m in _WORKER.lint_file(filename):
        path = getattr(m, "path", None)
        # plain types only: cfn-lint's YAML string nodes do not pickle
        rows.append({"rule": str(m.rule.id), "message": str(m.message), "filename": str(m.filename),
                     "line": int(m.linenumber), "column": int(m.columnnumber), "line_end": int(m.linenumberend),
                     "column_end": int(m.columnnumberend), "parent_id": m.parent_id and str(m.parent_id),
                     "path": [p if isinstance(p, int) else str(p) for p in path] if path is not None else None,
                     "construct_path": getattr(m, "construct_path", None),
                     "stable_message": getattr(m, "stable_message", None)})
    return rows


def rules_table() -> str:
    """The README's rule table, made from the rules themselves (tests/test_docs.py keeps them equal)."""
    lines = ["| id | severity | rule | options |", "|---|---|---|---|"]
    for cls in sorted(ALL_RULES, key=lambda c: (c.id[1:], c.id)):
        rule = cls()
        options = ", ".join(f"`{name}`" for name in rule.options) or "none"
        lines.append(f"| [{rule.id}](rules/{rule.id}.md) | {rule.severity} | {rule.shortdesc} | {options} |")
    return "\n".join(lines)


def _list_rules(markdown: bool = False) -> int:
    if markdown:
        print(rules_table())
        return 0
    for cls in sorted(ALL_RULES, key=lambda c: c.id):
        rule = cls()
        print(f"{rule.id}  {rule.severity:<13} {rule.shortdesc}")
    return 0


def _page(rule_id: str) -> int:
    known = {cls.id.upper(): cls.id for cls in ALL_RULES}
    rid = known.get(rule_id.upper())
    if rid is None:
        print(f"cfn-lint-bestpractices: no rule {rule_id!r}; `cfn-lint-bestpractices rules` lists them",
              file=sys.stderr)
        return 1
    # wrapped to the terminal (100 columns when piped), escape codes only on a terminal
    from .page_render import render, terminal_width, use_color
    print(render(page_text(rid), terminal_width(), use_color()), end="")
    return 0


def page_text(rule_id: str) -> str:
    """A rule's page: shipped in the package (cfn_lint_bestpractices.pages), or, in an editable
    install that does not map that package, read from the checkout's rules/ folder."""
    try:
        return resources.files("cfn_lint_bestpractices.pages").joinpath(f"{rule_id}.md").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parents[2] / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")


def _own_options(args: list[str]) -> tuple[list[str], int, tuple[int, int] | None, Baseline | None]:
    """Take --jobs, --shard, --baseline and --write-baseline out of the arguments (before any "--");
    the rest is cfn-lint's."""
    found: dict = {"jobs": 1, "shard": None}
    baselines: dict[str, str] = {}

    def baseline(name: str):
        def take(value: str) -> None:
            if not value:
                raise ValueError(f"{name} needs a file name")
            baselines[name] = value
        return take

    def jobs(value: str) -> None:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"--jobs takes a whole number of at least 1, not {value!r}")
        found["jobs"] = int(value)

    def shard(value: str) -> None:
        index, _, count = value.partition("/")
        if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise ValueError(f"--shard takes I/N with 1 <= I <= N, not {value!r}")
        found["shard"] = (int(index), int(count))

    rest = options.take_options(args, {"--jobs": jobs, "--shard": shard, "--baseline": baseline("--baseline"),
                                       "--write-baseline": baseline("--write-baseline")})
    return rest, found["jobs"], found["shard"], from_options(baselines.get("--baseline"),
                                                             baselines.get("--write-baseline"))


def make_pack_config(args: list[str]):
    """(cfn-lint's configuration with the pack's options, 0), or (None, exit code) when the
    arguments, a config file or the templates' discovery are wrong (the reason has been printed)."""
    try:
        cfn_lint_args, pack = options.prepare(args)
    except (ValueError, options.UsageError) as err:
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    try:
        config = options.make_config(cfn_lint_args, pack)
    except ConfigFileError as err:
        if err.config is not None:
            output = get_formatter(err.config).print_matches([Match(str(err), ConfigError(), None)], Rules(),
                                                             config=err.config)
            print(output or str(err))
        else:
            print(str(err))
        return None, 1
    except SystemExit as exit_:  # argparse: --help, or a bad option (it has printed why)
        return None, int(exit_.code or 0)
    except Exception as err:  # pylint: disable=broad-except
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    try:
        found = config.discovery()
    except discovery.DiscoveryError as err:
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    discovery.report(found, pack.changed_since)
    if found is not None and not found.files and not config.deployment_files and not found.found_any:
        print("cfn-lint-bestpractices: no templates to lint: nothing matches "
              + " ".join(repr(p) for p in found.empty_patterns), file=sys.stderr)
        return None, 1
    return config, 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["rules"]:
        return _list_rules(markdown=args[1:] == ["--markdown"])
    if args[:1] == ["fix"]:
        from .fixes.command import main as fix_main
        return fix_main(args[1:])
    if args[:1] == ["rule"]:
        if len(args) != 2:
            print("usage: cfn-lint-bestpractices rule RULE_ID", file=sys.stderr)
            return 1
        return _page(args[1])
    if options.asks_version(args):
        print(options.version_text())
        return 0
    if options.asks_help(args):
        print(options.HELP)  # then cfn-lint's own help
    try:
        args, jobs, shard, baseline = _own_options(args)
    except (ValueError, options.UsageError) as err:
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return 1
    config, code = make_pack_config(args)
    if config is None:
        return code
    found = config.discovery()
    nothing_to_lint = found is not None and not found.files and not config.deployment_files
    try:
        runner = IsolatingRunner(config, args, jobs, shard, baseline)
        if nothing_to_lint:  # every file skipped or unchanged: an empty report, exit 0
            runner._cli_output([])  # pylint: disable=protected-access
        runner.cli()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except options.UsageError as err:
        for line in str(err).splitlines():
            print(f"cfn-lint-bestpractices: {line}", file=sys.stderr)
        return 1
    except ImportError as err:  # an output format whose optional dependency is missing
        print(f"cfn-lint-bestpractices: {options.extras_hint(err)}", file=sys.stderr)
        return 1
    except Exception as err:  # pylint: disable=broad-except
        print(f"cfn-lint-bestpractices: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


def entry() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `cfn-lint-bestpractices rule W9501 | head`
        sys.stderr.close()
        code = 0
    sys.exit(code)
