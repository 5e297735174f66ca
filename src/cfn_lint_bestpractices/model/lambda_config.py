"""Function settings with Lambda's defaults filled in, read per branch."""

from __future__ import annotations

from .template import Resource, TemplateModel
from .values import Branch, as_int

DEFAULT_TIMEOUT = 3  # seconds, for plain and SAM functions alike
DEFAULT_MEMORY = 128  # MB
DEFAULT_VISIBILITY_TIMEOUT = 30  # seconds, SQS


def int_branches(model: TemplateModel, res: Resource, *keys: str, default: int | None = None) -> list[Branch]:
    """Integer branches of a property, the default where absent; branches that are not a known
    integer, or absent without a default, are left out (rules stay silent on them)."""
    return model.ints(res, *keys, default=default)


def node_int_branches(model: TemplateModel, node: dict, base: tuple, *keys: str, default: int | None = None) -> list[Branch]:
    """Like int_branches for a map that is not a resource's properties (a SAM event's), whose path is `base`."""
    return model.typed(None, keys, default, as_int, node=node, base=base)


def timeouts(model: TemplateModel, fn: Resource) -> list[Branch]:
    return int_branches(model, fn, "Timeout", default=DEFAULT_TIMEOUT)
