"""Which queue and topic policies of a template name which in-template queue or topic, and whether one
lets a service principal act. Shared by rules that ask "may this AWS service send here?"."""

from __future__ import annotations

from .policies import grants_service, statements
from .template import Resource, TemplateModel
from .values import ABSENT, UNKNOWN, Branch

QUEUE_TYPE, TOPIC_TYPE = "AWS::SQS::Queue", "AWS::SNS::Topic"

# actions that let a service deliver to each kind of destination
DELIVERY_ACTIONS = {QUEUE_TYPE: ("sqs:sendmessage", "sqs:*", "*"), TOPIC_TYPE: ("sns:publish", "sns:*", "*")}


# policy resource type -> the property naming its queue(s) or topic(s), and what that names
POLICY_TARGETS = {"AWS::SQS::QueuePolicy": ("Queues", QUEUE_TYPE), "AWS::SNS::TopicPolicy": ("Topics", TOPIC_TYPE),
                  "AWS::SNS::TopicInlinePolicy": ("TopicArn", TOPIC_TYPE),
                  "AWS::SQS::QueueInlinePolicy": ("Queue", QUEUE_TYPE)}


def destination_policies(model: TemplateModel, policy_types: tuple[str, ...] = tuple(POLICY_TARGETS)
                         ) -> tuple[dict[str, list[Resource]], bool]:
    """destination -> the policy resources naming it in some scenario (`destination_policy_scenarios` says
    in which), and whether some policy names a queue or topic that cannot be resolved (then it might be the one that grants access to any destination). Only
    policies of `policy_types` (keys of POLICY_TARGETS; every kind by default) are read."""

    def build():
        out: dict[str, list[Resource]] = {}
        unresolved = False
        for rtype in policy_types:
            prop, dtype = POLICY_TARGETS[rtype]
            for policy in model.of_type(rtype):
                for item in model.elements(policy.props.get(prop)):
                    dest = model.lookup(item.value, (dtype,))
                    if dest:
                        out.setdefault(dest, []).append(policy)
                    elif item.value is UNKNOWN or not isinstance(item.value, str):
                        unresolved = True
        return out, unresolved

    return model.memo(f"queue_policies.destination_policies{policy_types}", build)


def destination_policy_scenarios(model: TemplateModel, policy_types: tuple[str, ...] = tuple(POLICY_TARGETS)
                                 ) -> tuple[dict[str, list[tuple[Resource, Branch]]], bool]:
    """destination -> [(policy resource naming it, the scenario in which it names it)], per branch of the
    policy's Queues/Topics (an item under `Fn::If` names its queue only in its branch) and only where the
    policy exists; and whether some policy names a queue or topic that cannot be resolved."""

    def build():
        out: dict[str, list[tuple[Resource, Branch]]] = {}
        unresolved = False
        for rtype in policy_types:
            prop, dtype = POLICY_TARGETS[rtype]
            for policy in model.of_type(rtype):
                for br in model.prop(policy, prop):
                    if br.value is ABSENT:
                        continue
                    for item in model.elements(br.value):
                        where = model.together(Branch(None, br.conditions, (), br.params), item)
                        if where is None:
                            continue
                        dest = model.lookup(item.value, (dtype,))
                        if dest:
                            out.setdefault(dest, []).append((policy, where))
                        elif item.value is UNKNOWN or not isinstance(item.value, str):
                            unresolved = True
        return out, unresolved

    return model.memo(f"queue_policies.destination_policy_scenarios{policy_types}{model.every_value}"
                      f"{model.conditions_at_defaults}", build)


def policy_grants(model: TemplateModel, policy: Resource, service: str, actions: tuple) -> list[Branch] | None:
    """The scenarios of the Allow statements of the policy that let the service principal take one of
    the actions (lower case), each where the policy exists; None when the document cannot be read."""
    found = statements(model, model.prop(policy, "PolicyDocument"))
    if found is None:
        return None
    out = []
    for stmt in found:
        effect = stmt.effect(model)
        if effect == "Deny":
            continue
        if effect != "Allow":
            return None
        granted = grants_service(model, stmt, service)
        if granted is None:
            return None
        if not granted:
            continue
        names = stmt.strings(model, "Action")
        if names is None:
            return None
        if any(a.lower() in actions for a in names):
            out.append(stmt.scenario)
    return out


def policy_allows(model: TemplateModel, policy: Resource, service: str, actions: tuple) -> bool | None:
    """Whether some Allow statement of the policy lets the service principal take one of the actions
    (lower case), in some scenario; None when the document cannot be read."""
    found = policy_grants(model, policy, service, actions)
    return None if found is None else bool(found)
