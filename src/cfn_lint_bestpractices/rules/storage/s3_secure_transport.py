"""W9801: an S3 bucket whose policy does not deny requests made without HTTPS."""

from __future__ import annotations

import re
from typing import Any

from ...fixes import Append, Fix, NoFix, Set
from ...model import ABSENT, UNKNOWN, TemplateModel, as_bool, as_list, show
from ...model.values import Branch
from ...model.policies import statements, uncovered
from ...model.s3 import bucket_policies
from .._base import BestPracticeRule

def _glob(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


class S3SecureTransport(BestPracticeRule):
    id = "W9801"
    shortdesc = "S3 bucket does not enforce HTTPS"
    description = (
        "A bucket accepts plain-HTTP requests unless its bucket policy denies them: a statement with "
        "Effect Deny, Principal '*', Action s3:*, on the bucket and its objects, when aws:SecureTransport "
        "is false. An Allow conditioned on aws:SecureTransport true does not block HTTP."
    )
    tags = ["s3", "encryption", "security"]
    resource_types = ("AWS::S3::Bucket", "AWS::S3::BucketPolicy")
    fixable = "unsafe"

    # -- one statement ------------------------------------------------------------------------
    def _values(self, model: TemplateModel, node: Any) -> list | None:
        """A statement field as a flat list of strings, or None when any part is unknown or varies."""
        value = model.one(node)
        if value is UNKNOWN or value is ABSENT:
            return None
        out = []
        for item in as_list(value):
            v = model.one(item)
            if not isinstance(v, str):
                return None
            out.append(v)
        return out

    @staticmethod
    def _secure_transport(condition: Any, wanted: bool) -> bool:
        if not isinstance(condition, dict):
            return False
        for operator in ("Bool", "BoolIfExists"):
            block = condition.get(operator)
            if not isinstance(block, dict):
                continue
            for key, value in block.items():
                if isinstance(key, str) and key.lower() == "aws:securetransport":
                    if any(as_bool(v) is wanted for v in as_list(value)):
                        return True
        return False

    def _enforces(self, model: TemplateModel, stmt: Any, arn: str) -> bool | None:
        """Whether the statement denies plain HTTP on the whole bucket; None when it cannot be known."""
        if not isinstance(stmt, dict) or model.one(stmt.get("Effect")) != "Deny":
            return False
        condition = model.one(stmt.get("Condition"))
        if condition is UNKNOWN:
            return None
        if not self._secure_transport(condition, False):
            return False
        principal = model.one(stmt.get("Principal"))
        if principal is UNKNOWN:
            return None
        if isinstance(principal, dict) and set(principal) == {"AWS"}:
            principal = self._values(model, principal["AWS"])
            if principal is None:
                return None
        if "*" not in as_list(principal):
            return False
        actions = self._values(model, stmt.get("Action"))
        resources = self._values(model, stmt.get("Resource"))
        if actions is None or resources is None:
            return None
        if not any(a.lower() in ("s3:*", "*") for a in actions):
            return False
        covers_bucket = any(_glob(r, arn) for r in resources)
        covers_objects = any(_glob(r, arn + "/*") for r in resources)
        return covers_bucket and covers_objects

    def _allows_on_true(self, model: TemplateModel, stmt: Any) -> bool:
        return isinstance(stmt, dict) and model.one(stmt.get("Effect")) == "Allow" \
            and self._secure_transport(model.one(stmt.get("Condition")), True)

    # -- the bucket's policies ------------------------------------------------------------------
    def _judged(self, model: TemplateModel, policy, applies: Branch, arn: str) -> list | None:
        """(statement scenario where the policy applies to the bucket, verdict, allows on true) for each
        statement of a policy; None when the document cannot be read."""
        found = statements(model, model.prop(policy, "PolicyDocument"))
        if found is None:
            return None
        out = []
        for st in found:
            where = model.together(st.scenario, applies)
            if where is not None:
                out.append((where, self._enforces(model, st.raw, arn), self._allows_on_true(model, st.raw)))
        return out

    def findings(self, model: TemplateModel):
        by_bucket, unresolved = bucket_policies(model)
        if unresolved:
            return  # a policy for a bucket we cannot name might be the one that protects any of these
        for bucket in model.of_type("AWS::S3::Bucket"):
            arn = model.attribute(bucket.logical_id, "Arn")
            if not isinstance(arn, str):
                continue
            policies = by_bucket.get(bucket.logical_id, [])
            if not policies:
                yield (bucket.path,
                       f"S3 bucket '{bucket.logical_id}' has no bucket policy, so it accepts requests over plain "
                       "HTTP. Add an AWS::S3::BucketPolicy with a statement that denies s3:* to Principal '*' on "
                       "the bucket and its objects when aws:SecureTransport is false.", self._new_policy_fix(model, bucket))
                continue
            judged = []
            for policy, applies in policies:
                verdicts = self._judged(model, policy, applies, arn)
                if verdicts is None:
                    break
                judged.append((policy, applies, verdicts))
            else:
                yield from self._report(model, bucket, arn, [p for p, _ in policies], judged)

    def _report(self, model: TemplateModel, bucket, arn: str, policies: list, judged: list):
        """The scenarios in which no policy applies to the bucket (a finding on the bucket), and for each
        policy the scenarios in which it applies and no applying statement denies plain HTTP (a finding
        on that policy): S3 keeps one policy per bucket, so each is judged where it is the bucket's."""
        exists = model.exists(bucket)
        every_applies = [applies for _, applies, _ in judged]
        missing = uncovered(model, exists, every_applies)
        if missing is not None:
            yield (bucket.path,
                   f"S3 bucket '{bucket.logical_id}' has no bucket policy{missing.describe()}, so it accepts "
                   "requests over plain HTTP. Add an AWS::S3::BucketPolicy with a statement that denies s3:* to "
                   "Principal '*' on the bucket and its objects when aws:SecureTransport is false.",
                   NoFix(f"the bucket policies of '{bucket.logical_id}' apply in other scenarios; S3 keeps one "
                         "policy per bucket"))
        # a statement that may enforce (or cannot be judged) counts as enforcing where it holds
        grants = [where for _, _, verdicts in judged for where, verdict, _ in verdicts if verdict is not False]
        reported = set()
        for policy, applies, verdicts in judged:
            if policy.logical_id in reported:
                continue  # a policy whose Bucket names this bucket in several branches: one finding
            need = model.together(exists, applies)
            scenario = uncovered(model, need, grants, every_applies) if need is not None else None
            if scenario is None:
                continue
            reported.add(policy.logical_id)
            allow_true = any(on_true and model.together(where, scenario) is not None
                             for where, _, on_true in verdicts)
            note = (" An Allow conditioned on aws:SecureTransport true does not block HTTP while any other "
                    "statement allows the request.") if allow_true else ""
            yield (policy.prop_path("PolicyDocument"),
                   f"Bucket policy '{policy.logical_id}' of S3 bucket '{bucket.logical_id}' does not deny requests "
                   f"over plain HTTP{scenario.describe()}: no statement denies s3:* to Principal '*' on both "
                   f"'{show(arn)}' and '{show(arn)}/*' when aws:SecureTransport is false.{note} Add such a Deny "
                   "statement.",
                   self._statement_fix(model, bucket, policies))

    # -- the fix ------------------------------------------------------------------------------
    _UNSAFE = "every request over plain HTTP is denied: clients that use http:// fail"

    @staticmethod
    def _deny(bucket, sid: str | None) -> dict:
        stmt = {"Sid": sid} if sid else {}
        stmt.update({
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": [str(bucket.logical_id), "Arn"]}, {"Fn::Sub": f"${{{bucket.logical_id}.Arn}}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        })
        return stmt

    @staticmethod
    def _website(bucket) -> NoFix | None:
        if "WebsiteConfiguration" in bucket.props:
            return NoFix(f"bucket '{bucket.logical_id}' hosts a website, whose endpoint serves HTTP only: "
                         "a Deny on plain HTTP would take it down (serve it through CloudFront first)")
        return None

    def _new_policy_fix(self, model: TemplateModel, bucket):
        refused = self._website(bucket)
        if refused:
            return refused
        name, n = f"{bucket.logical_id}Policy", 2
        taken = {str(k) for section in ("Resources", "Parameters", "Outputs", "Conditions", "Mappings")
                 if isinstance(model.template.get(section), dict) for k in model.template[section]}
        while name in taken:
            name, n = f"{bucket.logical_id}Policy{n}", n + 1
        resource = {"Type": "AWS::S3::BucketPolicy"}
        if bucket.condition:
            resource["Condition"] = str(bucket.condition)
        resource["Properties"] = {
            "Bucket": {"Ref": str(bucket.logical_id)},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [self._deny(bucket, "DenyInsecureTransport")]},
        }
        return Fix(f"add bucket policy {name} that denies plain HTTP", [Set(("Resources", name), resource)],
                   unsafe=self._UNSAFE)

    def _statement_fix(self, model: TemplateModel, bucket, policies):
        refused = self._website(bucket)
        if refused:
            return refused
        if len(policies) != 1:
            return NoFix(f"bucket '{bucket.logical_id}' has several bucket policies; S3 keeps only one")
        policy = policies[0]
        document = policy.props.get("PolicyDocument")
        listed = document.get("Statement") if isinstance(document, dict) else None
        if (not isinstance(document, dict) or any(str(k).startswith("Fn::") for k in document)
                or not isinstance(listed, (list, dict))
                or (isinstance(listed, dict) and any(str(k).startswith("Fn::") for k in listed))):
            return NoFix(f"the PolicyDocument of '{policy.logical_id}' is not a literal statement list in the template")
        sids = {str(st.get("Sid")) for st in (listed if isinstance(listed, list) else [listed]) if isinstance(st, dict)}
        sid = "DenyInsecureTransport" if "DenyInsecureTransport" not in sids else None
        return Fix("add a statement that denies plain HTTP",
                   [Append(policy.prop_path("PolicyDocument", "Statement"), self._deny(bucket, sid))],
                   unsafe=self._UNSAFE)
