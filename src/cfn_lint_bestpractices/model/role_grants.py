"""Whether an in-template IAM role can take one action on one in-template resource, read from every
policy the template attaches to it. The answer is True (some Allow statement may grant it), False
(no statement can) or None (the template does not tell: a managed policy from outside, NotAction,
a statement that cannot be read)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from .policies import CannotTell, located_statements
from .template import TemplateModel, arn_resource_name
from .values import ABSENT, Branch, is_literal

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


def _document_grants(model: TemplateModel, doc: Branch, action: str, target: str, where: Branch) -> list[Branch]:
    """The scenarios (within `where`) of the Allow statements of one document branch that may grant
    `action` on `target`. Raises CannotTell for what cannot be read."""
    found = located_statements(model, doc)
    if found is None:
        raise CannotTell
    out = []
    for stmt, _ in found:
        effect = stmt.effect(model)
        if effect == "Deny":
            continue
        if effect != "Allow" or "NotAction" in stmt.raw or "NotResource" in stmt.raw:
            raise CannotTell
        actions = stmt.strings(model, "Action")
        resources = stmt.strings(model, "Resource")
        if actions is None or resources is None:
            raise CannotTell
        if any(_covers_action(a, action) for a in actions) and \
                any(_covers_resource(model, r, target) for r in resources):
            both = model.together(stmt.scenario, where)
            if both is not None:
                out.append(both)
    return out


def _items(model: TemplateModel, res, key: str) -> list[Branch]:
    """Each item of a list property in its scenario; raises CannotTell for a list that cannot be read."""
    out = []
    for br in model.prop(res, key):
        if br.value is ABSENT:
            continue
        if not isinstance(br.value, list):
            raise CannotTell
        for i, item in enumerate(br.value):
            for sub in model.branches(item):
                both = model.together(br, sub)
                if both is not None and sub.value is not ABSENT:
                    out.append(Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params))
    return out


# the keys through which a policy resource attaches itself to a role
_ATTACHING = ("Roles", "RoleName")


def role_grants(model: TemplateModel, role_id: str, action: str, target: str) -> list[Branch] | None:
    """The scenarios in which some policy the template attaches to the role may allow `action` (e.g.
    "sqs:SendMessage") on the in-template resource `target`: each Allow statement where it holds, its
    policy exists and is attached; None when the template does not tell."""
    role = model.resources[role_id]
    out: list[Branch] = []
    try:
        for policy in _items(model, role, "Policies"):
            if not isinstance(policy.value, dict):
                raise CannotTell
            for doc in model.get(policy.value, "PolicyDocument"):
                both = model.together(Branch(doc.value, doc.conditions, policy.path + doc.path, doc.params), policy)
                if both is not None:
                    out += _document_grants(model, both, action, target, both)
        for arn in _items(model, role, "ManagedPolicyArns"):
            own = model.lookup(arn.value, ("AWS::IAM::ManagedPolicy",)) if isinstance(arn.value, str) else None
            if not own:
                raise CannotTell  # a managed policy the template does not show
            for doc in model.prop(model.resources[own], "PolicyDocument"):
                out += _document_grants(model, doc, action, target, arn)
        for src, path in model.references.get(role_id, []):
            res = model.resources[src]
            if res.type in POLICY_TYPES:
                attached = len(path) > 3 and path[3] in _ATTACHING
                where = model.path_scenario(path) if attached else model.exists(res)
                if where is None:
                    continue
                for doc in model.prop(res, "PolicyDocument"):
                    out += _document_grants(model, doc, action, target, where)
        # a policy attached to roles we cannot name (or by a name that may be this role's) might be
        # attached to this one
        # a RoleName under Fn::If has no single value: any policy naming a role by name may be this one's
        own_name = model.one(role.props.get("RoleName", ABSENT))
        for res in model.of_type(*POLICY_TYPES):
            for key in _ATTACHING:
                for item in model.elements(res.props.get(key, ABSENT)):
                    value = item.value
                    if isinstance(value, str) and model.refers_to(value):
                        continue  # by Ref: found through the references above
                    if not (is_literal(value) and is_literal(own_name) and value != own_name):
                        raise CannotTell
    except CannotTell:
        return None
    return out


def role_allows(model: TemplateModel, role_id: str, action: str, target: str) -> bool | None:
    """Whether the role's policies may allow `action` (e.g. "sqs:SendMessage") on the in-template
    resource `target` in some scenario; None when the template does not tell."""
    found = role_grants(model, role_id, action, target)
    return None if found is None else bool(found)
