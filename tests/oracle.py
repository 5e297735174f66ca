"""The scenario oracle: a template's findings must be the union of its concrete scenarios' findings.

For a template with conditions or parameters, the oracle enumerates the scenarios that can happen
and renders each as a concrete template (no condition left), lints every one with the pack, and
compares:

- *Scenarios.* Each parameter that a condition or a `Rules` assertion compares, or that has
  `AllowedValues`, takes a value from its domain: each allowed value; or, without `AllowedValues`,
  its Default and "some other value" (UNKNOWN: the concrete template then has no Default, so what
  reads the parameter is unknown and every condition on it is free). A parameter without Default is
  UNKNOWN. Then each truth value of the conditions the template uses, kept only where cfn-lint's
  solver says the conditions and the parameter values can hold together.
- *Rendering.* `Fn::If` replaced by its branch, `AWS::NoValue` removed (the key or list entry goes),
  resources and outputs whose `Condition` is false removed with every value that references them
  and the `DependsOn` naming them, `Conditions` and `Rules` removed, each chosen parameter fixed to
  its value (`Default` and `AllowedValues: [value]`).
- *The judgement policy.* An error holds if it holds in any scenario in which every parameter takes
  an allowed value; a warning or an informational finding if it holds in a scenario with every
  parameter at its Default (unless the rule's `every_allowed_value` is set: then as an error).
  Findings are compared per rule and resource (the resource a finding's path starts at).
- *"when".* A finding that names a scenario ("when condition 'IsProd' is true and parameter 'Env' is
  'prod'") must hold in a scenario of its policy that agrees with what it names.

Past MAX_SCENARIOS scenarios, only the warnings' scenarios are rendered (every chosen parameter at
its Default) and only the findings of rules judged there are compared (`partial`); past
MAX_SCENARIOS of those too, the template is not judged (`too_many`). The tests count both, so that
a change making many templates unjudgeable is seen.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode
from cfnlint.rules import Rules

from cfn_lint_bestpractices import packonly
from cfn_lint_bestpractices.cli import MODULE
from cfn_lint_bestpractices.model.scenarios import Scenarios
from cfn_lint_bestpractices.rules import ALL_RULES
from cfn_lint_bestpractices.rules._base import EnvironmentDependentRule, TestResourcesAware
from scenario_check import scenarios_in

MAX_SCENARIOS = 64
UNKNOWN = object()  # a parameter value nobody can know: the concrete template has no Default
_NOVALUE = object()
PACK_IDS = {cls.id for cls in ALL_RULES}
_RULES: list = []


def _rules() -> Rules:
    if not _RULES:
        _RULES.append(Rules.create_from_module(MODULE))
    return _RULES[0]


def plain(node: Any) -> Any:
    """The decoded template as plain dicts, lists and scalars (cfn-lint's node types dropped)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


# --- scenarios -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    conditions: tuple  # ((name, bool), ...) for every condition the template uses
    params: tuple  # ((name, value or UNKNOWN), ...) for every parameter the oracle chooses
    at_defaults: bool  # every chosen parameter at its Default (UNKNOWN where it has none)
    allowed: bool  # every chosen parameter at a value a deployer may give (never UNKNOWN when listed)

    def agrees(self, conds: dict, params: dict) -> bool:
        """Whether this scenario is one that a finding's "when" names."""
        mine = dict(self.conditions)
        if any(name in mine and mine[name] != value for name, value in conds.items()):
            return False
        chosen = dict(self.params)
        for name, value in params.items():
            if name in chosen and (chosen[name] is UNKNOWN or _text(chosen[name]) != str(value)):
                return False
        return True


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def mappings_in(node: Any):
    """Every mapping inside a node, the node itself included (the one walk the oracles' readers share)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)


def _refs_in(node: Any, found: set) -> set:
    for mapping in mappings_in(node):
        ref = mapping.get("Ref")
        if len(mapping) == 1 and isinstance(ref, str):
            found.add(ref)
        sub = mapping.get("Fn::Sub")
        if len(mapping) == 1 and sub is not None:
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                found.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
    return found


def _named_conditions(template: dict, sections: tuple) -> set:
    """The condition names the template's `sections` use: an `Fn::If`'s first argument anywhere, a
    resource's or output's own `Condition`, and `{Condition: name}` inside `Conditions` (a property
    that happens to be called `Condition`, like a Bedrock flow's, is not one)."""
    named: set = set()

    def walk(node: Any, in_conditions: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str):
                    named.add(value[0])
                if in_conditions and key == "Condition" and len(node) == 1 and isinstance(value, str):
                    named.add(value)
                walk(value, in_conditions)
        elif isinstance(node, list):
            for v in node:
                walk(v, in_conditions)

    for section in sections:
        body = template.get(section)
        if section in ("Resources", "Outputs") and isinstance(body, dict):
            named.update(v["Condition"] for v in body.values()
                         if isinstance(v, dict) and isinstance(v.get("Condition"), str))
        walk(body, section == "Conditions")
    return named


def _used_conditions(template: dict) -> list[str]:
    """The conditions that decide something: those an `Fn::If` or a resource's `Condition` names (the
    conditions they name in turn follow, and the solver keeps them consistent)."""
    conds = template.get("Conditions") if isinstance(template.get("Conditions"), dict) else {}
    return sorted(n for n in _named_conditions(template, ("Resources", "Outputs", "Globals")) if n in conds)


def _undeclared_conditions(template: dict) -> list[str]:
    """The conditions an `Fn::If` or a `Condition` names that the template does not declare."""
    conds = template.get("Conditions") if isinstance(template.get("Conditions"), dict) else {}
    named = _named_conditions(template, ("Resources", "Outputs", "Globals", "Conditions"))
    return sorted(n for n in named if n not in conds)


def _domain(param: dict) -> list:
    """The values the oracle tries for a parameter, its Default first."""
    allowed = param.get("AllowedValues")
    has_default = "Default" in param and isinstance(param["Default"], (str, int, float, bool))
    if isinstance(allowed, list) and allowed and all(isinstance(v, (str, int, float, bool)) for v in allowed):
        domain = [param["Default"]] if has_default else [UNKNOWN]
        return domain + [v for v in allowed if not (has_default and _text(v) == _text(param["Default"]))]
    return [param["Default"], UNKNOWN] if has_default else [UNKNOWN]


def _chosen_parameters(template: dict, extra: frozenset = frozenset()) -> dict[str, list]:
    """Each parameter the oracle chooses a value for, with its domain (Default first): those with
    `AllowedValues` that something reads, those a condition or a `Rules` assertion compares, and those
    in `extra` (an application's parent passes a chosen value on through them)."""
    params = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    compared = _refs_in(template.get("Conditions"), set()) | _refs_in(template.get("Rules"), set()) | set(extra)
    read = _refs_in(template.get("Resources"), set()) | _refs_in(template.get("Globals"), set())
    out = {}
    for name, param in params.items():
        if not isinstance(param, dict):
            continue
        ptype = str(param.get("Type", ""))
        if ptype.startswith(("List<", "CommaDelimitedList", "AWS::SSM::")):
            continue
        allowed = param.get("AllowedValues")
        listed = isinstance(allowed, list) and allowed and all(isinstance(v, (str, int, float, bool)) for v in allowed)
        if name in compared or (listed and name in read):
            out[name] = _domain(param)
    return out


def scenarios(template: dict, cfn_solver: Any = None, extra: frozenset = frozenset(),
              bound: frozenset = frozenset()) -> list[Scenario] | None:
    """Every scenario that can happen, or None past MAX_SCENARIOS. In an application, the parameters
    in `bound` are fixed by the parent stack (their one value, or unknown, is in the template): they
    count as neither a Default nor a deployer's choice."""
    solver = Scenarios(template, cfn_solver)
    conds = _used_conditions(template)
    chosen = _chosen_parameters(template, extra)
    params = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    out: list[Scenario] = []
    names = sorted(chosen)
    for values in itertools.product(*(chosen[n] for n in names)):
        picked = tuple(zip(names, values))
        known = tuple((n, v) for n, v in picked if v is not UNKNOWN)
        free = [(n, v) for n, v in picked if n not in bound]
        at_defaults = all(
            (v is UNKNOWN) if "Default" not in params[n] else (v is not UNKNOWN and _text(v) == _text(params[n]["Default"]))
            for n, v in free)
        allowed = all(not (v is UNKNOWN and isinstance(params[n].get("AllowedValues"), list)) for n, v in free)
        if not (at_defaults or allowed):
            continue
        if known and not solver.possible((), known):
            continue  # a `Rules` assertion forbids these values together

        def extend(i: int, truth: tuple):
            if i == len(conds):
                yield truth
                return
            for value in (True, False):
                nxt = truth + ((conds[i], value),)
                if solver.possible(tuple(sorted(nxt)), known):
                    yield from extend(i + 1, nxt)

        for truth in extend(0, ()):
            out.append(Scenario(tuple(sorted(truth)), picked, at_defaults, allowed))
            if len(out) > MAX_SCENARIOS:
                return None
    return out


def scenarios_at_defaults(template: dict) -> list[Scenario] | None:
    """The scenarios of the warnings' policy alone (every chosen parameter at its Default, the
    conditions it does not decide in both branches), or None past MAX_SCENARIOS."""
    params = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    fixed = copy.deepcopy(template)
    fixed_params = fixed.get("Parameters") if isinstance(fixed.get("Parameters"), dict) else {}
    for name in _chosen_parameters(template):
        param = fixed_params[name] = dict(fixed_params[name])
        if "Default" in params[name]:
            param["AllowedValues"] = [params[name]["Default"]]
        else:
            param.pop("AllowedValues", None)
    found = scenarios(fixed)
    if found is None:
        return None
    return [s for s in found if s.at_defaults]


# --- rendering -----------------------------------------------------------------------------------

def _resolve(node: Any, truth: dict) -> Any:
    if isinstance(node, dict):
        if len(node) == 1:
            key, value = next(iter(node.items()))
            if key == "Fn::If" and isinstance(value, list) and len(value) == 3 and value[0] in truth:
                return _resolve(value[1] if truth[value[0]] else value[2], truth)
            if key == "Ref" and value == "AWS::NoValue":
                return _NOVALUE
        out = {}
        for key, value in node.items():
            resolved = _resolve(value, truth)
            if resolved is not _NOVALUE:
                out[key] = resolved
        return out
    if isinstance(node, list):
        return [r for r in (_resolve(v, truth) for v in node) if r is not _NOVALUE]
    return node


def _names_removed(node: Any, removed: set) -> bool:
    if isinstance(node, dict) and len(node) == 1:
        key, value = next(iter(node.items()))
        if key == "Ref" and value in removed:
            return True
        if key == "Fn::GetAtt":
            target = value[0] if isinstance(value, list) and value else (value.split(".")[0] if isinstance(value, str) else None)
            if target in removed:
                return True
        if key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            if isinstance(text, str):
                local = set(value[1]) if isinstance(value, list) and len(value) > 1 and isinstance(value[1], dict) else set()
                for m in re.findall(r"\$\{([^!}][^}]*)\}", text):
                    name = m.split(".")[0]
                    if name in removed and name not in local:
                        return True
    return False


def _drop_removed(node: Any, removed: set) -> Any:
    if _names_removed(node, removed):
        return _NOVALUE
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            kept = _drop_removed(value, removed)
            if kept is not _NOVALUE:
                out[key] = kept
        return out
    if isinstance(node, list):
        return [k for k in (_drop_removed(v, removed) for v in node) if k is not _NOVALUE]
    return node


def render(template: dict, scenario: Scenario) -> dict:
    """The concrete template of one scenario."""
    truth = dict(scenario.conditions)
    conds = template.get("Conditions") if isinstance(template.get("Conditions"), dict) else {}
    out = {}
    removed: set = set()
    for section, value in template.items():
        if section in ("Conditions", "Rules"):
            continue
        if section in ("Resources", "Outputs") and isinstance(value, dict):
            kept = {}
            for name, body in value.items():
                cond = body.get("Condition") if isinstance(body, dict) else None
                if isinstance(cond, str) and cond in conds:
                    if truth.get(cond) is False:
                        removed.add(name)
                        continue
                    body = {k: v for k, v in body.items() if k != "Condition"}
                kept[name] = body
            value = kept
        out[section] = value
    out = _resolve(out, truth)
    if section_removed := {n for n in removed if n in (template.get("Resources") or {})}:
        out = _drop_removed(out, section_removed)
        for body in (out.get("Resources") or {}).values():
            if isinstance(body, dict) and "DependsOn" in body:
                deps = body["DependsOn"]
                deps = [d for d in (deps if isinstance(deps, list) else [deps]) if d not in section_removed]
                if deps:
                    body["DependsOn"] = deps
                else:
                    del body["DependsOn"]
    params = out.get("Parameters")
    for name, value in scenario.params:
        if not isinstance(params, dict) or not isinstance(params.get(name), dict):
            continue
        param = params[name] = dict(params[name])
        if value is UNKNOWN:
            param.pop("Default", None)
            param.pop("AllowedValues", None)
        else:
            param["Default"] = value
            if "AllowedValues" in param:
                param["AllowedValues"] = [value]
    if isinstance(out.get("Resources"), dict) and not out["Resources"]:
        # a template needs a resource; one that reads nothing keeps it valid and judged by no rule
        out["Resources"] = {"OracleEmpty": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}
    return out


# --- linting and comparing -----------------------------------------------------------------------

@dataclass
class Finding:
    rule: str
    key: tuple  # the resource (or section entry) it is about
    message: str
    line: int


_CONFIGS: dict = {}


def _config(configure_rules: dict | None) -> ConfigMixIn:
    """One configuration per rule settings (building one costs more than linting a small template);
    the template's own `Metadata` settings are applied per template by the run, as cfn-lint does."""
    key = json.dumps(configure_rules, sort_keys=True)
    if key not in _CONFIGS:
        args = ["--include-checks", "I", "--", "template.json"]
        _CONFIGS[key] = ConfigMixIn(args, **({"configure_rules": configure_rules} if configure_rules else {}))
    return _CONFIGS[key]


# Pairs the pack leaves to a stock rule where that rule judges them right (E9504 to E3505, E9601 to
# E3502): a user sees the stock finding instead, so the oracle counts it as the pack's.
DEFERRED_TO = {"E3505": "E9504", "E3502": "E9601"}
_STOCK: dict = {}


def _with_stock(text: str) -> bool:
    """Whether a template can hold a pair the pack defers to a stock rule (an SQS queue with a
    dead-letter queue, or consumed by a function)."""
    return "AWS::SQS::Queue" in text and any(k in text for k in ("RedrivePolicy", "EventSourceMapping", "Serverless"))


def _stock_run(configure_rules: dict | None):
    """cfn-lint's own runner with the pack appended (the stock rules run inside its schema checks)."""
    key = json.dumps(configure_rules, sort_keys=True)
    if key not in _STOCK:
        from cfnlint.runner.cli import Runner

        # (the file named is never linted: Runner only needs one that exists to load the rules)
        args = ["--append-rules", "cfn_lint_bestpractices.rules", "--include-checks", "I", "--", __file__]
        config = ConfigMixIn(args, **({"configure_rules": configure_rules} if configure_rules else {}))
        _STOCK[key] = (config, Runner(config).rules)
    return _STOCK[key]


def lint_file(path: Path, configure_rules: dict | None = None, stock: bool | None = None) -> list[Finding]:
    if stock is None:
        stock = _with_stock(path.read_text(encoding="utf-8", errors="replace"))
    if stock:
        from cfnlint.runner.template.runner import run_template_by_file_path

        config, rules = _stock_run(configure_rules)
        matches = run_template_by_file_path(str(path), config, rules, False)
    else:
        matches = packonly.run_template_by_file_path(str(path), _config(configure_rules), _rules(), False)
    out = []
    for m in matches:
        rid = DEFERRED_TO.get(m.rule.id, m.rule.id)
        if rid not in PACK_IDS and rid not in ("E0002",):
            if rid in ("E0000", "E0001"):
                out.append(Finding(rid, (), m.message, m.linenumber))
            continue
        p = list(getattr(m, "path", None) or [])
        key = tuple(str(x) for x in p[:2]) if p and p[0] in ("Resources", "Outputs", "Parameters") else tuple(str(x) for x in p[:1])
        out.append(Finding(rid, key, m.message, m.linenumber))
    return out


_EVERY_BY_DEFAULT = {cls.id: bool(cls().config_definition.get("every_allowed_value", {}).get("default"))
                     for cls in ALL_RULES}


def _judges_every_value(rule_id: str, configure_rules: dict | None) -> bool:
    """The rule's judgement policy: errors every allowed value; warnings and informational findings
    the Defaults, unless `every_allowed_value` is set (or is the rule's default)."""
    if rule_id[:1] == "E":
        return True
    settings = (configure_rules or {}).get(rule_id) or {}
    if "every_allowed_value" in settings:
        return str(settings["every_allowed_value"]).lower() in ("true", "1")
    return _EVERY_BY_DEFAULT.get(rule_id, False)


# The rules that leave out scenarios by their conditions' names: test-only ones (TestResourcesAware)
# and, for practices production needs, non-production ones (EnvironmentDependentRule). A concrete
# scenario has no condition left to name, so the oracle leaves those scenarios out for them.
_TEST_AWARE = {cls.id for cls in ALL_RULES if issubclass(cls, TestResourcesAware)}
_PRODUCTION_AWARE = {cls.id for cls in ALL_RULES if issubclass(cls, EnvironmentDependentRule)}
_OPTION_DEFAULTS = {cls.id: {k: v.get("default") for k, v in cls().config_definition.items()} for cls in ALL_RULES}
_NOT_PROD = re.compile(r"(?i)(non|not)[-_]?prod")
_NOT_TEST = re.compile(r"(?:^|(?<=[^A-Za-z])|(?=[A-Z]))(?i:not?|skip|disable|without|exclude)[-_]?"
                       r"(?i:integration[-_]?)?(?i:test|e2e)")


def _left_out(rule_id: str, scenario: Scenario, configure_rules: dict | None, solver: Any = None) -> bool:
    """Whether the rule leaves this scenario out: a test condition holds (a `CreateTestResources`
    true, a `SkipTests` false), or, for a practice production needs, a production condition does not
    (`IsProd` false, `IsNonProd` true). A declared condition that nothing uses is not among the
    scenario's conditions: its truth value is what `solver` (the template's) derives from them and the
    parameters' values (`IsProd` is false when `Env` is 'dev'), as the rules derive it."""
    if rule_id not in _TEST_AWARE:
        return False
    settings = dict(_OPTION_DEFAULTS.get(rule_id, {}))
    settings.update((configure_rules or {}).get(rule_id) or {})
    tests, prod = settings.get("test_conditions") or "", settings.get("production_conditions") or ""
    truth = list(scenario.conditions)
    if solver is not None:
        known = tuple((n, v) for n, v in scenario.params if v is not UNKNOWN)
        mine = dict(scenario.conditions)
        for name in sorted(solver.names - set(mine)):
            if not ((tests and re.fullmatch(tests, name)) or (prod and re.fullmatch(prod, name))):
                continue
            if solver.implies_true(scenario.conditions, known, name):
                truth.append((name, True))
            elif solver.implies_false(scenario.conditions, known, name):
                truth.append((name, False))
    for name, value in truth:
        if tests and re.fullmatch(tests, name) and value != bool(_NOT_TEST.search(name)):
            return True
        if rule_id in _PRODUCTION_AWARE and prod and re.fullmatch(prod, name) and value == bool(_NOT_PROD.search(name)):
            return True
    return False


@dataclass
class Result:
    template: str
    scenarios: int = 0
    too_many: bool = False
    partial: bool = False  # only the warnings' scenarios were judged (too many scenarios for errors)
    broken: str = ""  # a scenario the pack cannot lint (the rendering's fault or a bad template)
    mismatches: list[str] = field(default_factory=list)


def check(path: Path, configure_rules: dict | None = None, workdir: Path | None = None) -> Result:
    """Compare the pack's findings on `path` with the union over its concrete scenarios."""
    result = Result(str(path))
    decoded, matches = decode(str(path))
    if matches or not isinstance(decoded, dict):
        result.broken = "does not decode"
        return result
    template = plain(decoded)
    undeclared = _undeclared_conditions(template)
    if undeclared:
        # stock E1028: the template cannot be deployed, and no scenario decides what it names
        result.broken = f"names a condition it does not declare: {', '.join(undeclared)}"
        return result
    found = scenarios(template)
    if found is None:
        # past the bound, the warnings' scenarios alone (parameters at their Defaults) are judged,
        # and only the rules that judge at the Defaults are compared; if even those are too many,
        # the template is not judged
        found = scenarios_at_defaults(template)
        result.partial = True
        if found is None:
            result.too_many = True
            return result
    if not found or (len(found) == 1 and not found[0].conditions and not found[0].params):
        return result  # nothing to vary
    result.scenarios = len(found)
    stock = _with_stock(path.read_text(encoding="utf-8", errors="replace"))
    original = lint_file(path, configure_rules, stock)
    if any(f.rule in ("E0000", "E0001") for f in original):
        result.broken = "the original does not lint"
        return result
    solver = Scenarios(template)
    per_scenario: list[tuple[Scenario, list[Finding]]] = []
    linted: dict[str, list[Finding]] = {}  # scenarios that render alike are linted once
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for i, scenario in enumerate(found):
            text = json.dumps(render(template, scenario), indent=1, default=str)
            if text not in linted:
                concrete = Path(tmp) / f"scenario-{i}.json"
                concrete.write_text(text)
                linted[text] = lint_file(concrete, configure_rules, stock)
            findings = linted[text]
            bad = [f for f in findings if f.rule in ("E0000", "E0001")]
            if bad:
                result.broken = f"scenario {describe(scenario)} does not lint: {bad[0].message}"
                return result
            per_scenario.append((scenario, findings))

    def policy_scenarios(rule_id: str):
        every = _judges_every_value(rule_id, configure_rules)
        if every and result.partial:
            return None
        return [(s, fs) for s, fs in per_scenario if (s.allowed if every else s.at_defaults)
                and not _left_out(rule_id, s, configure_rules, solver)]

    expected: dict[tuple, list[Scenario]] = {}
    rule_ids = sorted({f.rule for _, fs in per_scenario for f in fs} | {f.rule for f in original})
    unjudged = {r for r in rule_ids if policy_scenarios(r) is None}
    original = [f for f in original if f.rule not in unjudged]
    for rule_id in rule_ids:
        for scenario, findings in policy_scenarios(rule_id) or ():
            for f in findings:
                if f.rule == rule_id:
                    expected.setdefault((rule_id, f.key), []).append(scenario)
    actual: dict[tuple, list[Finding]] = {}
    for f in original:
        actual.setdefault((f.rule, f.key), []).append(f)

    for key in sorted(set(expected) - set(actual)):
        where = ", ".join(describe(s) for s in expected[key][:3])
        example = next(f.message for s, fs in per_scenario if s in expected[key] for f in fs if (f.rule, f.key) == key)
        result.mismatches.append(f"missed {key[0]} on {'/'.join(key[1])}: holds in [{where}]: {example}")
    for key in sorted(set(actual) - set(expected)):
        result.mismatches.append(f"false {key[0]} on {'/'.join(key[1])}: holds in no scenario of its policy: "
                                 f"{actual[key][0].message}")
    for key in sorted(set(actual) & set(expected)):
        holding = expected[key]
        for f in actual[key]:
            for conds, params in scenarios_in(f.message):
                if not any(s.agrees(conds, params) for s in holding):
                    result.mismatches.append(f"wrong 'when' {key[0]} on {'/'.join(key[1])}: names a scenario "
                                             f"in which it does not hold: {f.message}")
    return result


def describe(scenario: Scenario) -> str:
    parts = [f"{n}={'T' if v else 'F'}" for n, v in scenario.conditions]
    parts += [f"{n}={'?' if v is UNKNOWN else v}" for n, v in scenario.params]
    return " ".join(parts) or "(no choice)"


def deep_copy(template: dict) -> dict:
    return copy.deepcopy(template)
