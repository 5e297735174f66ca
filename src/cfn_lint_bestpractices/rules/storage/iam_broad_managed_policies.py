"""W9821: an AWS managed policy that grants (nearly) everything attached to a principal of the template."""

from __future__ import annotations

from typing import Iterator

from ...model import Branch, TemplateModel
from ...model.policies import grants_service, statements
from ...model.values import as_list, is_literal
from .._base import BestPracticeRule

# AWS managed policies that grant administrator-level access, whoever holds them.
ADMIN_LEVEL = {
    "administratoraccess": "every action on every resource",
    "poweruseraccess": "every action except IAM, Organizations and Account management",
    "iamfullaccess": "every IAM action, so the holder can grant itself any permission",
}

# Roles that run workload code: a *FullAccess policy gives the code every action of the service.
WORKLOAD_SERVICES = ("lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com",
                     "states.amazonaws.com")
SAM_TYPES = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


def managed_policy_name(value: str, sam: bool) -> str | None:
    """The name of the AWS managed policy a value names (`arn:<partition>:iam::aws:policy/[path/]Name`,
    or for SAM a bare policy name, which SAM turns into that ARN), else None."""
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) == 6 and parts[2] == "iam" and parts[4] == "aws" and parts[5].startswith("policy/"):
            name = parts[5].rsplit("/", 1)[-1]
            return name if is_literal(name) else None
        return None
    if sam and is_literal(value) and value and "/" not in value and ":" not in value:
        return value
    return None


class IamBroadManagedPolicies(BestPracticeRule):
    id = "W9821"
    shortdesc = "Broad AWS managed policy attached"
    description = (
        "AdministratorAccess, PowerUserAccess or IAMFullAccess attached to a role, user or group (ManagedPolicyArns) "
        "or to a SAM function or state machine (Policies), and any AWS managed *FullAccess policy attached to a role "
        "that runs workload code (Lambda, ECS tasks, EC2, Step Functions, SAM functions): they grant every action of "
        "one or all services on every resource. Scope the permissions with an inline policy or a SAM policy template."
    )
    tags = ["iam", "security", "least-privilege"]
    resource_types = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::Serverless::Function",
                      "AWS::Serverless::StateMachine")

    def _items(self, model: TemplateModel, res, key: str) -> Iterator[Branch]:
        for br in model.prop(res, key):
            items = br.value if isinstance(br.value, list) else [br.value] if isinstance(br.value, str) else []
            for i, item in enumerate(items):
                for sub in model.branches(item):
                    both = model.together(br, sub)
                    if both is not None and isinstance(sub.value, str):
                        path = br.path + ((i,) if isinstance(br.value, list) else ()) + sub.path
                        yield Branch(sub.value, both.conditions, path, both.params)

    @staticmethod
    def _workloads(model: TemplateModel, role) -> list[tuple[str, Branch]]:
        """(workload service that may assume the role, the scenario of the trust statement that lets it),
        per Fn::If variant of the trust policy."""
        out = []
        found = statements(model, model.prop(role, "AssumeRolePolicyDocument"))
        for stmt in found or ():
            if stmt.effect(model) != "Allow":
                continue
            for service in WORKLOAD_SERVICES:
                if grants_service(model, stmt, service) and stmt.field(model, "Principal") != "*":
                    out.append((service, stmt.scenario))
                    break
        return out

    @staticmethod
    def _beyond_deployment(model: TemplateModel, role) -> list[Branch]:
        """The scenarios of the trust statements that let something other than CloudFormation assume the
        role (a stack's service role, which only CloudFormation assumes, needs the permissions to create
        whatever the stacks it deploys declare); [Branch(None)] when the trust policy allows nothing or
        cannot be read."""
        found = statements(model, model.prop(role, "AssumeRolePolicyDocument"))
        allows = [st for st in found or () if st.effect(model) == "Allow"]
        if not allows:
            return [Branch(None)]
        out = []
        for stmt in allows:
            principal = stmt.field(model, "Principal")
            services = [model.one(p) for p in as_list(principal["Service"])] \
                if isinstance(principal, dict) and set(principal) == {"Service"} else None
            if services is None or services != ["cloudformation.amazonaws.com"] * len(services):
                out.append(stmt.scenario)
        return out

    def findings(self, model: TemplateModel):
        seen = set()
        for res in model.of_type("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", *SAM_TYPES):
            sam = res.type in SAM_TYPES
            key = "Policies" if sam else "ManagedPolicyArns"
            if key not in res.props:
                continue
            # (what runs workload code with the policy, in which scenario)
            workloads: list[tuple[str, Branch]] = []
            if sam:
                kind = "SAM function" if res.type == "AWS::Serverless::Function" else "SAM state machine"
                workloads = [(f"the policy goes to the {kind}'s execution role", Branch(None))]
            else:
                kind = res.type.rsplit("::", 1)[-1]
                if res.type == "AWS::IAM::Role":
                    workloads = [(f"the role is assumed by {service}", where)
                                 for service, where in self._workloads(model, res)]
            beyond = None
            for item in self._items(model, res, key):
                name = managed_policy_name(item.value, sam)
                if not name:
                    continue
                low = name.lower()
                if low in ADMIN_LEVEL:
                    if beyond is None:
                        beyond = self._beyond_deployment(model, res) if res.type == "AWS::IAM::Role" else [Branch(None)]
                    # reported where the role is not a deployment role only
                    scenario = next((s for b in beyond if (s := model.together(item, b)) is not None), None)
                    why = f"it grants {ADMIN_LEVEL[low]}"
                elif low.endswith("fullaccess"):
                    # reported where a workload service may assume the role
                    scenario, workload = next(((s, w) for w, b in workloads
                                               if (s := model.together(item, b)) is not None), (None, None))
                    why = (f"{workload}, so the code it runs may call every action of the service on every "
                           "resource of the account")
                else:
                    continue
                if scenario is None:
                    continue
                fix = ("use a SAM policy template (DynamoDBCrudPolicy, S3ReadPolicy, SQSSendMessagePolicy...) or an "
                       "inline statement with the actions and ARNs it needs") if sam else (
                       "replace it with a policy that names the actions and ARNs it needs")
                message = (f"{kind[:1].upper() + kind[1:]} '{res.logical_id}' attaches the AWS managed policy {name}"
                           f"{scenario.describe()}: {why}. To keep least privilege, {fix}.")
                if (item.path, message) not in seen:
                    seen.add((item.path, message))
                    yield item.path, message

