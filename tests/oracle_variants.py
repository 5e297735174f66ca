"""Generated variants for the scenario oracle: fixture templates with conditions wrapped around their
properties, list entries and resources, the way real stacks use them.

A variant adds parameters and conditions of its own (prefixed `Oracle`) and then applies one to three
of these changes:

- a property's value under `Fn::If [C, value, other]`, where other is `AWS::NoValue`, the same value,
  or the value the same property has on another resource of the same type in the fixtures (a good
  fixture's value against a bad one's);
- a list entry under `Fn::If [C, entry, AWS::NoValue]`, alone or beside a second entry under the
  complementary condition (exactly one of them exists);
- a whole resource under `Condition: C` (the resources that relate to it then exist in more
  scenarios than it does);
- a property replaced by `!Ref` of a parameter that a condition also compares (`Equals` on a
  parameter that is also read), whose allowed values are the property's values seen in the fixtures;
- a `Rules` assertion that forbids one combination of parameter values.

The conditions are related the ways real ones are: `Equals` on one parameter (`OracleProd`,
`OracleDev`), `!Not`, `And`/`Or` of them, a free one on a parameter without `AllowedValues`, and one
on a parameter with a single allowed value.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from cfnlint.decode import decode
from oracle import plain

CONDITIONS = {
    "OracleProd": {"Fn::Equals": [{"Ref": "OracleEnv"}, "prod"]},
    "OracleDev": {"Fn::Equals": [{"Ref": "OracleEnv"}, "dev"]},
    "OracleNotProd": {"Fn::Not": [{"Condition": "OracleProd"}]},
    "OracleProdAndFlag": {"Fn::And": [{"Condition": "OracleProd"}, {"Condition": "OracleFlagOn"}]},
    "OracleDevOrFlag": {"Fn::Or": [{"Condition": "OracleDev"}, {"Condition": "OracleFlagOn"}]},
    "OracleFlagOn": {"Fn::Equals": [{"Ref": "OracleFlag"}, "true"]},
    "OracleFlagOff": {"Fn::Not": [{"Condition": "OracleFlagOn"}]},
    "OracleSingle": {"Fn::Equals": [{"Ref": "OracleOnly"}, "one"]},
    "OracleRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
}
# each condition with one that is true exactly when it is false
COMPLEMENT = {"OracleProd": "OracleNotProd", "OracleNotProd": "OracleProd", "OracleFlagOn": "OracleFlagOff",
              "OracleFlagOff": "OracleFlagOn", "OracleDev": None, "OracleProdAndFlag": None,
              "OracleDevOrFlag": None, "OracleSingle": None, "OracleRegion": None}
PARAMETERS = {
    "OracleEnv": {"Type": "String", "AllowedValues": ["dev", "test", "prod"], "Default": "dev"},
    "OracleFlag": {"Type": "String", "Default": "false"},
    "OracleOnly": {"Type": "String", "AllowedValues": ["one"], "Default": "one"},
}


def load_fixtures(paths: list[Path]) -> list[dict]:
    out = []
    for path in paths:
        template, errors = decode(str(path))
        if errors or not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            continue
        template = plain(template)
        if "Conditions" in template and not isinstance(template["Conditions"], dict):
            continue
        out.append(template)
    return out


def property_pool(templates: list[dict]) -> dict[tuple[str, str], list]:
    """(resource type, property) -> the distinct values it has across the fixtures. A value that names a
    condition (`Fn::If`, `Condition`) is left out: another template does not declare that condition,
    and a template naming an undeclared one cannot be deployed (stock E1028)."""
    pool: dict[tuple[str, str], list] = {}
    for template in templates:
        for body in template["Resources"].values():
            if not isinstance(body, dict) or not isinstance(body.get("Properties"), dict):
                continue
            for key, value in body["Properties"].items():
                text = json.dumps(value, default=str)
                if '"Fn::If"' in text or '"Condition"' in text:
                    continue
                seen = pool.setdefault((str(body.get("Type")), key), [])
                if value not in seen and len(seen) < 8:
                    seen.append(value)
    return pool


def _places(node: Any, path: tuple = ()) -> list[tuple]:
    """Paths (inside a resource's Properties) of values a condition may wrap: every dict value and
    every list entry, not inside an intrinsic function."""
    out = []
    if isinstance(node, dict):
        if len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref")):
            return out
        for key, value in node.items():
            out.append(path + (key,))
            out += _places(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append(path + (i,))
            out += _places(value, path + (i,))
    return out


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _declare(name: str, conds: dict, params: dict) -> str:
    """Add condition `name` to the template with the conditions and parameters it names (only what a
    variant uses is declared: each parameter multiplies the scenarios the oracle lints)."""
    if name not in conds:
        conds[name] = copy.deepcopy(CONDITIONS[name])
        text = json.dumps(CONDITIONS[name])
        for other in CONDITIONS:
            if f'"Condition": "{other}"' in text:
                _declare(other, conds, params)
        for param in PARAMETERS:
            if f'"Ref": "{param}"' in text:
                params.setdefault(param, copy.deepcopy(PARAMETERS[param]))
    return name


@st.composite
def variants(draw, templates: list[dict], pool: dict) -> dict:
    template = copy.deepcopy(draw(st.sampled_from(templates)))
    params = template.setdefault("Parameters", {})
    if not isinstance(params, dict):
        params = template["Parameters"] = {}
    conds = template.setdefault("Conditions", {})
    if not isinstance(conds, dict):
        conds = template["Conditions"] = {}
    resources = template["Resources"]
    names = sorted(n for n, b in resources.items() if isinstance(b, dict) and isinstance(b.get("Type"), str))
    if not names:
        return template
    condition = st.sampled_from(sorted(CONDITIONS)).map(lambda name: _declare(name, conds, params))
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        body = resources[name]
        kind = draw(st.sampled_from(["property", "entry", "resource", "parameter", "rules"]))
        props = body.get("Properties")
        places = _places(props) if isinstance(props, dict) else []
        if kind == "resource" or not places:
            if "Condition" not in body:
                body["Condition"] = draw(condition)
            continue
        if kind == "rules":
            _declare("OracleFlagOn", conds, params)
            _declare("OracleProd", conds, params)
            template.setdefault("Rules", {})["OracleRule"] = {
                "RuleCondition": {"Fn::Equals": [{"Ref": "OracleFlag"}, "true"]},
                "Assertions": [{"Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "OracleEnv"}, "test"]}]}}],
            }
            continue
        path = draw(st.sampled_from(places))
        parent = _get(props, path[:-1])
        value = parent[path[-1]]
        others = [v for v in pool.get((body["Type"], path[0]), []) if v != _get(props, path[:1])] if len(path) == 1 else []
        if kind == "parameter" and len(path) == 1 and all(isinstance(v, str) for v in [value] + others) and others:
            choices = [value] + others[:3]
            params["OracleChoice"] = {"Type": "String", "AllowedValues": choices,
                                      "Default": draw(st.sampled_from(choices))}
            conds["OracleChosen"] = {"Fn::Equals": [{"Ref": "OracleChoice"}, choices[0]]}
            parent[path[-1]] = {"Fn::If": ["OracleChosen", {"Ref": "OracleChoice"}, value]} \
                if draw(st.booleans()) else {"Ref": "OracleChoice"}
            continue
        cond = draw(condition)
        if kind == "entry" and isinstance(parent, list):
            parent[path[-1]] = {"Fn::If": [cond, value, {"Ref": "AWS::NoValue"}]}
            complement = COMPLEMENT.get(cond)
            if complement:
                _declare(complement, conds, params)
            if complement and draw(st.booleans()):
                twin = copy.deepcopy(draw(st.sampled_from(parent[:path[-1]] + parent[path[-1] + 1:] or [value])))
                parent.insert(path[-1] + 1, {"Fn::If": [complement, twin, {"Ref": "AWS::NoValue"}]})
            continue
        other = draw(st.sampled_from(["novalue", "same"] + (["pool"] if others else [])))
        alt = {"novalue": {"Ref": "AWS::NoValue"}, "same": copy.deepcopy(value)}.get(other)
        if other == "pool":
            alt = copy.deepcopy(draw(st.sampled_from(others)))
        branches = [value, alt] if draw(st.booleans()) else [alt, value]
        parent[path[-1]] = {"Fn::If": [cond] + branches}
    return template


def write(template: dict, folder: Path, name: str = "variant.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(template, indent=1))
    return path
