"""The scenario oracle over applications: an application's findings must be the union of its concrete
scenarios' findings (tests/oracle.py does it for one template; this is issue #25 item 8).

An application (fixtures/applications/<app>/, see tests/applications.py) is a set of stacks: the root
templates the command is given (or the stacks of a cloud assembly) and, recursively, the local
children their nested stack resources deploy. The oracle

- *enumerates the application's scenarios*: stack by stack, parents before children. A root stack's
  conditions and parameters are chosen as tests/oracle.py chooses them for one template, and a root
  parameter that a child's compared (or `AllowedValues`) parameter is bound to is chosen too. A
  child's parameter bound by its parent is not free: it takes the value of the parent's binding in
  the parent's rendering (an `Fn::If` there is decided by the parent's scenario; a `Ref` to a parent
  parameter takes that parameter's chosen value or Default); a binding the oracle cannot know (a
  resource's attribute, an import, an unknown parameter value) leaves the child's parameter unknown,
  so that its conditions are free. A child's unbound parameters are chosen as a root's are. A nested
  stack resource whose `Condition` is false is not rendered (tests/oracle.render), and its child (with
  its own children) is not deployed in that scenario: its findings do not count there. Nor is a
  stack that CloudFormation would refuse in the scenario: one that imports (by a literal name) an
  export of the application that no deployed stack of the scenario exports, or reads `Child.Outputs.X`
  of a child that has no output X in the scenario (its Condition is false); repeated until nothing
  changes.
- *renders each scenario as a concrete application*: a copy of the app's folder with each deployed
  template replaced by its rendering (JSON, under the same name) and each template that is not
  deployed removed, and lints it with the pack's command as tests/applications.py does (JSON output:
  file, rule, resource). Scenarios that render alike are linted once.
- *compares* per (file, rule, resource) with the command's findings on the original application,
  under the judgement policy of tests/oracle.py: an error holds if it holds in any scenario in which
  every chosen parameter takes an allowed value, a warning or an informational finding if it holds in
  the scenario with every chosen parameter at its Default (unless the rule's `every_allowed_value`).
  A finding that names a scenario ("when condition 'IsProd' is true") must hold in a scenario of its
  policy in which its own stack's conditions and parameters agree with what it names.

Limits: past MAX_SCENARIOS application scenarios an app is not judged (`too_many`, counted by the
test); an application in which nothing varies (one scenario, no choice) is not judged either (its
rendering is the original). A template deployed twice whose two stacks render differently in a
scenario is written twice (the second as a copy its parent names); the copy's findings are the
template's.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

from applications import APPS, expectations, folder_findings
from cfn_lint_bestpractices.model import assembly
from oracle import (UNKNOWN, Scenario, _chosen_parameters, _judges_every_value, _left_out, _refs_in, mappings_in,
                    plain, render, scenarios)
from scenario_check import scenarios_in

MAX_SCENARIOS = 64
LIST_TYPES = ("List<", "CommaDelimitedList", "AWS::SSM::")


@dataclass
class Stack:
    """One stack of the application: a template (relative to the app folder) at one place."""

    file: str
    template: dict
    parent: "Stack | None" = None
    link: Any = None  # assembly.Link of the parent's nested stack resource
    children: list = field(default_factory=list)
    chosen_extra: set = field(default_factory=set)  # parameters chosen because a child compares them

    @property
    def display(self) -> str:
        return self.file if self.parent is None else f"{self.parent.display}/{self.link.logical_id}"


def _load(path: Path) -> dict | None:
    decoded, matches = decode(str(path))
    return plain(decoded) if not matches and isinstance(decoded, dict) else None


def stacks_of(app_dir: Path, inputs: list[str]) -> list[Stack]:
    """The application's stacks, parents before children."""
    roots: list[str] = []
    for item in inputs:
        found = assembly.assembly_templates(str(app_dir / item))
        if found is None:
            roots.append(os.path.normpath(str(app_dir / item)))
        else:
            roots += [os.path.normpath(f) for f in found]
    parsed = {f: _load(Path(f)) for f in roots}
    children = set()
    for f, t in parsed.items():
        for link in assembly.nested_links(t or {}, f):
            if link.child:
                children.add(os.path.normpath(link.child))
    out: list[Stack] = []

    def add(file: str, template: dict, parent: Stack | None, link: Any, depth: int = 0) -> None:
        stack = Stack(os.path.relpath(file, app_dir).replace(os.sep, "/"), template, parent, link)
        out.append(stack)
        if parent is not None:
            parent.children.append(stack)
        if depth >= 8:
            return
        for child_link in assembly.nested_links(template, file):
            if child_link.child:
                child = _load(Path(child_link.child))
                if child is not None:
                    add(os.path.normpath(child_link.child), child, stack, child_link, depth + 1)

    for f in roots:
        if f not in children and parsed[f] is not None:
            add(f, parsed[f], None, None)
    _mark_chosen_through_bindings(out)
    return out



def _mark_chosen_through_bindings(stacks: list[Stack]) -> None:
    """A parent parameter that a child's chosen parameter is bound to is chosen in the parent (its value
    decides the child's conditions), deepest stacks first."""
    for stack in reversed(stacks):
        if stack.parent is None:
            continue
        chosen = _chosen_parameters(stack.template, frozenset(stack.chosen_extra))
        parent_params = stack.parent.template.get("Parameters") or {}
        for name in chosen:
            node = stack.link.bindings.get(name)
            if node is not None:
                stack.parent.chosen_extra |= {r for r in _refs_in(node, set()) if r in parent_params}


# --- scenarios of one stack ------------------------------------------------------------------------

def stack_scenarios(template: dict, extra: set, bound: set) -> list[Scenario] | None:
    """tests/oracle.scenarios with `extra` parameters chosen too; parameters in `bound` are fixed by
    the parent (their domain is one value, or unknown) and count as neither a Default nor a choice."""
    return scenarios(template, extra=frozenset(extra), bound=frozenset(bound))


def _bound_template(stack: Stack, parent_rendered: dict, parent_scenario: Scenario) -> tuple[dict, set] | None:
    """The child's template with each parameter its parent binds fixed to the binding's value in the
    parent's rendering (Default and AllowedValues [value]), or made unknown (no Default) where the
    oracle cannot know it; None when the parent's rendering does not deploy the child."""
    res = (parent_rendered.get("Resources") or {}).get(stack.link.logical_id)
    if not isinstance(res, dict):
        return None
    bindings = (res.get("Properties") or {}).get("Parameters") or {}
    template = dict(stack.template)
    params = {k: dict(v) if isinstance(v, dict) else v for k, v in (template.get("Parameters") or {}).items()}
    template["Parameters"] = params
    chosen = dict(parent_scenario.params)
    parent_params = parent_rendered.get("Parameters") or {}
    bound = set()
    for name, node in bindings.items():
        decl = params.get(name)
        if not isinstance(decl, dict) or str(decl.get("Type", "")).startswith(LIST_TYPES):
            continue
        bound.add(name)
        value: Any = UNKNOWN
        if isinstance(node, (str, int, float)) and not isinstance(node, bool):
            value = node
        elif isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in parent_params:
            ref = node["Ref"]
            if ref in chosen:
                value = chosen[ref]
            elif isinstance(parent_params[ref], dict) and isinstance(parent_params[ref].get("Default"), (str, int, float)):
                value = parent_params[ref]["Default"]
        if value is UNKNOWN:
            decl.pop("Default", None)
            decl.pop("AllowedValues", None)
        else:
            decl["Default"] = value
            decl["AllowedValues"] = [value]
    return template, bound


# --- scenarios of the application ------------------------------------------------------------------

@dataclass
class AppScenario:
    parts: tuple  # per stack (in stacks_of order): (Scenario, rendered template) or None (not deployed)
    # the choices of every stack the scenario chose for, deployed or not (a stack that cannot be deployed
    # in the scenario still chose its parameters)
    at_defaults: bool = True
    allowed: bool = True

    @classmethod
    def of(cls, parts: tuple) -> "AppScenario":
        return cls(parts, all(p[0].at_defaults for p in parts if p is not None),
                   all(p[0].allowed for p in parts if p is not None))


def app_scenarios(stacks: list[Stack]) -> list[AppScenario] | None:
    """Every scenario of the application, or None past MAX_SCENARIOS."""
    index = {id(s): i for i, s in enumerate(stacks)}
    out: list[AppScenario] = []

    def walk(i: int, parts: tuple) -> bool:
        if i == len(stacks):
            out.append(AppScenario.of(parts))
            return len(out) <= MAX_SCENARIOS
        stack = stacks[i]
        template, bound = stack.template, set()
        if stack.parent is not None:
            parent = parts[index[id(stack.parent)]]
            fixed = _bound_template(stack, parent[1], parent[0]) if parent is not None else None
            if fixed is None:
                return walk(i + 1, parts + (None,))
            template, bound = fixed
        found = stack_scenarios(template, stack.chosen_extra, bound)
        if found is None:
            return False
        for scenario in found:
            if not walk(i + 1, parts + ((scenario, render(template, scenario)),)):
                return False
        return True

    if not walk(0, ()):
        return None
    return [_without_undeployable(stacks, s) for s in out]


def _literal_imports(node: Any, found: set) -> set:
    found.update(m["Fn::ImportValue"] for m in mappings_in(node)
                 if len(m) == 1 and isinstance(m.get("Fn::ImportValue"), str))
    return found


def _literal_exports(template: dict) -> set:
    outputs = template.get("Outputs") if isinstance(template.get("Outputs"), dict) else {}
    return {o["Export"]["Name"] for o in outputs.values() if isinstance(o, dict) and isinstance(o.get("Export"), dict)
            and isinstance(o["Export"].get("Name"), str)}


def _child_outputs_read(node: Any, found: set) -> set:
    for mapping in mappings_in(node):
        if len(mapping) == 1 and "Fn::GetAtt" in mapping:
            args = mapping["Fn::GetAtt"]
            parts = args.split(".", 1) if isinstance(args, str) else args
            if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[1], str) and parts[1].startswith("Outputs."):
                found.add((str(parts[0]), parts[1][len("Outputs."):]))
        if len(mapping) == 1 and "Fn::Sub" in mapping:
            sub = mapping["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                found.update(re.findall(r"\$\{([^}!.]+)\.Outputs\.([^}]+)\}", text))
    return found


def _reads_a_missing_child_output(stack: Stack, rendered: dict, stacks: list[Stack], parts: list) -> bool:
    """Whether the rendered stack reads `Child.Outputs.X` of a deployed child whose rendering has no
    output X (its Condition is false): CloudFormation fails the stack."""
    for child in stack.children:
        part = parts[stacks.index(child)]
        if part is None:
            continue
        for name, output in _child_outputs_read(rendered, set()):
            if name == child.link.logical_id and output in (child.template.get("Outputs") or {}) \
                    and output not in (part[1].get("Outputs") or {}):
                return True
    return False


def _without_undeployable(stacks: list[Stack], scenario: AppScenario) -> AppScenario:
    """A stack that imports (by a literal name) an export of the application that no deployed stack of
    the scenario exports cannot be deployed (CloudFormation refuses the import), nor can one that reads
    an output its child does not have in the scenario: it is not deployed, nor are its children;
    repeated until nothing changes."""
    exported_somewhere = set().union(*(_literal_exports(s.template) for s in stacks))
    parts = list(scenario.parts)
    changed = True
    while changed:
        changed = False
        exported = set().union(*(_literal_exports(p[1]) for p in parts if p is not None))
        for i, (stack, part) in enumerate(zip(stacks, parts)):
            if part is None:
                continue
            missing = (_literal_imports(part[1], set()) & exported_somewhere) - exported
            parent_gone = stack.parent is not None and parts[stacks.index(stack.parent)] is None
            if missing or parent_gone or _reads_a_missing_child_output(stack, part[1], stacks, parts):
                parts[i] = None
                changed = True
    return AppScenario(tuple(parts), scenario.at_defaults, scenario.allowed)


def describe(stacks: list[Stack], scenario: AppScenario) -> str:
    said = []
    for stack, part in zip(stacks, scenario.parts):
        if part is None:
            said.append(f"{stack.display}: not deployed")
            continue
        s = part[0]
        bits = [f"{n}={'T' if v else 'F'}" for n, v in s.conditions]
        bits += [f"{n}={'?' if v is UNKNOWN else v}" for n, v in s.params]
        if bits:
            said.append(f"{stack.display}: {' '.join(bits)}")
    return "; ".join(said) or "(no choice)"


# --- linting and comparing -------------------------------------------------------------------------

@dataclass
class Result:
    app: str
    scenarios: int = 0
    linted: int = 0
    too_many: bool = False
    nothing_varies: bool = False
    broken: str = ""
    mismatches: list[str] = field(default_factory=list)


def _copy_name(file: str, n: int) -> str:
    folder, base = os.path.split(file)
    stem, dot, rest = base.partition(".")
    return os.path.join(folder, f"{stem}.oracle{n}{dot}{rest}").replace(os.sep, "/")


def _point_at(rendered: dict, link: Any, parent_file: str, child_file: str) -> dict:
    """The parent's rendering with its nested stack resource naming `child_file` (a copy)."""
    out = copy.deepcopy(rendered)
    res = (out.get("Resources") or {}).get(link.logical_id)
    if not isinstance(res, dict):
        return out
    where = os.path.relpath(child_file, os.path.dirname(parent_file) or ".").replace(os.sep, "/")
    meta = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
    props = res.setdefault("Properties", {})
    if isinstance(meta.get("aws:asset:path"), str):
        meta["aws:asset:path"] = where
    elif link.kind == "AWS::CloudFormation::Stack":
        props["TemplateURL"] = where
    else:
        props["Location"] = where
    return out


def _render_app(stacks: list[Stack], scenario: AppScenario, into: Path) -> tuple[dict, dict]:
    """Write the scenario's application into `into` (a copy of the app's folder): each deployed
    template's rendering under its name, and where a template is deployed twice and its stacks render
    differently, the second rendering as a copy (`workers.oracle2.yaml`) that its parent names instead.
    Returns ({file written: its text}, {copy: the template it renders})."""
    target: dict[int, str] = {}
    texts: dict[str, str] = {}
    copies: dict[str, str] = {}
    for i in reversed(range(len(stacks))):  # children first: a parent names its children's files
        stack, part = stacks[i], scenario.parts[i]
        if part is None:
            continue
        rendered = part[1]
        for child in stack.children:
            j = stacks.index(child)
            if j in target and target[j] != child.file:
                rendered = _point_at(rendered, child.link, stack.file, target[j])
        text = json.dumps(rendered, indent=1, default=str)
        name, n = stack.file, 1
        while texts.get(name, text) != text:
            n += 1
            name = _copy_name(stack.file, n)
            copies[name] = stack.file
        texts[name] = text
        target[i] = name
    for stack in stacks:
        path = into / stack.file
        if stack.file not in texts and path.exists():
            path.unlink()
    for name, text in texts.items():
        (into / name).write_text(text, encoding="utf-8")
    return texts, copies


def check(app: str, findings_of=None) -> Result:
    """Compare the command's findings on the app with the union over its concrete scenarios."""
    result = Result(app)
    app_dir = APPS / app
    spec = expectations(app)
    stacks = stacks_of(app_dir, spec["inputs"])
    found = app_scenarios(stacks)
    if found is None:
        result.too_many = True
        return result
    if len(found) == 1 and not any(p[0].conditions for p in found[0].parts if p is not None):
        result.nothing_varies = True
        return result
    result.scenarios = len(found)
    original = findings_of(app) if findings_of else folder_findings(app_dir, spec["inputs"])
    if any(r["rule"] in ("E0000", "E0001") for r in original):
        result.broken = "the original does not lint"
        return result
    per_scenario: list[tuple[AppScenario, list[dict]]] = []
    linted: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, scenario in enumerate(found):
            folder = Path(tmp) / f"s{n}"
            shutil.copytree(app_dir, folder, ignore=shutil.ignore_patterns("snapshots", "expect.json"))
            texts, copies = _render_app(stacks, scenario, folder)
            digest = hashlib.sha256(json.dumps(sorted(texts.items())).encode()).hexdigest()
            if digest not in linted:
                inputs = [i for i in spec["inputs"] if (folder / i).exists()]
                found_rows = folder_findings(folder, inputs) if inputs else []
                for r in found_rows:  # a copy's findings are its template's
                    r["file"] = copies.get(r["file"], r["file"])
                linted[digest] = found_rows
                result.linted += 1
            rows = linted[digest]
            bad = [r for r in rows if r["rule"] in ("E0000", "E0001")]
            if bad:
                result.broken = f"scenario {describe(stacks, scenario)} does not lint: {bad[0]['message']}"
                return result
            per_scenario.append((scenario, rows))

    def left_out(rule_id: str, file: str, scenario: AppScenario) -> bool:
        """tests/oracle._left_out in the stacks of `file` (a test-only or non-production scenario)."""
        return any(part is not None and stack.file == file and _left_out(rule_id, part[0], None)
                   for stack, part in zip(stacks, scenario.parts))

    expected: dict[tuple, list[AppScenario]] = {}
    for scenario, rows in per_scenario:
        for r in rows:
            policy = scenario.allowed if _judges_every_value(r["rule"], None) else scenario.at_defaults
            if policy and not left_out(r["rule"], r["file"], scenario):
                expected.setdefault((r["file"], r["rule"], r["resource"]), []).append(scenario)
    actual: dict[tuple, list[dict]] = {}
    for r in original:
        actual.setdefault((r["file"], r["rule"], r["resource"]), []).append(r)

    def name(key: tuple) -> str:
        return f"{key[1]} on {key[0]}/{key[2]}"

    for key in sorted(set(expected) - set(actual), key=str):
        where = " | ".join(describe(stacks, s) for s in expected[key][:3])
        example = next(r["message"] for s, rows in per_scenario if s in expected[key] for r in rows
                       if (r["file"], r["rule"], r["resource"]) == key)
        result.mismatches.append(f"missed {name(key)}: holds in [{where}]: {example}")
    for key in sorted(set(actual) - set(expected), key=str):
        result.mismatches.append(f"false {name(key)}: holds in no scenario of its policy: {actual[key][0]['message']}")
    for key in sorted(set(actual) & set(expected), key=str):
        for r in actual[key]:
            remote = remote_clauses(r["message"])
            for conds, params in scenarios_in(r["message"]) or ([({}, {})] if remote else []):
                if not any(_agrees(stacks, s, key[0], conds, params, remote) for s in expected[key]):
                    result.mismatches.append(f"wrong 'when' {name(key)}: names a scenario in which it does not "
                                             f"hold: {r['message']}")
    return result


_REMOTE_COND = re.compile(r"condition '([^']+)' in stack (\S+?) is (true|false)")
_REMOTE_PARAM = re.compile(r"parameter '([^']+)' in stack (\S+?) is ('(?:[^'\\]|\\.)*'|[^\s,:;)]+)")


def remote_clauses(message: str) -> dict:
    """{stack display: (conditions, parameters)} that a finding names of other stacks ("when condition
    'IsStrict' in stack queues.yaml is false")."""
    out: dict = {}
    for m in _REMOTE_COND.finditer(message):
        out.setdefault(m.group(2), ({}, {}))[0][m.group(1)] = m.group(3) == "true"
    for m in _REMOTE_PARAM.finditer(message):
        value = m.group(3)
        out.setdefault(m.group(2), ({}, {}))[1][m.group(1)] = value[1:-1] if value.startswith("'") else value
    return out


def _agrees(stacks: list[Stack], scenario: AppScenario, file: str, conds: dict, params: dict,
            remote: dict | None = None) -> bool:
    """Whether a stack of `file` in `scenario` is in the scenario a finding names, and each other stack
    it names (by its display) too (a stack the oracle does not know by that name is not judged)."""
    for name, (rconds, rparams) in (remote or {}).items():
        named = [(s, p) for s, p in zip(stacks, scenario.parts) if s.display == name]
        if named and not any(p is not None and p[0].agrees(rconds, rparams) for _, p in named):
            return False
    for stack, part in zip(stacks, scenario.parts):
        if stack.file == file and part is not None and part[0].agrees(conds, params):
            return True
    return False
