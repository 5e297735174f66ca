"""Templates that a tool generates: a CDK cloud assembly's templates are rewritten by the next
`cdk synth`, so a fix written there is lost; the change belongs in the app.

A template is generated when its folder, or a folder above it, holds a cloud assembly manifest
(`manifest.json`, a JSON object with `version` and `artifacts`): `cdk.out/Stack.template.json`,
`cdk.out/assembly-Stage/Stage-Stack.template.json`, `cdk.out/Stack.Nested.nested.template.json`.
The search stops at the root of the git repository the template is in (a folder holding `.git`),
so that a manifest outside the repository never counts.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

CDK_PATH = "aws:cdk:path"


@lru_cache(maxsize=256)
def _manifest_in(folder: str) -> str | None:
    path = os.path.join(folder, "manifest.json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("artifacts"), dict) and "version" in data:
        return path
    return None


def cloud_assembly(filename: str) -> str | None:
    """The cloud assembly manifest that makes this template generated, or None."""
    folder = os.path.dirname(os.path.abspath(filename))
    while True:
        found = _manifest_in(folder)
        if found:
            return found
        parent = os.path.dirname(folder)
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            return None
        folder = parent


def construct_path(template: Any, logical_id: str) -> str | None:
    """The construct a resource comes from, as a CDK user names it: its `aws:cdk:path` without
    the trailing `/Resource` of an L2 construct's CfnResource (`Shop/OrdersQueue`)."""
    try:
        path = template["Resources"][logical_id]["Metadata"][CDK_PATH]
    except (KeyError, TypeError):
        return None
    if not isinstance(path, str) or not path:
        return None
    return path[: -len("/Resource")] if path.endswith("/Resource") else path


def has_construct_paths(template: Any) -> bool:
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return False
    return any(construct_path(template, name) for name in resources)


def where_in_app(template: Any, edit_path: tuple) -> str:
    """`construct Shop/OrdersQueue (OrdersQueue3DFA1D51), property MessageRetentionPeriod`: what to change
    in the app for one edit of a fix."""
    path = tuple(edit_path)
    if len(path) < 2 or path[0] != "Resources":
        return f"template section {'/'.join(str(p) for p in path)}"
    name = str(path[1])
    construct = construct_path(template, name)
    exists = isinstance(template.get("Resources"), dict) and name in template["Resources"]
    if not exists:
        return f"a new resource {name}"
    who = f"construct {construct} ({name})" if construct else f"resource {name} (no aws:cdk:path)"
    if len(path) > 3 and path[2] == "Properties":
        steps, skip = [], False
        for step in path[3:]:
            if skip or step == "Fn::If":  # a branch of a condition: the property is what the app sets
                skip = not skip
                continue
            steps.append(str(step))
        return f"{who}, property {'.'.join(steps)}"
    if len(path) > 2:
        return f"{who}, {'.'.join(str(p) for p in path[2:])}"
    return who
