"""W9613: Lambda permissions and resource policies that let an AWS service, or anyone, act without a
condition scoping who or what the request comes from (the confused deputy problem)."""

from __future__ import annotations

import re
from typing import Any

from ...model import ABSENT, UNKNOWN, TemplateModel, as_list, show
from ...model.policies import statements, uncovered
from ...model.values import Branch
from .._base import BestPracticeRule

# Lambda::Permission properties that scope a grant to a source, an account or an organization
PERMISSION_SCOPES = ("SourceArn", "SourceAccount", "PrincipalOrgID", "EventSourceToken")

# (policy type, property holding the document, what the document protects)
POLICIES = (
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "queue policy"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "topic policy"),
    ("AWS::S3::BucketPolicy", "PolicyDocument", "bucket policy"),
)


# Condition keys that say how a request is made (its ACL, its encryption, its transport, its time), not
# who or what it comes from: a condition on these alone does not scope the source.
NOT_SCOPING = {
    "s3:x-amz-acl", "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-storage-class", "s3:x-amz-grant-full-control",
    "s3:x-amz-grant-read", "s3:x-amz-grant-write", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp",
    "s3:x-amz-content-sha256", "s3:x-amz-metadata-directive", "s3:signatureversion", "s3:signatureage",
    "s3:authtype", "s3:tlsversion", "s3:object-lock-mode", "s3:object-lock-retain-until-date",
    "s3:object-lock-legal-hold", "s3:object-lock-remaining-retention-days", "aws:securetransport",
    "aws:currenttime", "aws:epochtime", "aws:requestedregion", "sqs:messageattribute", "sns:protocol",
}
_ACCOUNT_IN_PATH = re.compile(r"/(\d{12}|\u27e6AWS::AccountId\u27e7)(/|$)")


def _is_service(value: Any) -> bool:
    return isinstance(value, str) and value.endswith((".amazonaws.com", ".amazonaws.com.cn"))


class ResourcePolicyScope(BestPracticeRule):
    id = "W9613"
    shortdesc = "Resource policy grant without a source condition"
    description = (
        "A Lambda permission for an AWS service principal without SourceArn or SourceAccount lets that service "
        "invoke the function on behalf of resources in any account; a queue, topic, bucket or event bus policy "
        "that allows a service principal or everyone (*) with no Condition does the same for the resource. Any "
        "condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, ...) counts as scoping, except one "
        "only on keys that say how a request is made, not whose it is (s3:x-amz-acl, encryption, "
        "aws:SecureTransport); a bucket grant on objects under the account's own prefix "
        "(AWSLogs/<account>/...) is scoped by its path. A value that cannot be known is not reported. A bucket "
        "policy that lets everyone only s3:GetObject (a public website) is left to the S3 rules."
    )
    tags = ["iam", "lambda", "sqs", "sns", "s3", "eventbridge", "policy", "security"]
    resource_types = ("AWS::Lambda::Permission", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy",
                      "AWS::S3::BucketPolicy", "AWS::Events::EventBusPolicy")

    def findings(self, model: TemplateModel):
        yield from self._permissions(model)
        yield from self._documents(model)
        yield from self._bus_policies(model)

    # -- AWS::Lambda::Permission ------------------------------------------------------------------
    def _permissions(self, model: TemplateModel):
        for perm in model.of_type("AWS::Lambda::Permission"):
            for principal in model.prop(perm, "Principal"):
                value = principal.value
                if not (_is_service(value) or value == "*"):
                    continue
                if value == "*" and "FunctionUrlAuthType" in perm.props:
                    continue  # a function URL permission: its AuthType decides, not a source
                # a scope counts in the scenarios in which it is set: one that names a resource
                # only where that resource exists (`!Ref Topic` of a conditional topic), or that is
                # set in some Fn::If branches only, leaves the others open
                scopes = [br for key in PERMISSION_SCOPES for br in model.prop(perm, key)]
                open_in = uncovered(model, principal, [br for br in scopes if br.value is not ABSENT],
                                    split_on=[br for br in scopes if br.value is ABSENT])
                if open_in is None:
                    continue
                who = f"the service {show(value)}" if value != "*" else "everyone (Principal *)"
                yield (principal.path,
                       f"Permission '{perm.logical_id}' lets {who} invoke the function{open_in.describe()} with "
                       "neither SourceArn nor SourceAccount: resources in other accounts can then be set up to "
                       "invoke it (the confused deputy problem). Set SourceArn to the resource that invokes it "
                       "(and SourceAccount for S3 buckets).")

    # -- queue, topic and bucket policies ---------------------------------------------------------
    def _documents(self, model: TemplateModel):
        for rtype, prop, kind in POLICIES:
            for policy in model.of_type(rtype):
                found = statements(model, model.prop(policy, prop))
                if not found:
                    continue
                for i, stmt in enumerate(found):
                    bucket = rtype == "AWS::S3::BucketPolicy"
                    keys = self._condition_keys(model, stmt)
                    if keys is None or (keys and bucket and self._own_account_prefix(model, stmt)):
                        continue  # a condition that may scope it, or objects under the account's own prefix
                    who = self._unscoped(model, stmt, bucket=bucket)
                    if who:
                        how = (f" with only a condition on {', '.join(keys)}, which "
                               f"{'says' if len(keys) == 1 else 'say'} how the request is made, not whose it is"
                               if keys else " with no Condition")
                        yield (policy.prop_path(prop),
                               f"A statement of {kind} '{policy.logical_id}' allows {who}"
                               f"{stmt.scenario.describe()}{how}: requests on behalf of resources "
                               "or principals of any account are allowed (the confused deputy problem). Add a "
                               "condition such as aws:SourceArn or aws:SourceAccount (or aws:PrincipalOrgID).")

    @staticmethod
    def _condition_keys(model: TemplateModel, stmt) -> list[str] | None:
        """[] for a statement without a Condition, the condition keys when none of them scopes the source
        (s3:x-amz-acl alone), None when some key may scope it or the condition cannot be read."""
        if "Condition" not in stmt.raw:
            return []
        condition = stmt.field(model, "Condition")
        if not isinstance(condition, dict) or not condition:
            return None
        keys = []
        for block in condition.values():
            block = model.one(block)
            if not isinstance(block, dict) or not block:
                return None
            for key in block:
                if not isinstance(key, str) or key.lower() not in NOT_SCOPING:
                    return None
                if key not in keys:
                    keys.append(key)
        return keys

    @staticmethod
    def _own_account_prefix(model: TemplateModel, stmt) -> bool:
        """Whether every Resource of a bucket statement lies under a prefix named by the account
        (arn:aws:s3:::logs/AWSLogs/${AWS::AccountId}/*): another account's deliveries would go elsewhere."""
        resources = stmt.strings(model, "Resource")
        return bool(resources) and all(_ACCOUNT_IN_PATH.search(r) for r in resources)

    @staticmethod
    def _unscoped(model: TemplateModel, stmt, bucket: bool = False) -> str | None:
        """What an Allow statement without a scoping Condition grants to (a service, or everyone), else
        None."""
        if stmt.effect(model) != "Allow":
            return None
        principal = stmt.field(model, "Principal")
        if principal is UNKNOWN or principal is ABSENT:
            return None
        everyone = principal == "*" or (isinstance(principal, dict)
                                        and "*" in [model.one(p) for p in as_list(principal.get("AWS", []))])
        if everyone:
            if bucket:
                actions = stmt.strings(model, "Action")
                if actions is None or all(a.lower() == "s3:getobject" for a in actions):
                    return None  # a public website's read grant, or actions we cannot read
            return "everyone (Principal *)"
        if isinstance(principal, dict):
            services = [model.one(p) for p in as_list(principal.get("Service", []))]
            named = [s for s in services if _is_service(s)]
            if named and UNKNOWN not in services:
                return "the service " + ", ".join(show(n) for n in named)
        return None

    # -- AWS::Events::EventBusPolicy ---------------------------------------------------------------
    def _bus_policies(self, model: TemplateModel):
        for policy in model.of_type("AWS::Events::EventBusPolicy"):
            if "Statement" in policy.props:
                for br in model.prop(policy, "Statement"):
                    if not isinstance(br.value, dict):
                        continue
                    found = statements(model, [Branch({"Statement": br.value}, br.conditions, br.path, br.params)])
                    for stmt in found or []:
                        who = None if "Condition" in stmt.raw else self._unscoped(model, stmt)
                        if who == "everyone (Principal *)":
                            yield (br.path,
                                   f"Event bus policy '{policy.logical_id}' lets everyone (Principal *) put events"
                                   f"{stmt.scenario.describe()} with no Condition: any account can send events to "
                                   "the bus. Add a Condition such as aws:PrincipalOrgID, or name the accounts.")
                continue
            for principal in model.prop(policy, "Principal"):
                if principal.value != "*":
                    continue
                # a Condition present in some scenarios scopes the grant only there
                conditions = [c for c in model.prop(policy, "Condition") if c.value is not ABSENT]
                open_in = uncovered(model, principal, conditions)
                if open_in is not None:
                    yield (principal.path,
                           f"Event bus policy '{policy.logical_id}' lets everyone (Principal *) put events"
                           f"{open_in.describe()} with no Condition: any account can send events to the bus. "
                           "Add a Condition (aws:PrincipalOrgID) or name the account.")
