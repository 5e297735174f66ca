"""Reading a finding's scenario back from its message, and asking cfn-lint's solver about it.

Every finding that depends on a scenario says so: "... when condition 'IsProd' is true and parameter
'Env' is 'prod' ...". A finding about a resource with a `Condition` holds only where the resource
exists. These helpers let a test check, for every finding of the pack, that cfn-lint's own condition
solver (`cfn.conditions`) agrees that the scenario can happen.
"""

from __future__ import annotations

import re

_PART = re.compile(r"condition '([^']+)' is (true|false)|parameter '([^']+)' is ('(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^\s,:;)]+)")
_WHEN = re.compile(r" when ((?:(?:condition '[^']+' is (?:true|false)|parameter '[^']+' is "
                   r"(?:'(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^\s,:;)]+))(?: and )?)+)")


def scenarios_in(message: str) -> list[tuple[dict, dict]]:
    """Each "when ..." clause of a message as (conditions, parameter values)."""
    out = []
    for clause in _WHEN.finditer(message):
        conds, params = {}, {}
        for m in _PART.finditer(clause.group(1)):
            if m.group(1):
                if conds.get(m.group(1), m.group(2) == "true") != (m.group(2) == "true"):
                    conds["__contradiction__"] = True
                conds[m.group(1)] = m.group(2) == "true"
            else:
                value = m.group(4)
                params[m.group(3)] = value[1:-1].replace("\\'", "'") if value.startswith("'") else value
        out.append((conds, params))
    return out


def impossible(cfn, match) -> str | None:
    """Why a finding's scenario cannot happen according to cfn-lint's solver, or None."""
    path = list(getattr(match, "path", None) or getattr(getattr(match, "rulematch_obj", None), "path", []) or [])
    resource_condition = None
    if len(path) >= 2 and path[0] == "Resources":
        node = cfn.template.get("Resources", {}).get(path[1])
        if isinstance(node, dict) and isinstance(node.get("Condition"), str):
            resource_condition = node["Condition"]
    known = set(cfn.template.get("Conditions", {}) or {})
    for conds, params in scenarios_in(match.message) or [({}, {})]:
        if conds.pop("__contradiction__", False):
            return f"the message names a condition both true and false: {match.message}"
        if resource_condition and resource_condition in known:
            if conds.get(resource_condition) is False:
                return f"reported where its resource's Condition {resource_condition} is false"
            conds.setdefault(resource_condition, True)
        conds = {k: v for k, v in conds.items() if k in known}
        if not conds:
            continue
        if not list(cfn.conditions.build_scenarios({k: {v} for k, v in conds.items()})):
            return f"conditions {conds} cannot hold together: {match.message}"
        if params and not cfn.conditions.satisfiable(conds, params):
            return f"conditions {conds} cannot hold with parameters {params}: {match.message}"
    return None
