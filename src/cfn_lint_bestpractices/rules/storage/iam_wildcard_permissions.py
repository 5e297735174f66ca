"""W9820: an identity policy that allows every action (of a service, or of all) on every resource."""

from __future__ import annotations

import fnmatch
import re

from ...model import TemplateModel, show
from ...model.iam_documents import identity_documents, located_statements
from ...model.policies import statements
from ...model.values import as_list
from .._base import BestPracticeRule

_SERVICE_WILDCARD = re.compile(r"([a-z0-9-]+):\*+")

# Services whose every action is a channel of the Systems Manager agent and accepts only Resource "*"
# (no resource types in the Service Authorization Reference): 'service:*' there is what the agent needs.
_AGENT_CHANNELS = {"ec2messages", "ssmmessages"}


# Service principals under which the application's own code runs with the role (a function, an instance,
# a task, a build, a job): a service wildcard there is the code's, never the service's own plumbing.
_RUNS_YOUR_CODE = {"lambda", "edgelambda", "ec2", "ecs-tasks", "ecs", "codebuild", "glue", "sagemaker", "states",
                   "batch", "elasticmapreduce", "emr-containers", "eks", "pods.eks", "apprunner", "tasks.apprunner",
                   "build.apprunner", "elasticbeanstalk", "datapipeline", "scheduler", "pipes", "events"}
_IDENTITY_POLICIES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")


def _wildcard(action: str) -> bool:
    low = action.lower()
    if low in ("*", "*:*"):
        return True
    match = _SERVICE_WILDCARD.fullmatch(low)
    return match is not None and match.group(1) not in _AGENT_CHANNELS


def _passrole(action: str) -> bool:
    return fnmatch.fnmatchcase("iam:passrole", action.lower())


def _label(res) -> str:
    kind = res.type.rsplit("::", 1)[-1]
    if res.type.startswith("AWS::Serverless::"):
        kind = "SAM " + ("function" if kind == "Function" else "state machine")
    return f"{kind} '{res.logical_id}'"


class IamWildcardPermissions(BestPracticeRule):
    id = "W9820"
    shortdesc = "IAM policy allows all actions on all resources"
    description = (
        "An Allow statement of an identity policy (IAM Policy, ManagedPolicy, the Policies of a Role, User or "
        "Group, the inline statements of a SAM function or state machine) with Action '*' or 'service:*', "
        "iam:PassRole, or NotAction, on Resource '*' (or NotResource) and without a Condition. It grants far "
        "more than a workload calls: least privilege scopes actions and resources. Actions that only accept "
        "Resource '*' (xray:PutTraceSegments, ec2:Describe*) are not reported."
    )
    tags = ["iam", "security", "least-privilege"]
    options = {
        "report_service_roles": {
            "default": False, "type": "boolean",
            "description": ("Also report a role that one AWS service alone may assume when it grants that "
                            "service's own wildcard (application-autoscaling:* to application-autoscaling)"),
        },
    }
    resource_types = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy",
                      "AWS::IAM::GroupPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group",
                      "AWS::Serverless::Function", "AWS::Serverless::StateMachine")

    @staticmethod
    def _values(model: TemplateModel, stmt, key: str) -> list | None:
        """The branches of a statement field holding one string or a list, each in its scenario (that
        of the statement included); None when some value is not a known string."""
        out = []
        for item in model.elements(stmt.raw[key]):
            if not isinstance(item.value, str):
                return None
            both = model.together(item, stmt.scenario)
            if both is not None:
                out.append(both)
        return out

    def _broad(self, model: TemplateModel, stmt) -> tuple[str, tuple[str, str], object, list] | None:
        """(field, what it allows, scenario, the service wildcards listed) for the first scenario in
        which the statement allows a wildcard on every resource, else None."""
        raw = stmt.raw
        if "NotResource" in raw:
            on_all = [stmt.scenario]
            scope = "NotResource (every resource but those listed)"
        elif "Resource" in raw:
            resources = self._values(model, stmt, "Resource")
            if resources is None:
                return None
            on_all = [r for r in resources if r.value == "*"]
            scope = "Resource '*'"
        else:
            return None
        if "NotAction" in raw:
            listed = stmt.strings(model, "NotAction")
            if listed is None:
                return None
            names = ", ".join(show(a) for a in listed) or "nothing"
            what = (f"allows every action except {names} (NotAction) on {scope}", "NotAction with Allow grants "
                    "every action of every service not listed, including the ones AWS adds later")
            return ("NotAction", what, on_all[0], []) if on_all else None
        if "Action" not in raw:
            return None
        actions = self._values(model, stmt, "Action")
        if actions is None:
            return None
        for kind in ("all", "service", "passrole"):
            for act in actions:
                a = act.value
                if kind == "all" and a.lower() not in ("*", "*:*"):
                    continue
                if kind == "service" and not (_wildcard(a) and a.lower() not in ("*", "*:*")):
                    continue
                if kind == "passrole" and (_wildcard(a) or not _passrole(a) or a.startswith("*")):
                    continue
                for res in on_all:
                    both = model.together(act, res)
                    if both is None:
                        continue
                    if kind == "all":
                        what = (f"allows Action '*' on {scope}",
                                "every action of every service, which is full administrator access")
                    elif kind == "service":
                        listed = [w.value for w in actions if _wildcard(w.value) and w.value.lower() not in ("*", "*:*")
                                  and model.together(w, both) is not None]
                        listed = list(dict.fromkeys(listed))
                        shown = ", ".join(f"'{show(w)}'" for w in listed)
                        what = (f"allows {shown} on {scope}", ("every action of these services" if len(listed) > 1
                                                              else "every action of the service")
                                + " on every resource of the account, deletes and permission changes included")
                    else:
                        what = (f"allows '{show(a)}' on {scope}", "the principal can hand any role of the account "
                                "to a service it controls, and so gain that role's permissions")
                    return "Action", what, both, listed if kind == "service" else []
        return None

    @staticmethod
    def _sole_service(model: TemplateModel, role_id: str) -> str | None:
        """The one AWS service that alone may assume an in-template role ('application-autoscaling'
        for application-autoscaling.amazonaws.com), else None (several principals, an account or a
        federated one, or a trust policy that cannot be read)."""
        role = model.resources.get(role_id)
        if role is None or role.type != "AWS::IAM::Role":
            return None
        found = statements(model, model.prop(role, "AssumeRolePolicyDocument"))
        services: set = set()
        for stmt in found or [None]:
            if stmt is None:
                return None
            if stmt.effect(model) != "Allow":
                continue
            principal = stmt.field(model, "Principal")
            if not isinstance(principal, dict) or set(principal) != {"Service"}:
                return None
            for item in as_list(principal["Service"]):
                value = model.one(item)
                if not isinstance(value, str):
                    return None
                services.add(value.split(".amazonaws.com", 1)[0].rsplit(".", 1)[0] if value.count(".") > 2
                             else value.split(".", 1)[0])
        return services.pop() if len(services) == 1 else None

    def _roles_of(self, model: TemplateModel, res) -> list[str] | None:
        """The in-template roles an identity document applies to; None when it also applies to
        users, groups or roles the template does not show."""
        if res.type == "AWS::IAM::Role":
            return [res.logical_id]
        if res.type not in _IDENTITY_POLICIES or "Users" in res.props or "Groups" in res.props:
            return None
        roles = []
        for key in ("Roles", "RoleName"):
            for item in model.elements(res.props[key]) if key in res.props else ():
                named = model.lookup(item.value, ("AWS::IAM::Role",)) if isinstance(item.value, str) else None
                if named is None:
                    return None
                roles.append(named)
        return roles or None

    def _own_service_only(self, model: TemplateModel, res, listed: list) -> bool:
        """Whether a statement's service wildcards are all the own namespace of the one service that
        alone assumes every role the document applies to (and that service runs no code of yours)."""
        roles = self._roles_of(model, res)
        if not roles:
            return False
        services = {self._sole_service(model, r) for r in roles}
        if len(services) != 1 or None in services:
            return False
        service = services.pop()
        if service in _RUNS_YOUR_CODE:
            return False
        return bool(listed) and all(w.lower().split(":", 1)[0] == service for w in listed)

    def findings(self, model: TemplateModel):
        seen = set()
        service_roles = bool(self.config.get("report_service_roles"))
        for res, doc in identity_documents(model):
            for stmt, path in located_statements(model, doc) or ():
                if stmt.effect(model) != "Allow" or "Condition" in stmt.raw:
                    continue
                found = self._broad(model, stmt)
                if found is None:
                    continue
                field, (grant, why), scenario, listed = found
                if not service_roles and listed and self._own_service_only(model, res, listed):
                    continue
                where = path + stmt.at(field)
                message = (f"{_label(res)} {grant}{scenario.describe()}: {why}. Grant the actions the workload calls on "
                           "the ARNs of its resources (or add a Condition that narrows the statement).")
                if (where, message) not in seen:
                    seen.add((where, message))
                    yield where, message
