"""Whether an in-template IAM role can take one action on one in-template resource, read from every
policy the template attaches to it. The answer is True (some Allow statement may grant it), False
(no statement can) or None (the template does not tell: a managed policy from outside, NotAction,
a statement that cannot be read)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from .policies import CannotTell, allow_statements
from .template import TemplateModel, arn_resource_name
from .values import ABSENT, UNKNOWN, is_literal

POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")


def _covers_action(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), pattern.lower())


def _covers_resource(model: TemplateModel, value: str, target: str) -> bool:
    """Whether a Resource entry may name the target: "*", a pattern, an ARN naming it, or a value
    naming no other in-template resource and no other literal name."""
    if "*" in value or "?" in value:
        return True
    named = model.refers_to(value)
    if named:
        return target in named
    if not is_literal(value):
        return True  # computed from something we cannot follow
    hit = model.lookup(value, (model.resources[target].type,))
    if hit:
        return hit == target
    return not value.startswith("arn:") or arn_resource_name(value) == "*"


def _document_allows(model: TemplateModel, document: Any, action: str, target: str) -> bool:
    for stmt, actions in allow_statements(model, document, ("NotAction", "NotResource")):
        resources = stmt.strings(model, "Resource")
        if resources is None:
            raise CannotTell
        if any(_covers_action(a, action) for a in actions) and \
                any(_covers_resource(model, r, target) for r in resources):
            return True
    return False


def role_allows(model: TemplateModel, role_id: str, action: str, target: str) -> bool | None:
    """Whether the role's policies may allow `action` (e.g. "sqs:SendMessage") on the in-template
    resource `target`; None when the template does not tell."""
    role = model.resources[role_id]
    try:
        for policy in model.elements(role.props.get("Policies", ABSENT)):
            if not isinstance(policy.value, dict):
                raise CannotTell
            if _document_allows(model, policy.value.get("PolicyDocument", ABSENT), action, target):
                return True
        for arn in model.elements(role.props.get("ManagedPolicyArns", ABSENT)):
            own = model.lookup(arn.value, ("AWS::IAM::ManagedPolicy",)) if isinstance(arn.value, str) else None
            if not own:
                raise CannotTell  # a managed policy the template does not show
            if _document_allows(model, model.resources[own].props.get("PolicyDocument", ABSENT), action, target):
                return True
        for src, _ in model.references.get(role_id, []):
            res = model.resources[src]
            if res.type in POLICY_TYPES:
                if _document_allows(model, res.props.get("PolicyDocument", ABSENT), action, target):
                    return True
        # a policy attached to roles we cannot name (or by a name that may be this role's) might be
        # attached to this one
        own_name = model.one(role.props.get("RoleName", ABSENT))
        for res in model.of_type(*POLICY_TYPES):
            for key in ("Roles", "RoleName"):
                for item in model.elements(res.props.get(key, ABSENT)):
                    value = item.value
                    if isinstance(value, str) and model.refers_to(value):
                        continue  # by Ref: found through the references above
                    if not (is_literal(value) and is_literal(own_name) and value != own_name):
                        raise CannotTell
    except CannotTell:
        return None
    return False
