"""The template model shared by all rules of the pack."""

from __future__ import annotations

from typing import Any

from .template import FUNCTION_TYPES, Function, Resource, TemplateModel
from .values import ABSENT, UNKNOWN, Branch, as_bool, as_int, as_list, show

_ATTR = "_cfn_lint_bestpractices_model"
_APP_ATTR = "_cfn_lint_bestpractices_models"


def get_model(cfn: Any) -> TemplateModel:
    """The model of cfn-lint's template object, built on the first call and then reused by every
    rule that lints the same template (cfn-lint passes all rules the same object). In an application
    (see `get_models`) it is the template's first stack's model."""
    return get_models(cfn)[0]


def get_models(cfn: Any, wide: bool = False) -> list[TemplateModel]:
    """The models of a template: one per stack it is in an application (a template that two parents
    deploy is two stacks), else its plain model. `wide` models also list the resources of the stacks
    connected to each stack, for rules that relate resources (`BestPracticeRule.across_stacks`)."""
    from .locate import application_for

    template = getattr(cfn, "template", None)
    cached = getattr(cfn, _APP_ATTR, None)
    if cached is not None and cached[0] is template and wide in cached[1]:
        return cached[1][wide]
    app, stacks = application_for(getattr(cfn, "filename", None))
    stacks = [s for s in stacks if app is not None and app.connected(s)]
    if not stacks:
        models = [_plain_model(cfn)]
    else:
        from .crossing import StackModel

        regions = getattr(cfn, "regions", None) or ["us-east-1"]
        models = [StackModel(template if isinstance(template, dict) else {}, regions[0], cfn, app, stack, wide=wide)
                  for stack in stacks]
    store = cached[1] if cached is not None and cached[0] is template else {}
    store[wide] = models
    try:
        setattr(cfn, _APP_ATTR, (template, store))
    except AttributeError:
        pass
    return models


def _plain_model(cfn: Any) -> TemplateModel:
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
    "as_bool", "as_int", "as_list", "get_model", "get_models", "show",
]
