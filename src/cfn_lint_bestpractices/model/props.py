"""Resource settings read per branch, with AWS's default filled in where the property is absent.

Each helper returns Branches whose value is the setting and whose path points at the property (or at
the resource when the property is missing). Branches whose value cannot be known are left out, so a
rule that iterates over them stays silent on unknowns without further checks.
"""

from __future__ import annotations

from typing import Any

from .template import Resource, TemplateModel
from .values import ABSENT, UNKNOWN, Branch, as_bool


def _fill(model: TemplateModel, res: Resource, keys: tuple, default: Any, convert) -> list[Branch]:
    out = []
    for br in model.prop(res, *keys, every_param_value=True):
        if br.value is UNKNOWN:
            continue
        if br.value is ABSENT:
            if default is None:
                continue
            value = default
            path = res.finding_path(br.path)
        else:
            value = convert(br.value)
            path = br.path
        if value is not None:
            out.append(Branch(value, br.conditions, path, br.params))
    return out


def bool_branches(model: TemplateModel, res: Resource, *keys: str, default: bool | None = None) -> list[Branch]:
    """A boolean property, `default` where it is absent (None: absent branches are left out)."""
    return _fill(model, res, keys, default, as_bool)


def str_branches(model: TemplateModel, res: Resource, *keys: str, default: str | None = None) -> list[Branch]:
    """A string property (tokens of other resources allowed), `default` where absent."""
    return _fill(model, res, keys, default, lambda v: v if isinstance(v, str) else None)


def list_branches(model: TemplateModel, res: Resource, *keys: str) -> list[Branch]:
    """A list property per branch: its items resolved to single values where they can be (UNKNOWN
    otherwise), `AWS::NoValue` items dropped, an absent property an empty list. Branches where the
    list itself is unknown are left out."""
    out = []
    for br in model.prop(res, *keys, every_param_value=True):
        if br.value is ABSENT:
            out.append(Branch([], br.conditions, res.finding_path(br.path), br.params))
        elif isinstance(br.value, list):
            items = [model.resolver.one(item) for item in br.value]
            out.append(Branch([v for v in items if v is not ABSENT], br.conditions, br.path, br.params))
    return out


def is_true(model: TemplateModel, node: Any) -> bool:
    """Whether a node is known to be true in every branch."""
    brs = model.branches(node)
    return bool(brs) and all(as_bool(b.value) is True for b in brs)
