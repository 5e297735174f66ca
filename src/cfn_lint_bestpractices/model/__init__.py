"""The template model shared by all rules of the pack."""

from __future__ import annotations

from typing import Any

from .template import FUNCTION_TYPES, Function, Resource, TemplateModel
from .values import ABSENT, UNKNOWN, Branch, as_bool, as_int, as_list, show

_ATTR = "_cfn_lint_bestpractices_model"


def get_model(cfn: Any) -> TemplateModel:
    """The model of cfn-lint's template object, built on the first call and then reused by every
    rule that lints the same template (cfn-lint passes all rules the same object)."""
    template = getattr(cfn, "template", None)
    cached = getattr(cfn, _ATTR, None)
    if cached is not None and cached[0] is template:
        return cached[1]
    regions = getattr(cfn, "regions", None) or ["us-east-1"]
    model = TemplateModel(template if isinstance(template, dict) else {}, regions[0], cfn)
    try:
        setattr(cfn, _ATTR, (template, model))
    except AttributeError:
        pass
    return model


__all__ = [
    "ABSENT", "UNKNOWN", "Branch", "Function", "FUNCTION_TYPES", "Resource", "TemplateModel",
    "as_bool", "as_int", "as_list", "get_model", "show",
]
