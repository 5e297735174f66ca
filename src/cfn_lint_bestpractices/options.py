"""The command's own options, and what it does to cfn-lint's before cfn-lint parses them.

- The pack's options (`--jobs`, `--shard`, `--baseline`, `--write-baseline`, `--changed-since`,
  `--sarif-file`, `--skip-non-templates`, `--no-respect-gitignore`) are one table, `PACK_OPTIONS`: its flag,
  its parser, and its key in `.cfnlintrc` (under `configure_rules: cfn-lint-bestpractices:`, the one place
  of a `.cfnlintrc` that plain cfn-lint accepts and ignores) when the option may live there. The command
  line wins over the file.
- `-x/--configure-rule RULE:option=value` is parsed here rather than by cfn-lint, so that a value may
  hold commas, colons and equals signs, and a list option may be given (`-x W9501:exempt_functions=A.*,B`
  or as JSON, `-x 'W9501:exempt_functions=["A{1,3}", "B"]'`). Every rule option, from the command line,
  .cfnlintrc or a template's Metadata, is checked against the rule's definition.
- cfn-lint's list options (`--ignore-checks`, `--regions`, `--append-rules`, ...) take every following
  word, so `--ignore-checks W9804 template.yaml` would swallow the template; here such an option's
  values end at the first word that cannot be one (a path), and the paths are put after `--`. That is
  what lets pre-commit put `args:` before the file names.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from cfnlint.config import CliArgs
from cfnlint.version import __version__ as CFN_LINT_VERSION

from . import __version__, links
from .discovery import PackConfig


def _home() -> str:
    home = links.repository()
    return f" ({home})" if home else ""


def help_text() -> str:
    """The pack's part of --help (cfn-lint's own follows)."""
    return f"""\
cfn-lint-bestpractices {__version__}: cfn-lint with the cfn-lint-bestpractices rules appended{_home()}

usage:
  cfn-lint-bestpractices [options] [--] TEMPLATE_OR_GLOB ...   lint (every cfn-lint option below works)
  cfn-lint-bestpractices fix [--diff] [--unsafe] [--select IDS] [options] [--] TEMPLATE ...
                                                               apply the fixes the rules offer (fix --help)
  cfn-lint-bestpractices rules [--markdown] [PREFIX ...]       list the pack's rules (those whose id starts so)
  cfn-lint-bestpractices rule RULE_ID                          print a rule's page, e.g. `rule W9501`
  cfn-lint-bestpractices --version                             the pack's and cfn-lint's versions

the pack's options:
{options_help()}
  -x RULE:OPTION=VALUE     configure a rule; a list option takes VALUE,VALUE or a JSON list,
                           e.g. -x W9501:exempt_functions=Legacy.*,Batch or
                           -x 'W9501:exempt_functions=["a{{1,3}}", "b"]'; unknown options, values of the
                           wrong type and bad regular expressions are usage errors (exit 1)

in .cfnlintrc, under `configure_rules:` as `cfn-lint-bestpractices:` (plain cfn-lint accepts and
ignores it): {file_options_help()}; the command line wins.

which files: a path is linted as named (`-` reads one template from standard input); a glob (quote it:
"templates/**/*.yaml") is expanded here, leaving out what git ignores, a file it finds that is not a
CloudFormation or SAM template (no Resources, AWSTemplateFormatVersion or Transform at the top level) is
skipped with a notice, and a glob that matches nothing is a notice. No templates at all is a usage error.
Each template is linted on its own: when cfn-lint fails on one, it gets an E0000 finding and the others
keep theirs. Exit codes are cfn-lint's (bit 2 errors, 4 warnings, 8 informational; 1 usage error).

cfn-lint's options:
"""

# pip extras that make cfn-lint's optional output work (the pack's extras install cfn-lint's)
EXTRAS = {
    "sarif": "pip install 'cfn-lint-bestpractices[sarif]' (cfn-lint's sarif extra: sarif-om, jschema-to-python)",
    "junit": "pip install 'cfn-lint-bestpractices[junit]' (cfn-lint's junit extra: junit-xml)",
    "graph": "pip install 'cfn-lint-bestpractices[graph]' (cfn-lint's graph extra: pydot)",
}


class UsageError(Exception):
    """Bad options: one message, exit code 1, before any template is linted."""


def version_text() -> str:
    return f"cfn-lint-bestpractices {__version__} (cfn-lint {CFN_LINT_VERSION})"


def _before_dashes(args: list[str]) -> list[str]:
    return args[: args.index("--")] if "--" in args else args


def asks_version(args: list[str]) -> bool:
    return any(a in ("--version", "-v") for a in _before_dashes(args))


def asks_help(args: list[str]) -> bool:
    return any(a in ("--help", "-h") for a in _before_dashes(args))


def extras_hint(err: ImportError) -> str:
    found = re.search(r"optional dependencies (\w+)", str(err))
    if found and found.group(1) in EXTRAS:
        return f"{err}; for --format {found.group(1)}: {EXTRAS[found.group(1)]}"
    if getattr(err, "name", None) == "pydot" or "pydot" in str(err):
        return f"{err}; for --build-graph: {EXTRAS['graph']}"
    return str(err)


# --- the pack's own options: one table ------------------------------------------------------------

# The key of .cfnlintrc's `configure_rules` that holds the pack's options. cfn-lint validates .cfnlintrc
# against a schema that rejects unknown top-level keys, but `configure_rules` takes any key with scalar or
# list values, and cfn-lint configures only the rules it has: plain cfn-lint, the editor and pre-commit
# read the same file without complaint.
FILE_SECTION = "cfn-lint-bestpractices"


def _text(value: Any, where: str) -> str:
    if isinstance(value, str) and value.strip() and not value.startswith("-"):
        return value
    if isinstance(value, str):
        raise UsageError(f"{where} needs a value")
    raise UsageError(f"{where} takes a string, not {value!r}")


def _jobs(value: Any, where: str) -> int:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.isdigit() or int(text) < 1:
        raise UsageError(f"{where} takes a whole number of at least 1, not {value!r}")
    return int(text)


def _shard(value: Any, where: str) -> tuple[int, int]:
    index, _, count = str(value).partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise UsageError(f"{where} takes I/N with 1 <= I <= N, not {value!r}")
    return int(index), int(count)


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise UsageError(f"{where} takes true or false, not {value!r}")


@dataclass(frozen=True)
class PackOption:
    """One of the pack's options. `parse(value, where)` turns the value into its type or raises a
    UsageError naming `where`; a flag without a value has `parse` None and sets `const`. `file_key` is
    its name in .cfnlintrc (None: command line only, and the reason is in `why_not_in_file`)."""

    flag: str
    dest: str
    parse: Callable[[Any, str], Any] | None
    help: str
    metavar: str = ""
    const: Any = True
    file_key: str | None = None
    why_not_in_file: str = ""
    overrides: tuple[str, ...] = ()  # dests whose .cfnlintrc value this option, when given, replaces


PACK_OPTIONS: list[PackOption] = [
    PackOption("--jobs", "jobs", _jobs, "lint the files in N worker processes (same findings, same order)",
               "N", file_key="jobs"),
    PackOption("--shard", "shard", _shard,
               "lint only the I-th of N shares of the files (for a CI matrix of N runners)", "I/N",
               why_not_in_file="each runner of a matrix has its own share"),
    PackOption("--changed-since", "changed_since", _text,
               "lint only the templates that differ from the git ref REF (committed, staged or unstaged "
               "changes, and untracked files), e.g. --changed-since origin/main", "REF", file_key="changed_since"),
    PackOption("--baseline", "baseline", _text, "report only findings that are not in the baseline FILE", "FILE",
               file_key="baseline"),
    PackOption("--write-baseline", "write_baseline", _text,
               "write the current findings to FILE as the baseline (not with --shard)", "FILE",
               why_not_in_file="every run would rewrite the baseline instead of checking it",
               overrides=("baseline",)),
    PackOption("--sarif-file", "sarif_file", _text, "also write the findings as SARIF 2.1.0 to FILE (from the same run)",
               "FILE", why_not_in_file="pre-commit and the editor would write it too"),
    PackOption("--skip-non-templates", "skip_non_templates", None,
               "skip named files that are not templates too (globs always skip them)", file_key="skip_non_templates"),
    PackOption("--no-respect-gitignore", "respect_gitignore", None,
               "globs find the files git ignores too (by default they leave them out)", const=False,
               file_key="respect_gitignore"),
    PackOption("--pack-only", "pack_only", None,
               "run only the pack's rules: the pack's findings of a full run, in a fraction of its time "
               "(cfn-lint's own rules are not run)", file_key="pack_only"),
    PackOption("--cache-dir", "cache_dir", _text,
               "keep the result cache in DIR (default: the user's cache folder, e.g. "
               "~/.cache/cfn-lint-bestpractices); an unchanged template is not linted again", "DIR",
               file_key="cache_dir"),
    PackOption("--no-cache", "cache", None,
               "neither read nor write the result cache (or CFN_LINT_BESTPRACTICES_NO_CACHE=1)", const=False,
               file_key="cache"),
    PackOption("--no-progress", "progress", None,
               "no progress indicator (one is shown on a terminal for runs over 1.5 s)", const=False,
               file_key="progress"),
]


@dataclass
class PackOptions:
    jobs: int = 1
    shard: tuple[int, int] | None = None
    changed_since: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    sarif_file: str | None = None
    skip_non_templates: bool = False
    respect_gitignore: bool = True
    pack_only: bool = False
    cache_dir: str | None = None
    cache: bool = True
    progress: bool = True
    # (rule id, option, raw value) from -x, in order
    rule_settings: list[tuple[str, str, str]] = field(default_factory=list)
    # the dests the command line set (they win over .cfnlintrc)
    given: set[str] = field(default_factory=set)


def options_help() -> str:
    """The pack's options for --help, from the table."""
    lines = []
    for option in PACK_OPTIONS:
        head = f"  {option.flag} {option.metavar}".rstrip()
        words = option.help.split()
        line = head.ljust(27)
        for word in words:
            if len(line) + len(word) + 1 > 103 and line.strip():
                lines.append(line.rstrip())
                line = " " * 27
            line += ("" if line.endswith(" ") else " ") + word
        lines.append(line.rstrip())
    return "\n".join(lines)


def file_options_help() -> str:
    return ", ".join(o.file_key for o in PACK_OPTIONS if o.file_key)


def apply_file_options(opts: PackOptions, file_args: Any) -> None:
    """Fill the options the command line did not set from .cfnlintrc's
    `configure_rules: {cfn-lint-bestpractices: {...}}`; a bad key or value is a UsageError."""
    rules = file_args.get("configure_rules") if isinstance(file_args, dict) else None
    section = rules.get(FILE_SECTION) if isinstance(rules, dict) else None
    if section is None:
        return
    where = f".cfnlintrc configure_rules.{FILE_SECTION}"
    if not isinstance(section, dict):
        raise UsageError(f"{where} takes option: value pairs ({file_options_help()}), not {section!r}")
    by_key = {o.file_key: o for o in PACK_OPTIONS if o.file_key}
    replaced = {dest for o in PACK_OPTIONS if o.dest in opts.given for dest in o.overrides}
    problems = []
    for key, value in section.items():
        option = by_key.get(key)
        if option is None:
            cli_only = next((o for o in PACK_OPTIONS if o.dest == key or o.flag == f"--{str(key).replace('_', '-')}"),
                            None)
            why = f" ({cli_only.flag} is for the command line only: {cli_only.why_not_in_file})" if cli_only else ""
            problems.append(f"{where} has no option {key!r}{why}; its options: {file_options_help()}")
            continue
        if option.dest in opts.given or option.dest in replaced:
            continue  # the command line wins
        try:
            parsed = option.parse(value, f"{where}.{key}") if option.parse else _boolean(value, f"{where}.{key}")
        except UsageError as err:
            problems.append(str(err))
            continue
        setattr(opts, option.dest, parsed)
    if problems:
        raise UsageError("\n".join(problems))


def check_combinations(opts: PackOptions) -> None:
    """Options that cannot go together, whichever source set them."""
    if opts.write_baseline is not None and opts.shard is not None:
        raise UsageError("--write-baseline cannot run with --shard: a shard lints only its share of the files, "
                         "so the baseline would miss the others' findings; write it in one run "
                         "(--jobs N makes that run faster)")
    if opts.write_baseline is not None and opts.baseline is not None and "baseline" in opts.given:
        raise UsageError("use --baseline FILE or --write-baseline FILE, not both "
                         "(--write-baseline alone refreshes a baseline)")


_SETTING = re.compile(r"([A-Za-z][A-Za-z0-9]*):([^=,:]+)=(.*)", re.DOTALL)


def _parse_settings(value: str) -> list[tuple[str, str, str]]:
    """`E9502:account_limit=3000,W9501:exempt_functions=A.*,B` -> settings; a comma piece that does
    not start a new RULE:option= belongs to the value before it."""
    settings: list[list[str]] = []
    for piece in value.split(","):
        found = _SETTING.fullmatch(piece)
        if found:
            settings.append(list(found.groups()))
        elif settings:
            settings[-1][2] += "," + piece
        else:
            raise UsageError(f"--configure-rule takes RULE:OPTION=VALUE, not {value!r}")
    return [(r, n.strip(), v) for r, n, v in settings]


def _long(option: str, candidates: list[str]) -> str | None:
    """argparse's abbreviations: the one long option that `option` begins."""
    if option in candidates:
        return option
    hits = [c for c in candidates if c.startswith("--") and c.startswith(option) and len(option) > 2]
    return hits[0] if len(hits) == 1 else None


def option_value(args: list[str], i: int, name: str, eq: str, value: str) -> tuple[str, int]:
    """The value of option `name` at args[i], written `--name=value` or `--name value`, and the index
    of the last word it takes."""
    if eq:
        return value, i
    if i + 1 >= len(args) or args[i + 1] == "--":
        raise UsageError(f"{name} needs a value")
    return args[i + 1], i + 1


def take_options(args: list[str], valued: dict, flags: dict | None = None, other=None) -> list[str]:
    """Take the named options out of the arguments (before any "--"): each of `valued` with its value
    (`--name=value` or `--name value`) passed to its handler, each of `flags` calling its handler;
    `other(args, i, name, eq, value)`, when given, may take any other word (and those after it) and
    returns the index of the last word it took, or None to leave it. The rest, in order, is returned."""
    flags = flags or {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in valued:
            value, i = option_value(args, i, name, eq, value)
            valued[name](value)
        elif arg in flags:
            flags[arg]()
        else:
            last = other(args, i, name, eq, value) if other else None
            if last is None:
                rest.append(arg)
            else:
                i = last
        i += 1
    return rest


def take_pack_options(args: list[str]) -> tuple[list[str], PackOptions]:
    """Take the pack's own options (PACK_OPTIONS) and -x out of the arguments (before any "--")."""
    opts = PackOptions()

    def valued(option: PackOption):
        def take(value: str) -> None:
            setattr(opts, option.dest, option.parse(value, option.flag))
            opts.given.add(option.dest)
        return take

    def flag(option: PackOption):
        def take() -> None:
            setattr(opts, option.dest, option.const)
            opts.given.add(option.dest)
        return take

    def other(args: list[str], i: int, name: str, eq: str, value: str) -> int | None:
        arg = args[i]
        if not ((arg.startswith("-x") and not arg.startswith("--"))
                or (name.startswith("--configure-") and _long(name, ["--configure-rule"]))):
            return None
        if eq or (arg.startswith("-x") and len(arg) > 2):
            opts.rule_settings += _parse_settings(value if eq else arg[2:])
            return i
        j = i + 1
        while j < len(args) and _SETTING.match(args[j]) and not args[j].startswith("-"):
            opts.rule_settings += _parse_settings(args[j])
            j += 1
        if j == i + 1:
            raise UsageError(f"{arg} takes RULE:OPTION=VALUE, e.g. -x E9502:account_limit=3000")
        return j - 1

    rest = take_options(args, {o.flag: valued(o) for o in PACK_OPTIONS if o.parse},
                        {o.flag: flag(o) for o in PACK_OPTIONS if not o.parse}, other=other)
    return rest, opts


def _rule_ids(tok: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(,[A-Za-z][A-Za-z0-9]*)*,?", tok))


def _not_a_path(tok: str) -> bool:
    return not (os.path.isfile(tok) or glob.has_magic(tok)
                or re.search(r"\.(json|ya?ml|template|txt)$", tok, re.IGNORECASE))


def _region(tok: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_,-]+", tok))


# cfn-lint's list options whose values never look like a template path
_SHAPES: dict[str, Callable[[str], bool]] = {
    "ignore_checks": _rule_ids, "include_checks": _rule_ids, "mandatory_checks": _rule_ids,
    "regions": _region, "append_rules": _not_a_path, "registry_schemas": _not_a_path,
}


def normalize(args: list[str]) -> list[str]:
    """cfn-lint's arguments with the templates after `--`, so that no list option swallows them."""
    actions = {s: a for a in CliArgs([]).parser._actions for s in a.option_strings}  # pylint: disable=protected-access
    options: list[str] = []
    positionals: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positionals += args[i + 1:]
            break
        if not arg.startswith("-") or arg == "-":
            positionals.append(arg)
            i += 1
            continue
        inline = "=" in arg if arg.startswith("--") else len(arg) > 2
        name = arg.partition("=")[0] if arg.startswith("--") else arg[:2]
        action = actions.get(_long(name, list(actions)) or name) if name.startswith("--") else actions.get(name)
        if action is None or inline or action.nargs == 0:
            options.append(arg)
            i += 1
        elif action.nargs is None:
            options += args[i:i + 2]
            i += 2
        else:
            shape = _SHAPES.get(action.dest)
            j = i + 1
            while j < len(args) and args[j] != "--" and not args[j].startswith("-") and (shape is None or shape(args[j])):
                j += 1
            options += args[i:j]
            i = j
    return options + (["--"] + positionals if positionals else [])


def prepare(args: list[str]) -> tuple[list[str], PackOptions]:
    """The pack's options taken out, and cfn-lint's arguments in an order cfn-lint reads right."""
    rest, opts = take_pack_options(args)
    return normalize(rest), opts


def make_config(args: list[str], opts: PackOptions) -> PackConfig:
    """cfn-lint's configuration (it reads .cfnlintrc), with the pack's options from the command line and,
    where the command line did not set them, from .cfnlintrc."""
    config = PackConfig(args)
    apply_file_options(opts, config.file_args)
    check_combinations(opts)
    config.pack = opts
    config.changed_since = opts.changed_since
    config.skip_non_templates = opts.skip_non_templates
    config.respect_gitignore = opts.respect_gitignore
    config.sarif_file = opts.sarif_file
    if opts.rule_settings:
        settings: dict[str, dict[str, Any]] = {}
        for rule_id, name, value in opts.rule_settings:
            settings.setdefault(rule_id, {})[name] = value
        config.cli_args.configure_rules = settings
    return config


# --- checking rule options -------------------------------------------------------------------------

_TYPE_WORDS = {"integer": "a whole number", "boolean": "true or false", "string": "a string", "list": "a list"}


def _scalar(value: Any, kind: str, where: str) -> Any:
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            return int(value)
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif kind == "string":
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    else:
        return value
    raise UsageError(f"{where} takes {_TYPE_WORDS[kind]}, not {value!r}")


def _list_items(text: str) -> tuple[list[Any], str]:
    """A list option's text: a JSON list when it parses as one, else items separated by commas (so a
    regular expression that starts with `[`, such as `[T]able`, is a regular expression). The second
    value says why a text that starts with `[` was not JSON, for the message when an item is then bad."""
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError as err:
            return [v.strip() for v in text.split(",") if v.strip()], f" (nor a JSON list: {err})"
        if isinstance(value, list):
            return value, ""
    return [v.strip() for v in text.split(",") if v.strip()], ""


def convert_option(rule_id: str, name: str, value: Any, definition: dict) -> Any:
    """The value as the option's type, or a UsageError naming the rule and the option."""
    where = f"{rule_id}:{name}"
    kind = definition.get("type", "string")
    not_json = ""
    if kind == "list":
        if isinstance(value, str):
            value, not_json = _list_items(value)
        elif not isinstance(value, list):
            value = [value]
        try:
            converted = [_scalar(v, definition.get("itemtype", "string"), f"{where} item") for v in value]
        except UsageError as err:
            raise UsageError(f"{err}{not_json}") from None
        patterns = converted
    else:
        converted = _scalar(value, kind, where)
        patterns = [converted]
    if definition.get("format") == "regex":
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as err:
                raise UsageError(f"{where}: {pattern!r} is not a valid regular expression ({err})"
                                 f"{not_json}") from None
    return converted


def setting_problems(settings: Any, rules: Any, source: str) -> list[tuple[list, str]]:
    """Check (and convert in place) rule settings {rule: {option: value}}: the problems as
    (path inside `settings`, message), each naming `source`, the rule and the option. A setting with a
    problem is removed, so that the rule runs with its default rather than fail."""
    problems: list[tuple[list, str]] = []
    if not isinstance(settings, dict):
        return problems
    for rule_id, values in list(settings.items()):
        if rule_id == FILE_SECTION:
            continue  # the pack's own options (apply_file_options)
        rule = rules.data.get(rule_id) if hasattr(rules, "data") else None
        if rule is None:
            problems.append(([rule_id], f"{source}: no rule {rule_id!r} to configure"))
            continue
        definition = rule.config_definition if isinstance(rule.config_definition, dict) else {}
        if not isinstance(values, dict):
            problems.append(([rule_id], f"{source}: {rule_id} takes option: value pairs, not {values!r}"))
            del settings[rule_id]
            continue
        for name, value in list(values.items()):
            if name not in definition:
                known = ", ".join(sorted(definition)) or "none"
                problems.append(([rule_id, name], f"{source}: rule {rule_id} has no option {name!r} (its options: {known})"))
                del values[name]
                continue
            try:
                values[name] = convert_option(rule_id, name, value, definition[name])
            except UsageError as err:
                problems.append(([rule_id, name], f"{source}: {err}"))
                del values[name]
    return problems


def check_rule_options(config: Any, rules: Any) -> None:
    """Check (and convert in place) every rule option that the command line and .cfnlintrc set."""
    sources = [("--configure-rule", getattr(config.cli_args, "configure_rules", None)),
               (".cfnlintrc configure_rules", config.file_args.get("configure_rules"))]
    problems = []
    for source, settings in sources:
        problems += [message for _, message in setting_problems(settings, rules, source)]
    if problems:
        raise UsageError("\n".join(problems))
