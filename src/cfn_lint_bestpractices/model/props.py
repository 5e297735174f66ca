"""Resource settings read per branch, with AWS's default filled in where the property is absent.

Each helper returns Branches whose value is the setting and whose path points at the property (or at
the resource when the property is missing). Branches whose value cannot be known are left out, so a
rule that iterates over them stays silent on unknowns without further checks.
"""

from __future__ import annotations

from typing import Any

from .template import Resource, TemplateModel
from .values import Branch, as_bool


def bool_branches(model: TemplateModel, res: Resource, *keys: str, default: bool | None = None) -> list[Branch]:
    """A boolean property, `default` where it is absent (None: absent branches are left out)."""
    return model.bools(res, *keys, default=default)


def str_branches(model: TemplateModel, res: Resource, *keys: str, default: str | None = None) -> list[Branch]:
    """A string property (references to other resources allowed), `default` where absent."""
    return model.strings(res, *keys, default=default)


def list_branches(model: TemplateModel, res: Resource, *keys: str) -> list[Branch]:
    """A list property per branch (see `TemplateModel.lists`)."""
    return model.lists(res, *keys)


def is_true(model: TemplateModel, node: Any) -> bool:
    """Whether a node is known to be true in every branch."""
    brs = model.branches(node)
    return bool(brs) and all(as_bool(b.value) is True for b in brs)
