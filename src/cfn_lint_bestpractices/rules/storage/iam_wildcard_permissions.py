"""W9820: an identity policy that allows every action (of a service, or of all) on every resource."""

from __future__ import annotations

import fnmatch
import re

from ...model import TemplateModel, show
from ...model.iam_documents import identity_documents, located_statements
from .._base import BestPracticeRule

_SERVICE_WILDCARD = re.compile(r"([a-z0-9-]+):\*+")

# Services whose every action is a channel of the Systems Manager agent and accepts only Resource "*"
# (no resource types in the Service Authorization Reference): 'service:*' there is what the agent needs.
_AGENT_CHANNELS = {"ec2messages", "ssmmessages"}


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

    def _broad(self, model: TemplateModel, stmt) -> tuple[str, tuple[str, str], object] | None:
        """(field, what it allows, scenario) for the first scenario in which the statement allows a
        wildcard on every resource, else None."""
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
            return ("NotAction", what, on_all[0]) if on_all else None
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
                        what = (f"allows '{show(a)}' on {scope}", "every action of the service on every resource "
                                "of the account, deletes and permission changes included")
                    else:
                        what = (f"allows '{show(a)}' on {scope}", "the principal can hand any role of the account "
                                "to a service it controls, and so gain that role's permissions")
                    return "Action", what, both
        return None

    def findings(self, model: TemplateModel):
        seen = set()
        for res, doc in identity_documents(model):
            for stmt, path in located_statements(model, doc) or ():
                if stmt.effect(model) != "Allow" or "Condition" in stmt.raw:
                    continue
                found = self._broad(model, stmt)
                if found is None:
                    continue
                field, (grant, why), scenario = found
                where = path + (field,)
                message = (f"{_label(res)} {grant}{scenario.describe()}: {why}. Grant the actions the workload calls on "
                           "the ARNs of its resources (or add a Condition that narrows the statement).")
                if (where, message) not in seen:
                    seen.add((where, message))
                    yield where, message
