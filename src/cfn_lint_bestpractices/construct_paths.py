"""Findings in the user's terms: the construct path of the resource a finding is about.

A CDK template records each resource's construct path in `Metadata.aws:cdk:path`
(`ShopServerless/OrdersQueue/Resource`); CDK users name the construct without the trailing `/Resource`
or `/Default` of its default child. A resource of a hand-written nested stack is named by its path of
nested stack names from the root (`main.yaml/Network/Vpc`). Where a finding's resource has such a path,
the command's output carries it (plain cfn-lint prints its own formats, without it):

- text formats (text, parseable, pretty, junit) start the message with it: `ShopServerless/OrdersQueue: ...`;
- JSON adds `"ConstructPath"` to the finding, cfn-lint's fields unchanged;
- SARIF gives it as the result's `logicalLocations` (`fullyQualifiedName`, kind `resource`) beside the
  physical location;
- a baseline fingerprints the finding by it rather than by the logical id (CDK's logical ids end in a
  hash of the path, which changes when a construct moves or CDK changes how it allocates ids), and in
  the message every quoted logical id of the template is replaced by its construct path.

`annotate` sets `construct_path` and `stable_message` on each match when it is linted (workers send
both back with the match).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Iterable

from .model.application import trim_construct_path

TEXT_FORMATS = (None, "", "text", "parseable", "pretty", "junit", "quiet")
_QUOTED = re.compile(r"'([A-Za-z0-9]+)'( in stack (\S+?)(?=[\s,.;:)]|$))?")


def paths_of(template: Any, stack: Any = None) -> dict[str, str]:
    """logical id -> construct path, for the resources of a template that have one."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    out: dict[str, str] = {}
    if not isinstance(resources, dict):
        return out
    for lid, node in resources.items():
        path = None
        if stack is not None:
            path = stack.construct_path(str(lid))
        elif isinstance(node, dict) and isinstance(node.get("Metadata"), dict):
            raw = node["Metadata"].get("aws:cdk:path")
            path = trim_construct_path(raw) if isinstance(raw, str) else None
        if path:
            out[str(lid)] = path
    return out


def annotate(matches: Iterable[Any], template: Any, stack: Any = None, app: Any = None) -> None:
    """Give each match of one template its construct path and its message in construct paths."""
    matches = list(matches)
    if not any(_resource(m) for m in matches):
        return
    own = paths_of(template, stack)
    if not own:
        return
    for m in matches:
        lid = _resource(m)
        if lid and lid in own:
            _set(m, "construct_path", own[lid])
        stable = _stable(str(m.message), own, app)
        if stable != m.message:
            _set(m, "stable_message", stable)


def _set(match: Any, name: str, value: Any) -> None:
    # cfn-lint's Match is a frozen dataclass that takes its RuleMatch's attributes the same way
    object.__setattr__(match, name, value)


def _resource(match: Any) -> str | None:
    path = getattr(match, "path", None)
    if path and len(path) > 1 and path[0] == "Resources":
        return str(path[1])
    return None


def _stable(message: str, own: dict[str, str], app: Any) -> str:
    def say(m: re.Match) -> str:
        lid, in_stack, stack_name = m.group(1), m.group(2), m.group(3)
        if in_stack:
            other = _stack_named(app, stack_name)
            path = paths_of(other.template, other).get(lid) if other is not None else None
            return f"'{path}'" if path else m.group(0)
        return f"'{own[lid]}'" if lid in own else m.group(0)

    return _QUOTED.sub(say, message)


def _stack_named(app: Any, display: str) -> Any:
    for stack in getattr(app, "stacks", ()):
        if stack.display == display:
            return stack
    return None


# -- the formats ------------------------------------------------------------------------------------
def for_text(matches: list, fmt: str | None) -> list:
    """Copies of the matches whose message starts with the construct path, for a text format."""
    if fmt not in TEXT_FORMATS or not any(getattr(m, "construct_path", None) for m in matches):
        return matches
    out = []
    for m in matches:
        path = getattr(m, "construct_path", None)
        if path:
            m = copy.copy(m)
            _set(m, "message", f"{path}: {m.message}")
        out.append(m)
    return out


def add_to_json(text: str, matches: list) -> str:
    """cfn-lint's JSON with "ConstructPath" on each finding that has one (the list is in match order)."""
    if not any(getattr(m, "construct_path", None) for m in matches):
        return text
    data = json.loads(text)
    if not isinstance(data, list) or len(data) != len(matches):
        return text
    for item, m in zip(data, matches):
        path = getattr(m, "construct_path", None)
        if path and isinstance(item, dict):
            item["ConstructPath"] = path
    return json.dumps(data, indent=4, sort_keys=True, separators=(",", ": "))


def add_to_sarif(log: dict, matches: list) -> dict:
    """SARIF results (in match order) with the construct path as a logical location."""
    for run in log.get("runs", []):
        results = run.get("results", [])
        if len(results) != len(matches):
            continue
        for result, m in zip(results, matches):
            path = getattr(m, "construct_path", None)
            if not path:
                continue
            locations = result.setdefault("locations", [])
            if not locations:
                locations.append({})
            for location in locations:
                location["logicalLocations"] = [{"fullyQualifiedName": path, "name": path.rsplit("/", 1)[-1],
                                                 "kind": "resource"}]
    return log
