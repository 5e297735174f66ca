"""`cfn-lint-bestpractices`: cfn-lint with the pack appended, one template at a time.

    cfn-lint-bestpractices [cfn-lint options] [--] templates...   lint (every cfn-lint option passes through)
        the pack's options: options.PACK_OPTIONS (--jobs, --shard, --baseline, --write-baseline,
        --changed-since, --sarif-file, --skip-non-templates, --no-respect-gitignore, --pack-only,
        --cache-dir, --no-cache, --no-progress), and -x; batch.py runs the files (cache, workers)
    cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [--] templates...   apply fixes (fixes/command.py)
    cfn-lint-bestpractices rules [--markdown] [PREFIX ...]        list the pack's rules
    cfn-lint-bestpractices rule W9501                             print a rule's page

Each template is linted on its own: when cfn-lint itself fails on one, that file gets an error finding
and every other file keeps its findings. Output formats and exit codes are cfn-lint's; the text formats
end with a summary on stderr. Usage errors (exit 1) are found before anything is linted: no templates,
an unknown command, a bad option or rule option, a destination that cannot be written, a missing extra.
"""

from __future__ import annotations

import difflib
import glob
import json
import logging
import os
import re
import sys
import time
from typing import Any, Iterator, Sequence

from cfnlint.config import _DEFAULT_RULESDIR, ConfigFileError, ConfigMixIn
from cfnlint.decode import cfn_json, cfn_yaml, decode
from cfnlint.decode.decode import _decode
from cfnlint.rules import Match, RuleMatch, Rules
from cfnlint.rules.errors import ConfigError, ParseError
from cfnlint.runner.cli import Runner, get_formatter
from cfnlint.runner.template.runner import _run_template
from cfnlint.version import __version__ as CFN_LINT_VERSION

from . import __version__, app_run, batch, discovery, options
from .baseline import Baseline, BaselineError, from_options
from .output import Summary, check_destination, print_summary
from .output import emit as emit_findings
from .page_render import page_text  # noqa: F401  (cli.page_text: the name tests and tools know)
from .rules import ALL_RULES

MODULE = "cfn_lint_bestpractices.rules"
LOGGER = logging.getLogger("cfnlint")
COMMANDS = ("fix", "rules", "rule")
# a word that names a template rather than a command
_TEMPLATE_SUFFIX = re.compile(r"\.(json|ya?ml|template|txt)$", re.IGNORECASE)
# where a template's own rule options live
METADATA_SETTINGS = ["Metadata", "cfn-lint", "config", "configure_rules"]


class IsolatingRunner(Runner):
    """cfn-lint's runner, but a template on which cfn-lint raises costs only that template; with
    `jobs` > 1 the files are linted in worker processes, and `shard` (i, n) keeps every n-th file."""

    speed = batch.SpeedOptions()  # --pack-only, the cache, the progress indicator

    # one template's run in two steps, decoding and linting the decoded template (packonly.py has
    # its own of both)
    @staticmethod
    def decode(filename: str) -> tuple[Any, list[Match]]:
        return decode(filename)

    @staticmethod
    def run_decoded(filename: str, template: Any, config: ConfigMixIn, rules: Rules) -> Iterator[Match]:
        return _run_template(filename, template, config, rules)

    def __init__(self, config: ConfigMixIn, argv: Sequence[str] = (), jobs: int = 1,
                 shard: tuple[int, int] | None = None, baseline: Baseline | None = None,
                 started: float | None = None) -> None:
        self.argv = list(argv)
        self.jobs = jobs
        self.shard = shard
        self.baseline = baseline
        self.summary = Summary() if started is None else Summary(started=started)
        super().__init__(config)
        # what the findings depend on besides the templates, read before any template's Metadata is
        # merged into the configuration (a baseline records it)
        self.configuration = run_configuration(config)

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
        # --baseline / --write-baseline act on the matches before any formatter or the exit code sees them;
        # a configuration file that cfn-lint could not read (a ConfigError without a file) is shown as is
        if self.baseline is not None and not any(isinstance(m.rule, ConfigError) and not m.filename for m in matches):
            linted = self.files() if self.config.templates else []
            before = len(matches)
            kept = self.baseline.apply(matches, linted, deleted_are_stale=not self.shard or self.shard[0] == 1,
                                       configuration=self.configuration)
            if kept is None:  # --write-baseline: recorded
                sys.exit(0)
            matches = kept
            self.summary.hidden_by_baseline = before - len(matches)
        emit_findings(self.config, self.rules, matches)
        self.summary.templates = len(self.files()) if self.config.templates else 0
        print_summary(self.config, self.summary, matches)
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
            # what cfn-lint's run_template_by_file_path does, with standard input for "-", the template's
            # own rule options checked between decoding and linting, and the application's parse of the
            # template (decoded once per run) and construct paths on its matches (app_run.py)
            if filename == "-":
                template, matches = _decode_stdin()
            else:
                template, matches = app_run.decoded(filename) or self.decode(filename)
            if matches:
                if self._ignore_bad_template() or any("E0000".startswith(x) for x in self.config.ignore_checks):
                    matches = [m for m in matches if m.rule.id != "E0000"]
                return list(matches)
            found = self._template_settings(filename, template)
            return found + app_run.annotate(filename, template,
                                            self.run_decoded(filename, template, self.config, self.rules))
        except Exception as err:  # pylint: disable=broad-except
            return [Match.create(
                filename=filename,
                rule=ParseError(),
                message=f"cfn-lint failed on this template and could not lint it ({type(err).__name__}: {err}); "
                        "the other templates were linted",
            )]

    def _template_settings(self, filename: str, template: Any) -> list[Match]:
        """The template's `Metadata: cfn-lint: config: configure_rules`, checked as -x is: a rule that
        does not exist, an option it does not have or a value of the wrong type is an E0003 finding (cfn-lint's
        configuration error) at that line, and the setting is dropped so the rule runs with its default;
        the other templates are not concerned. Values are converted as -x converts them."""
        node: Any = template
        for key in METADATA_SETTINGS:
            if not isinstance(node, dict) or key not in node:
                return []
            node = node[key]
        self.config.set_template_args(template)  # this template's own ignore_checks apply to E0003 too
        enabled = ConfigError().is_enabled(include_experimental=False, ignore_rules=self.config.ignore_checks,
                                           include_rules=self.config.include_checks,
                                           mandatory_rules=self.config.mandatory_checks)
        source = "Metadata cfn-lint config configure_rules"
        problems: list[tuple[list, str]] = []
        marks: dict[tuple, Any] = {}
        if not isinstance(node, dict):
            problems.append(([], f"{source} takes RULE: {{option: value}} pairs, not {node!r}"))
        else:
            marks = {(rule_id,): _mark(node, rule_id) for rule_id in node}
            marks.update({(rule_id, name): _mark(values, name) for rule_id, values in node.items()
                          if isinstance(values, dict) for name in values})
            if options.FILE_SECTION in node:
                problems.append(([options.FILE_SECTION], f"{source}: the command's own options "
                                 f"({options.FILE_SECTION}) are read from .cfnlintrc, not from a template"))
                del node[options.FILE_SECTION]
            problems += options.setting_problems(node, self.rules, source)
        if not enabled:
            return []
        found = []
        for where, message in problems:
            mark = marks.get(tuple(where)) if where else _mark(template["Metadata"]["cfn-lint"]["config"],
                                                              "configure_rules")
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            found.append(Match.create(filename=filename, rule=ConfigError(), message=message, linenumber=line,
                                      columnnumber=column, linenumberend=line, columnnumberend=column,
                                      rulematch_obj=RuleMatch(METADATA_SETTINGS + list(where), message)))
        return found

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
        # one application for the run: the given templates and the nested children they bring (app_run.py)
        yield from batch.lint_files(self, app_run.prepare(self.files()))

    def _match_from_row(self, row: dict) -> Match:
        rule = self.rules.data.get(row["rule"]) or ParseError()
        found = _Found(row["path"], row.get("fixable", False))
        match = Match(message=row["message"], rule=rule, filename=row["filename"], linenumber=row["line"],
                      columnnumber=row["column"], linenumberend=row["line_end"],
                      columnnumberend=row["column_end"], parent_id=row["parent_id"], rulematch_obj=found)
        for name in ("construct_path", "stable_message"):  # construct_paths.py
            if row.get(name):
                object.__setattr__(match, name, row[name])  # Match is frozen; cfn-lint adds attributes so too
        return match


def _mark(mapping: Any, key: str) -> Any:
    """Where a key of a decoded mapping starts (cfn-lint's nodes carry it), or None."""
    for k in mapping if isinstance(mapping, dict) else ():
        if k == key:
            return getattr(k, "start_mark", None)
    return None


def _decode_stdin():
    """A template read from standard input, named "-" in the findings."""
    text = sys.stdin.read()
    return _decode(cfn_yaml.loads, cfn_json.loads, text, "-")


def run_configuration(config: Any) -> dict:
    """What a run's findings depend on besides the templates: the versions, the checks chosen, the
    regions and the rule options (a baseline records it, to tell a changed configuration from fixes)."""
    settings = config.configure_rules or {}
    settings = {k: v for k, v in settings.items() if k != options.FILE_SECTION} if isinstance(settings, dict) else {}
    return {
        "cfn-lint": CFN_LINT_VERSION,
        "cfn-lint-bestpractices": __version__,
        "append_rules": sorted(str(r) for r in config.append_rules if r not in (MODULE, _DEFAULT_RULESDIR)),
        "configure_rules": json.loads(json.dumps(settings, sort_keys=True, default=str)),
        "ignore_checks": sorted(str(c) for c in config.ignore_checks),
        "include_checks": sorted(str(c) for c in config.include_checks),
        "include_experimental": bool(config.include_experimental),
        "mandatory_checks": sorted(str(c) for c in config.mandatory_checks),
        "regions": sorted(str(r) for r in config.regions),
    }


class _Found:
    """What a worker's match carried besides its position: the path inside the template, and whether
    its rule offers a fix."""

    def __init__(self, path: list | None, fixable: bool) -> None:
        if path is not None:
            self.path = path
            self.path_string = "/".join(map(str, path))
        self.fixable = fixable


def rules_table() -> str:
    """The README's rule table, made from the rules themselves (tests/test_docs.py keeps them equal)."""
    lines = ["| id | severity | rule | options |", "|---|---|---|---|"]
    for cls in sorted(ALL_RULES, key=lambda c: (c.id[1:], c.id)):
        rule = cls()
        options_ = ", ".join(f"`{name}`" for name in rule.options) or "none"
        lines.append(f"| [{rule.id}](rules/{rule.id}.md) | {rule.severity} | {rule.shortdesc} | {options_} |")
    return "\n".join(lines)


def _rules_command(args: list[str]) -> int:
    """`rules [--markdown] [PREFIX ...]`: the rules (those whose id starts with a prefix), one a line on
    stdout; a header and a footer on stderr, so that `rules | grep` and `rules > file` get rules only."""
    flags = [a for a in args if a.startswith("-")]
    prefixes = [a.upper() for a in args if not a.startswith("-")]
    unknown = [f for f in flags if f != "--markdown"]
    if unknown:
        print(f"cfn-lint-bestpractices rules: no option {unknown[0]!r}\n"
              "usage: cfn-lint-bestpractices rules [--markdown] [PREFIX ...]   e.g. `rules W95 E96`", file=sys.stderr)
        return 1
    if "--markdown" in flags and not prefixes:
        print(rules_table())
        return 0
    chosen = sorted((cls() for cls in ALL_RULES if not prefixes or cls.id.upper().startswith(tuple(prefixes))),
                    key=lambda r: r.id)
    if not chosen:
        print(f"cfn-lint-bestpractices rules: no rule id starts with {' or '.join(map(repr, prefixes))}; "
              "`cfn-lint-bestpractices rules` lists them all", file=sys.stderr)
        return 1
    if "--markdown" in flags:
        table = rules_table().splitlines()
        print("\n".join(table[:2] + [line for line in table[2:] if any(f"[{r.id}]" in line for r in chosen)]))
        return 0
    print(f"cfn-lint-bestpractices {__version__}: {len(chosen)} of {len(ALL_RULES)} rules"
          f"{' starting with ' + ', '.join(prefixes) if prefixes else ''} (id, severity, summary)", file=sys.stderr)
    sys.stderr.flush()
    for rule in chosen:
        print(f"{rule.id}  {rule.severity:<13} {rule.shortdesc}")
    sys.stdout.flush()
    print(f"Read a rule's page: cfn-lint-bestpractices rule {chosen[0].id}. Informational rules (I) report only "
          "with --include-checks I.", file=sys.stderr)
    return 0


def _page(rule_id: str) -> int:
    known = {cls.id.upper(): cls.id for cls in ALL_RULES}
    rid = known.get(rule_id.upper())
    if rid is None:
        close = difflib.get_close_matches(rule_id.upper(), list(known), n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        print(f"cfn-lint-bestpractices: no rule {rule_id!r}{hint}; `cfn-lint-bestpractices rules` lists them",
              file=sys.stderr)
        return 1
    # wrapped to the terminal (100 columns when piped), escape codes only on a terminal
    from .page_render import render, terminal_width, use_color
    print(render(page_text(rid), terminal_width(), use_color()), end="")
    return 0


# --- checks before linting -----------------------------------------------------------------------------

def unknown_command(args: list[str]) -> str | None:
    """A usage error for a first template word that is a mistyped (or misplaced) command: not an
    existing file, no path separator, no glob, no template suffix, and close to a command."""
    try:
        cfn_lint_args, _ = options.prepare(args)
    except (ValueError, options.UsageError):
        return None  # make_pack_config says what is wrong
    positionals = cfn_lint_args[cfn_lint_args.index("--") + 1:] if "--" in cfn_lint_args else []
    if not positionals:
        return None
    word = positionals[0]
    if (os.path.exists(word) or "/" in word or os.sep in word or glob.has_magic(word)
            or _TEMPLATE_SUFFIX.search(word) or word == "-"):
        return None
    if word in COMMANDS:
        return f"{word!r} is a command: put it first, `cfn-lint-bestpractices {word} ...`"
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    if not close:
        return None
    return (f"unknown command {word!r}; did you mean `cfn-lint-bestpractices {close[0]}`? (a template "
            f"named {word!r} does not exist either)")


def _swallowed(args: list[str]) -> tuple[str, list[str]] | None:
    """The last list option of cfn-lint's that took two words or more and no template was left: the
    option and its words (`--ignore-templates 'node_modules/**' '**/*.json'`)."""
    found = None
    i = 0
    list_options = {"--ignore-templates", "--template", "-t", "--deployment-files", "--parameter-files",
                    "--registry-schemas"}
    while i < len(args) and args[i] != "--":
        name = args[i].partition("=")[0]
        if name in list_options and "=" not in args[i]:
            j = i + 1
            while j < len(args) and args[j] != "--" and not args[j].startswith("-"):
                j += 1
            if j - i - 1 >= 2:
                found = (name, args[i + 1:j])
            i = j
            continue
        i += 1
    return found


def no_templates_message(args: list[str]) -> str:
    message = ("no templates given: name templates or globs (`cfn-lint-bestpractices \"**/*.yaml\"`), or list them "
               "under `templates:` in .cfnlintrc; `-` reads one template from standard input")
    swallowed = _swallowed(args)
    if swallowed:
        name, words = swallowed
        message += (f" ({name} took every word after it: {' '.join(map(repr, words))}; put `--` before the "
                    f"templates: {name} {words[0]!r} -- {' '.join(map(repr, words[1:]))})")
    return message


def check_extras(config: Any) -> None:
    """An option whose optional dependency is missing, said before linting (cfn-lint would fail on
    the first template, and --build-graph would leave an empty .dot file beside it)."""
    if config.build_graph:
        try:
            import pydot  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        except ImportError:
            raise options.UsageError(f"--build-graph needs pydot: {options.EXTRAS['graph']}") from None


def _no_lint(config: Any) -> bool:
    """cfn-lint's options that do something else than lint (they need no template)."""
    return any(getattr(config, name, False) for name in (
        "listrules", "listtemplates", "update_specs", "patch_specs", "update_documentation", "update_iam_policies"))


def make_pack_config(args: list[str]):
    """(cfn-lint's configuration with the pack's options, 0), or (None, exit code) when the
    arguments, a config file, the destinations or the templates' discovery are wrong (the reason has
    been printed). The pack's options are `config.pack`, the baseline (if any) `config.baseline`."""
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
    except options.UsageError as err:
        for line in str(err).splitlines():
            print(f"cfn-lint-bestpractices: {line}", file=sys.stderr)
        return None, 1
    except Exception as err:  # pylint: disable=broad-except
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    try:
        config.baseline = from_options(pack.baseline, pack.write_baseline)
        check_destination(config.output_file, "--output-file")
        check_destination(config.sarif_file, "--sarif-file")
        check_extras(config)
    except (ValueError, options.UsageError) as err:  # BaselineError is a ValueError
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    try:
        found = config.discovery()
    except discovery.DiscoveryError as err:
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return None, 1
    if found is None and not config.deployment_files and not config.parameter_files and not _no_lint(config):
        print(f"cfn-lint-bestpractices: {no_templates_message(args)}", file=sys.stderr)
        return None, 1
    discovery.report(found, pack.changed_since)
    if found is not None and not found.files and not config.deployment_files and not found.found_any:
        patterns = found.empty_patterns + [p for p, _ in found.ignored_patterns]
        print("cfn-lint-bestpractices: no templates to lint: nothing matches "
              + " ".join(repr(p) for p in patterns)
              + (" outside what git ignores" if found.ignored_patterns else ""), file=sys.stderr)
        return None, 1
    return config, 0


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["rules"]:
        return _rules_command(args[1:])
    if args[:1] == ["fix"]:
        from .fixes.command import main as fix_main
        return fix_main(args[1:])
    if args[:1] == ["rule"]:
        if len(args) != 2 or args[1].startswith("-"):
            print("usage: cfn-lint-bestpractices rule RULE_ID   e.g. `rule W9501`", file=sys.stderr)
            return 1
        return _page(args[1])
    if options.asks_version(args):
        print(options.version_text())
        return 0
    if options.asks_help(args):
        print(options.help_text())  # then cfn-lint's own help
    else:
        typo = unknown_command(args)
        if typo:
            print(f"cfn-lint-bestpractices: {typo}", file=sys.stderr)
            return 1
    config, code = make_pack_config(args)
    if config is None:
        return code
    pack = config.pack
    found = config.discovery()
    nothing_to_lint = found is not None and not found.files and not config.deployment_files
    try:
        speed = batch.SpeedOptions(pack_only=pack.pack_only, cache_dir=pack.cache_dir, no_cache=not pack.cache,
                                   no_progress=not pack.progress)
        runner = batch.runner_class(speed)(config, args, pack.jobs, pack.shard, config.baseline, started=started)
        runner.speed = speed
        if nothing_to_lint:  # every file skipped or unchanged: an empty report, exit 0
            runner._cli_output([])  # pylint: disable=protected-access
        runner.cli()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except options.UsageError as err:
        for line in str(err).splitlines():
            print(f"cfn-lint-bestpractices: {line}", file=sys.stderr)
        return 1
    except BaselineError as err:
        print(f"cfn-lint-bestpractices: {err}", file=sys.stderr)
        return 1
    except ImportError as err:  # an output format whose optional dependency is missing
        print(f"cfn-lint-bestpractices: {options.extras_hint(err)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `... | head`: entry() ends quietly
        raise
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
