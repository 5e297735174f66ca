"""Function settings with Lambda's defaults filled in, read per branch."""

from __future__ import annotations

from .template import Resource, TemplateModel
from .values import ABSENT, Branch, as_int

DEFAULT_TIMEOUT = 3  # seconds, for plain and SAM functions alike
DEFAULT_MEMORY = 128  # MB
DEFAULT_VISIBILITY_TIMEOUT = 30  # seconds, SQS


def int_branches(model: TemplateModel, res: Resource, *keys: str, default: int | None = None) -> list[Branch]:
    """Integer branches of a property (each allowed parameter value counts), the default where absent;
    branches that are not a known integer, or absent without a default, are left out (rules stay silent
    on them)."""
    return node_int_branches(model, res.props, res.prop_path(), *keys, default=default)


def node_int_branches(model: TemplateModel, node: dict, base: tuple, *keys: str, default: int | None = None) -> list[Branch]:
    """Like int_branches for a map that is not a resource's properties (a SAM event's), whose path is `base`."""
    out = []
    for br in model.get(node, *keys, every_param_value=True):
        value = default if br.value is ABSENT else as_int(br.value)
        if value is not None:
            out.append(Branch(value, br.conditions, base + br.path, br.params))
    return out


def timeouts(model: TemplateModel, fn: Resource) -> list[Branch]:
    return int_branches(model, fn, "Timeout", default=DEFAULT_TIMEOUT)
