"""E9503: a service told to invoke a function that has no permission to, or gets it too late."""

from __future__ import annotations

from ...fixes import Append, Fix, NoFix
from dataclasses import replace

from ...model import ABSENT, Branch, TemplateModel
from ...model.crossing import is_local
from ...model.invocation import invocations
from ...model.role_grants import role_allows
from ...model.values import capitalized
from .._base import BestPracticeRule

# What goes wrong without the permission, by invoking service.
_EFFECT = {
    "s3": "the bucket cannot be created (S3 validates the destination: 'Unable to validate the following "
          "destination configurations')",
    "elasticloadbalancing": "the target group cannot register the function ('elasticloadbalancing principal does "
                            "not have permission to invoke')",
    "logs": "the subscription filter cannot be created (CloudWatch Logs tests the destination first)",
    "events": "the rule's invocations fail silently (FailedInvocations)",
    "sns": "the topic's deliveries to the function fail silently",
    "cognito-idp": "sign-ups and sign-ins that run the trigger fail with AccessDenied",
    "apigateway": "requests fail with 500 'Invalid permissions on Lambda function'",
    "iot": "the rule's action fails at runtime",
}


class InvokePermissionMissing(BestPracticeRule):
    id = "E9503"
    shortdesc = "Service invokes a Lambda function without an invoke permission"
    description = (
        "S3 notifications, EventBridge rules, SNS subscriptions, ALB target groups, Cognito triggers, API "
        "Gateway integrations and authorizers, CloudWatch Logs subscription filters and IoT rules invoke a "
        "function through its resource policy: each needs an AWS::Lambda::Permission for its service "
        "principal on the same function and qualifier. S3, ALB and Logs also need the permission to exist "
        "before they are created (DependsOn). SAM events create their own permissions and are not checked."
    )
    tags = ["lambda", "permissions", "serverless"]
    resource_types = ("AWS::S3::Bucket", "AWS::Events::Rule", "AWS::SNS::Subscription", "AWS::SNS::Topic", "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::Cognito::UserPool", "AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Integration", "AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer", "AWS::Logs::SubscriptionFilter", "AWS::IoT::TopicRule")
    fixable = "safe"
    options = {
        "accept_target_roles": {
            "default": True, "type": "boolean",
            "description": ("Accept an EventBridge target's RoleArn in place of a Lambda permission when the role "
                            "may invoke the function (false: require the permission, as the older edition of the "
                            "EventBridge guide says)"),
        },
    }

    def _role_denies(self, model: TemplateModel, inv) -> str | None:
        """For an EventBridge target that invokes through its RoleArn: why the role is not the grant
        (the option says so, the in-template role surely cannot invoke the function, or a branch has no
        role), for the message; None when the role counts as the grant (or may: a role we cannot read)."""
        node = inv.details.get("role")
        if node is None or inv.service != "events":
            return None
        absent = [b for b in model.branches(node) if b.value is ABSENT]
        if absent:
            # `!If [UseRole, role, !Ref AWS::NoValue]`: judged where the role is absent (see findings)
            return "the target has no RoleArn"
        if not self.config.get("accept_target_roles", True):
            return "a target's RoleArn is not taken as a grant: accept_target_roles is false"
        role = model.lookup_node(node, ("AWS::IAM::Role",))
        if role and role_allows(model, role, "lambda:InvokeFunction", inv.target.function) is False:
            return f"the target's role '{role}' does not allow lambda:InvokeFunction on it"
        return None

    def findings(self, model: TemplateModel):
        graph = invocations(model)
        seen = set()
        ordered = set()
        # every place an invoker names a function, in each scenario in which it does (not the first only)
        for inv in graph.invocations:
            role = None if inv.needs_permission else self._role_denies(model, inv)
            if not inv.needs_permission and role is None:
                continue
            if role == "the target has no RoleArn":
                # only the scenarios without the role need a permission
                inv = _restricted(model, inv, [b for b in model.branches(inv.details.get("role")) if b.value is ABSENT])
                if inv is None:
                    continue
            missing, grant = graph.missing_permission(inv)
            principal = f"{inv.service}.amazonaws.com"
            key = (inv.source.logical_id, inv.target, inv.service) + (
                (missing.conditions, missing.params) if missing is not None else ())
            if missing is not None and key not in seen:
                seen.add(key)
                # across stacks, the permission was looked for in every stack of the application
                where = ("in the template" if is_local(model, inv.source) and is_local(model, inv.target.function)
                         else "in any stack of the application")
                through = f" ({role})" if role else ""
                yield (inv.path,
                       f"{capitalized(inv.label)} invokes function {inv.target.describe()}{missing.describe()}{through}, "
                       f"but no AWS::Lambda::Permission {where} lets {principal} invoke it: "
                       f"{_EFFECT.get(inv.service, 'its invocations fail')}. Add an AWS::Lambda::Permission with "
                       f"Action lambda:InvokeFunction, Principal {principal}, FunctionName naming the same "
                       "function and qualifier as the invoker, and a SourceArn for this invoker.",
                       NoFix("a new permission resource (its name, SourceArn and SourceAccount) is left to you"))
            if grant is None or not inv.needs_order or (inv.source.logical_id, grant.resource.logical_id) in ordered:
                continue
            ordered.add((inv.source.logical_id, grant.resource.logical_id))
            if not model.created_after(inv.source.logical_id, grant.resource.logical_id):
                reverse = model.created_after(grant.resource.logical_id, inv.source.logical_id)
                why = (f"permission '{grant.resource.logical_id}' refers to {inv.label}, so it is created after it"
                       if reverse else
                       f"nothing makes CloudFormation create permission '{grant.resource.logical_id}' first")
                fix = ("give the permission a SourceArn that does not refer to the resource (a literal or "
                       "Fn::Sub ARN from a known name) and add " if reverse else "add ")
                yield (inv.source.path,
                       f"{capitalized(inv.label)} needs its permission to invoke "
                       f"{inv.target.describe()} before it is created, but {why}: {_EFFECT[inv.service]}. "
                       f"To fix, {fix}DependsOn: {grant.resource.logical_id} to '{inv.source.logical_id}'.",
                       depends_on_fix(inv.source, grant.resource, reverse))


def _restricted(model: TemplateModel, inv, branches):
    """The invocation in the first of `branches` (scenarios) it can hold in, or None."""
    for br in branches:
        both = model.together(inv.scenario, br)
        if both is not None:
            return replace(inv, scenario=Branch(None, both.conditions, (), both.params))
    return None


def depends_on_fix(source, needed, reverse: bool):
    """DependsOn: needed on source, unless it would make a cycle or name a resource that may not exist."""
    if reverse:
        return NoFix(f"'{needed.logical_id}' refers to '{source.logical_id}': a DependsOn would make a cycle; "
                     "change its SourceArn first")
    if needed.condition and needed.condition != source.condition:
        return NoFix(f"'{needed.logical_id}' exists only when condition '{needed.condition}' is true, and a "
                     "DependsOn on it fails when it is not created")
    return Fix(f"add DependsOn: {needed.logical_id}", [Append(source.path + ("DependsOn",), str(needed.logical_id))])
