"""cfn-lint-bestpractices inside `cdk synth`, for CDK apps written in Python.

    pip install 'cfn-lint-bestpractices[cdk]'

    from aws_cdk import App, Validations
    from cfn_lint_bestpractices.cdk import BestPracticesPlugin

    app = App()
    ...
    Validations.of(app).add_plugins(BestPracticesPlugin())
    app.synth()

`BestPracticesPlugin` implements aws-cdk-lib's `IPolicyValidationPlugin` through jsii: at the end of a
synth CDK calls `validate` with every template of the app; the plugin lints them once, as one
application, in this Python process (or with `command=`, in a child process), and returns each finding
as a violation that CDK reports with the resource's construct path, its construct class and the line of
the app that created it. `Validations.of(scope).acknowledge({"id": "cfn-lint-bestpractices::W9501",
"reason": ...})` acknowledges a rule at and below `scope`.

The mapping from the pack's JSON findings to violations is the same as the npm package's
(integrations/cdk/src/findings.ts); integrations/cdk/test/vectors.json holds the examples both must map alike. It
needs no aws_cdk, so that it is tested where the CDK is not installed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from typing import Any, Iterable, Mapping, Optional, Sequence

from . import __version__

NAME = "cfn-lint-bestpractices"
INSTALL = "pip install cfn-lint-bestpractices"
CDK_INSTALL = "pip install 'cfn-lint-bestpractices[cdk]'"
# every page of the pack's rules lives here (rules/_base.py): it tells the pack's findings from stock cfn-lint's
PACK_PAGES = "https://github.com/cfn-lint-bestpractices/cfn-lint-bestpractices/"
SEVERITIES = ("error", "warning", "info")
_RANK = {"info": 1, "warning": 2, "error": 3}
_RUN_FAILURE = re.compile(r"^E000\d$")


class PackMissing(Exception):
    """The pack's command could not be started, or its Python has no pack."""


# ---- findings -> violations (plain dicts, the shape of aws-cdk-lib's PolicyViolation) ----------------

def severity_of(match: Mapping[str, Any]) -> str:
    first = str(match["Rule"]["Id"])[:1].upper()
    if first in ("E", "W", "I"):
        return {"E": "error", "W": "warning", "I": "info"}[first]
    level = str(match.get("Level") or "").lower()
    if level.startswith("err"):
        return "error"
    return "info" if level.startswith("info") else "warning"


def fails(severity: str, fail_on: str) -> bool:
    return fail_on != "none" and _RANK[severity] >= _RANK[fail_on]


def reported_severity(severity: str, fail_on: str) -> str:
    """The severity CDK is told. CDK fails the synth on "error", and decides again after acknowledgements
    from the severities alone (a report stays failed only while an error is left). So a finding that fails
    the synth by `fail_on` is reported as an error (warnings under fail_on="warning", as -Werror does), and
    one that does not is at most a warning (errors under fail_on="none", as CDK reports its own template
    validation when it does not enforce it). The rule id's first letter keeps the rule's own severity."""
    if fails(severity, fail_on):
        return "error"
    return "warning" if severity == "error" else severity


def is_run_failure(rule_id: str) -> bool:
    """cfn-lint could not lint a template (E0000 parse, E0001 transform, E0002 rule crash, E0003 config)."""
    return bool(_RUN_FAILURE.match(rule_id))


def is_kept(match: Mapping[str, Any], include_stock_findings: bool) -> bool:
    if include_stock_findings:
        return True
    rule = match["Rule"]
    return str(rule.get("Source") or "").startswith(PACK_PAGES) or is_run_failure(str(rule["Id"]))


def is_selected(rule_id: str, select: Optional[Sequence[str]]) -> bool:
    if not select or is_run_failure(rule_id):
        return True
    return any(rule_id.upper().startswith(s.upper()) for s in select)


def resource_of(match: Mapping[str, Any], template_path: str,
                stack_paths: Optional[Mapping[str, str]] = None) -> dict:
    where = [str(p) for p in ((match.get("Location") or {}).get("Path") or [])]
    if where[:1] == ["Resources"] and len(where) >= 2:
        rest = where[2:]
        return {"resourceLogicalId": where[1], "templatePath": template_path,
                "locations": [".".join(rest)] if rest else []}
    # Parameters, Outputs, Conditions, or a whole template: the stack is the construct to name
    locations = [".".join(where)] if where else []
    stack = (stack_paths or {}).get(template_path)
    if stack is not None:
        return {"constructPath": stack, "templatePath": template_path, "locations": locations}
    return {"resourceLogicalId": where[1] if len(where) > 1 else "", "templatePath": template_path,
            "locations": locations}


def to_violation(match: Mapping[str, Any], cwd: Optional[str] = None,
                 stack_paths: Optional[Mapping[str, str]] = None, fail_on: str = "error") -> dict:
    template_path = os.path.normpath(os.path.join(cwd or os.getcwd(), match.get("Filename") or ""))
    rule = match["Rule"]
    summary = str(rule.get("ShortDescription") or "").strip()
    message = str(match["Message"]).strip()
    violation = {
        "ruleName": str(rule["Id"]),
        "description": f"{summary}: {message}" if summary else message,
        "severity": reported_severity(severity_of(match), fail_on),
        "violatingResources": [resource_of(match, template_path, stack_paths)],
    }
    if rule.get("Source"):  # the message says what to change; the rule's page says why and shows the fix
        violation["fix"] = str(rule["Source"])
    return violation


def to_report(matches: Iterable[Mapping[str, Any]], *, select: Optional[Sequence[str]] = None,
              include_stock_findings: bool = False, fail_on: str = "error", cwd: Optional[str] = None,
              stack_paths: Optional[Mapping[str, str]] = None) -> dict:
    """{"success": ..., "violations": [...]}: the findings CDK should show, and whether the synth passes."""
    violations = [to_violation(m, cwd, stack_paths, fail_on) for m in matches
                  if is_kept(m, include_stock_findings) and is_selected(str(m["Rule"]["Id"]), select)]
    return {"success": not any(v["severity"] == "error" for v in violations), "violations": violations}


# ---- running the pack ------------------------------------------------------------------------------

def configure_args(configure: Any) -> list[str]:
    """`-x RULE:OPTION=VALUE` words, one setting each; a list value is passed as a JSON list."""
    if not configure:
        return []
    if isinstance(configure, Mapping):
        words = []
        for rule, settings in configure.items():
            for name, value in settings.items():
                if isinstance(value, (list, tuple)):
                    text = json.dumps(list(value))
                elif isinstance(value, bool):
                    text = "true" if value else "false"
                else:
                    text = str(value)
                words.append(f"{rule}:{name}={text}")
    else:
        words = [str(w) for w in configure]
    return [a for w in words for a in ("-x", w)]


def pack_args(templates: Sequence[str], *, pack_only: bool = False, ignore: Optional[Sequence[str]] = None,
              select: Optional[Sequence[str]] = None, configure: Any = None, baseline: Optional[str] = None,
              regions: Optional[Sequence[str]] = None, extra_args: Optional[Sequence[str]] = None) -> list[str]:
    extra = list(extra_args or [])
    args = ["--format", "json"]
    if pack_only:
        args.append("--pack-only")
    if ignore:
        args += ["--ignore-checks", *ignore]
    if select:  # informational rules are off unless included: a selected I rule must run
        args += ["--include-checks", *select]
    args += configure_args(configure)
    if baseline:
        args += ["--baseline", baseline]
    if regions and not any(a in ("--regions", "-r") or a.startswith("--regions=") for a in extra):
        args += ["--regions", *regions]
    return args + extra + ["--", *templates]


def missing_message(command: Sequence[str], why: str) -> str:
    shown = " ".join(command)
    return (f"cannot run the pack's command `{shown}` ({why}). Install it into a Python 3.10 or later on "
            f"your PATH: {INSTALL} (or leave `command` unset to lint in this Python)")


def _run_in_process(args: list[str]) -> tuple[int, str, str]:
    """The pack's command in this Python: (exit code, JSON text, stderr)."""
    from .cli import main  # cfn-lint is imported only when a synth lints

    handle, out_file = tempfile.mkstemp(prefix="cfn-lint-bestpractices-", suffix=".json")
    os.close(handle)
    err = io.StringIO()
    try:
        # the findings go to the file; what the command says on stdout or stderr is only read on failure
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
            code = main(["--output-file", out_file, *args])
        with open(out_file, encoding="utf-8") as f:
            return code, f.read(), err.getvalue()
    finally:
        os.unlink(out_file)


def _run_command(command: Sequence[str], args: list[str], cwd: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
    try:
        proc = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              encoding="utf-8", check=False)
    except FileNotFoundError as e:
        raise PackMissing(missing_message(command, "not found")) from e
    except PermissionError as e:
        raise PackMissing(missing_message(command, "not executable")) from e
    if proc.returncode != 0 and re.search(r"No module named '?cfn_lint_bestpractices", proc.stderr):
        raise PackMissing(missing_message(command, "its Python has no cfn_lint_bestpractices module"))
    return proc.returncode, proc.stdout, proc.stderr


def run_pack(templates: Sequence[str], *, command: Optional[Sequence[str]] = None, pack_only: bool = False,
             cwd: Optional[str] = None, **options: Any) -> list[dict]:
    """Lint the templates in one run (in this Python, or with `command`) and return the JSON findings."""
    cwd = cwd or os.getcwd()
    shown = " ".join(command) if command else NAME
    while True:
        args = pack_args(templates, pack_only=pack_only, **options)
        code, out, err = _run_command(command, args, cwd) if command else _run_in_process(args)
        if code == 1 and pack_only and re.search(r"unrecognized arguments:.*--pack-only", err):
            pack_only = False  # an older pack: run it in full, and keep only the pack's findings
            continue
        if code == 1:  # a usage error (a bad option, a rule that does not exist): the pack has said why
            raise ValueError(f"`{shown}` refused its options: {err.strip() or out.strip()}")
        try:
            found = json.loads(out) if out.strip() else []
        except ValueError as e:
            raise ValueError(f"`{shown}` did not print JSON findings (exit code {code}): "
                             f"{(err.strip() or out.strip())[:2000]}") from e
        if not isinstance(found, list):
            raise ValueError(f"`{shown}` printed JSON that is not a list of findings")
        return found


def one_region(regions: Sequence[Optional[str]]) -> Optional[list[str]]:
    """The stacks' region when they all have the same known one (pseudo parameters resolve to it)."""
    if not regions or any(r is None for r in regions) or len(set(regions)) != 1:
        return None
    return [str(regions[0])]


# ---- the jsii class ---------------------------------------------------------------------------------

def _plugin_class() -> type:
    try:
        import jsii  # pylint: disable=import-outside-toplevel
        import aws_cdk  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        raise ImportError(f"cfn_lint_bestpractices.cdk needs the AWS CDK for Python: {CDK_INSTALL}") from err

    @jsii.implements(aws_cdk.IPolicyValidationPlugin)
    class BestPracticesPlugin:  # pylint: disable=redefined-outer-name
        """cfn-lint-bestpractices as a CDK policy validation plugin (see the module's docstring).

        :param select: report only these rules: ids or id prefixes (a selected I rule is turned on).
        :param ignore: rules not to run (cfn-lint's --ignore-checks).
        :param configure: rule options, {"W9501": {"exempt_functions": ["Legacy.*"]}} or -x words.
        :param fail_on: the lowest severity that fails the synth: "error" (default), "warning", "info", "none".
        :param baseline: a baseline file (--baseline): only findings not in it are reported.
        :param include_stock_findings: also report stock cfn-lint's findings (off: CDK validates templates itself).
        :param command: run this command (argv list or a program) instead of linting in this Python.
        :param fail_if_missing: fail the synth when `command` cannot be run (otherwise one message on stderr).
        :param extra_args: more options for the pack (any cfn-lint option).
        """

        def __init__(self, *, select: Optional[Sequence[str]] = None, ignore: Optional[Sequence[str]] = None,
                     configure: Any = None, fail_on: str = "error", baseline: Optional[str] = None,
                     include_stock_findings: bool = False, command: Any = None, fail_if_missing: bool = False,
                     extra_args: Optional[Sequence[str]] = None) -> None:
            if fail_on not in (*SEVERITIES, "none"):
                raise ValueError(f"fail_on takes 'error', 'warning', 'info' or 'none', not {fail_on!r}")
            if isinstance(command, str):
                command = [command]
            if command is not None and (not command or not command[0]):
                raise ValueError("command is empty")
            self._select = list(select or [])
            self._ignore = list(ignore or [])
            self._configure = configure
            self._fail_on = fail_on
            self._baseline = baseline
            self._include_stock = include_stock_findings
            self._command = list(command) if command else None
            self._fail_if_missing = fail_if_missing
            self._extra_args = list(extra_args or [])

        @property
        def name(self) -> str:
            return NAME

        @property
        def version(self) -> Optional[str]:
            return __version__

        @property
        def rule_ids(self) -> Optional[list[str]]:
            return None

        def validate(self, context: Any) -> Any:
            templates = list(context.template_paths)
            if not templates:
                return aws_cdk.PolicyValidationPluginReport(success=True, violations=[])
            stacks = list(getattr(context, "stack_templates", None) or [])
            cwd = os.getcwd()
            try:
                found = run_pack(templates, command=self._command, pack_only=not self._include_stock, cwd=cwd,
                                 ignore=self._ignore, select=self._select, configure=self._configure,
                                 baseline=self._baseline, regions=one_region([s.region for s in stacks]),
                                 extra_args=self._extra_args)
            except PackMissing as err:
                if self._fail_if_missing:
                    raise
                print(f"[cfn-lint-bestpractices] {err}; the synth went on without its checks "
                      "(fail_if_missing=True makes this fail the synth).", file=sys.stderr)
                return aws_cdk.PolicyValidationPluginReport(success=True, violations=[])
            report = to_report(found, select=self._select, include_stock_findings=self._include_stock,
                               fail_on=self._fail_on, cwd=cwd,
                               stack_paths={s.template_path: s.stack_construct_path for s in stacks})
            return aws_cdk.PolicyValidationPluginReport(
                success=report["success"],
                plugin_version=__version__,
                violations=[_violation(aws_cdk, v) for v in report["violations"]],
            )

    return BestPracticesPlugin


def _violation(aws_cdk: Any, v: dict) -> Any:
    return aws_cdk.PolicyViolation(
        rule_name=v["ruleName"], description=v["description"], fix=v.get("fix"), severity=v["severity"],
        violating_resources=[aws_cdk.PolicyViolatingResource(
            locations=r["locations"], template_path=r["templatePath"],
            resource_logical_id=r.get("resourceLogicalId"), construct_path=r.get("constructPath"),
        ) for r in v["violatingResources"]],
    )


def __getattr__(name: str) -> Any:
    # The class needs aws_cdk, which is an optional extra: it is made on first use, so that the mapping
    # above imports (and is tested) without the CDK.
    if name == "BestPracticesPlugin":
        cls = _plugin_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
