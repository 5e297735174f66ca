"""What becomes of a rule's finding before cfn-lint sees it, in an application and for CDK templates.

- A finding is reported in the file of the resource it is about (the resource its path points into):
  a finding a wide model makes about another stack's resource is that stack's to report when it is
  linted, and is dropped here.
- Names of other stacks (`OrdersQueue@ShopMessaging`) are said as users say them (`'OrdersQueue' in
  stack ShopMessaging`).
- A fix that would edit another stack's template is no fix for this file: it says where the change is.
- The options that exempt resources (`exempt_resources`, `exempt_functions`) take regular expressions
  that fully match a logical id, as before, or a construct path (`ShopServerless/Legacy.*`): the
  resource's `Metadata.aws:cdk:path` without CDK's trailing `/Resource` or `/Default`, or for a resource
  of a hand-written nested stack its path of nested stack names from the root (`exempted`).
"""

from __future__ import annotations

import re
from typing import Any

from .application import SEP, trim_construct_path



def construct_path(model: Any, logical_id: str) -> str | None:
    """The construct path of a resource of the model's template (see the module's docstring)."""
    stack = getattr(model, "stack", None)
    if stack is not None:
        return stack.construct_path(logical_id)
    resources = model.template.get("Resources") if isinstance(model.template, dict) else None
    node = resources.get(logical_id) if isinstance(resources, dict) else None
    meta = node.get("Metadata") if isinstance(node, dict) else None
    path = meta.get("aws:cdk:path") if isinstance(meta, dict) else None
    return trim_construct_path(path) if isinstance(path, str) else None


def _subject(path: Any) -> str | None:
    if isinstance(path, (list, tuple)) and len(path) > 1 and path[0] == "Resources" and isinstance(path[1], str):
        return path[1]
    return None


def exempted(patterns: Any, model: Any, logical_id: str) -> bool:
    """Whether one of a resource-exempting option's patterns fully matches the resource's logical id
    or its construct path."""
    patterns = [p for p in (patterns or []) if isinstance(p, str)]
    if any(re.fullmatch(p, logical_id) for p in patterns):
        return True
    where = construct_path(model, logical_id) if patterns and model is not None else None
    return bool(where) and any(re.fullmatch(p, where) for p in patterns)


def keep_finding(rule: Any, model: Any, found: tuple) -> tuple | None:
    """(path, message, fix) as it is reported, or None when it is not this template's to report."""
    path, message = tuple(found[0]), found[1]
    fix = found[2] if len(found) > 2 else None
    subject = _subject(path)
    if subject is not None and SEP in subject:
        return None
    app = getattr(model, "app", None)
    if app is not None:
        message = app.user_terms(message)
        fix = _local_fix(app, fix)
    return path, message, fix


def _local_fix(app: Any, fix: Any) -> Any:
    edits = getattr(fix, "edits", None)
    if not edits:
        return fix
    remote = [_subject(getattr(e, "path", ())) for e in edits]
    remote = [r for r in remote if r is not None and SEP in r]
    if not remote:
        return fix
    from ..fixes import NoFix

    where = app.user_terms(f"'{remote[0]}'")
    return NoFix(f"the change is to {where}, another template: {fix.title}")
