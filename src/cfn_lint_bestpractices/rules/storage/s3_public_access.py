"""W9811: an S3 bucket that the template really opens to the public: Block Public Access turned off
together with a public bucket policy or a public ACL."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel, as_bool, as_list
from ...model.policies import statements
from ...model.s3 import BUCKET, bucket_policies
from ...model.values import Branch
from .._base import BestPracticeRule

FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_ACLS = {"PublicRead": "anyone can list the bucket's objects",
               "PublicReadWrite": "anyone can list and write the bucket's objects",
               "AuthenticatedRead": "any AWS account can list the bucket's objects"}
ACL_OWNERSHIP = ("ObjectWriter", "BucketOwnerPreferred")
# what a public static website needs: anyone may read objects
WEBSITE_READ = {"s3:getobject"}


def _writes(action: str) -> bool:
    """An S3 action (or pattern) that changes the bucket's content or settings: anything but reads."""
    low = action.lower()
    if low in ("*", "s3:*") or low.startswith("notaction"):
        return True
    verb = low.split(":", 1)[-1]
    return not verb.startswith(("get", "list", "head"))


class S3PublicAccess(BestPracticeRule):
    id = "W9811"
    shortdesc = "S3 bucket opened to the public"
    description = (
        "New buckets have all four S3 Block Public Access settings on and ACLs disabled (Object Ownership "
        "BucketOwnerEnforced), so a bucket is public only when the template turns those protections off AND "
        "grants public access: a bucket policy statement that allows Principal '*' without a condition, or a "
        "public canned ACL. Such a bucket is reported; a static website bucket whose public grant is only "
        "s3:GetObject is the purpose of website hosting and is not."
    )
    tags = ["s3", "security", "public-access"]
    resource_types = (BUCKET, "AWS::S3::BucketPolicy")
    conditions_at_defaults = True

    @staticmethod
    def _flags(model: TemplateModel, bucket) -> list[Branch]:
        """Branches of the bucket's effective Block Public Access settings: {flag: bool}, all True when
        the configuration is absent (the default since April 2023), False for a flag a configuration
        leaves out (the API's default). Unknown settings are left out."""
        out = []
        for br in model.prop(bucket, "PublicAccessBlockConfiguration"):
            if br.value is ABSENT:
                out.append(Branch({f: True for f in FLAGS}, br.conditions, br.path, br.params))
                continue
            if not isinstance(br.value, dict):
                continue
            combos = [Branch({}, br.conditions, br.path, br.params)]
            for flag in FLAGS:
                nxt = []
                values = model.get(br.value, flag) if flag in br.value else [Branch(ABSENT)]
                for value in values:
                    flag_value = False if value.value is ABSENT else as_bool(value.value)
                    if flag_value is None:
                        continue
                    for combo in combos:
                        both = model.together(combo, Branch(None, value.conditions, (), value.params))
                        if both is not None:
                            nxt.append(Branch({**combo.value, flag: flag_value}, both.conditions, br.path,
                                              both.params))
                combos = nxt
            out.extend(combos)
        return out

    @staticmethod
    def _public_statement(model: TemplateModel, stmt) -> list[str] | None:
        """The actions an Allow statement grants to everyone without a condition, else None."""
        if stmt.effect(model) != "Allow":
            return None
        if "Condition" in stmt.raw:
            condition = stmt.field(model, "Condition")
            if condition is UNKNOWN or condition:
                return None
        principal = stmt.field(model, "Principal")
        if isinstance(principal, dict) and set(principal) == {"AWS"}:
            principal = [model.one(p) for p in as_list(principal["AWS"])]
        if "*" not in as_list(principal):
            return None
        if "NotAction" in stmt.raw:
            return ["NotAction (everything else)"]
        actions = stmt.strings(model, "Action")
        return actions or None

    def _policy_findings(self, model: TemplateModel, bucket, flags: list[Branch]):
        by_bucket, _ = bucket_policies(model)
        websites = [br for br in model.prop(bucket, "WebsiteConfiguration")]
        for policy, applies in by_bucket.get(bucket.logical_id, []):
            found = statements(model, model.prop(policy, "PolicyDocument")) or []
            public = [(stmt, actions) for stmt in found if (actions := self._public_statement(model, stmt))]
            for flag in flags:
                if flag.value["BlockPublicPolicy"] or flag.value["RestrictPublicBuckets"]:
                    continue
                scope, granted = None, []
                for stmt, actions in public:
                    # the statement's scenario holds where the policy exists; `applies`: where it names this bucket
                    both = model.together(scope or flag, stmt.scenario, applies)
                    if both is None:
                        continue
                    if {a.lower() for a in actions} <= WEBSITE_READ and any(
                            w.value is not ABSENT and model.together(w, both) is not None for w in websites):
                        continue
                    scope = both
                    granted += [a for a in actions if a not in granted]
                if scope is None:
                    continue
                writes = [a for a in granted if _writes(a)]
                serious = (f" Anyone can also write ({', '.join(writes)}): any caller can add, overwrite or "
                           "delete objects, and run up the bill." if writes else "")
                yield (policy.prop_path("PolicyDocument"),
                       f"Bucket policy '{policy.logical_id}' lets anyone (Principal '*', no condition) "
                       f"{', '.join(granted)} on bucket '{bucket.logical_id}', whose Block Public Access settings "
                       f"BlockPublicPolicy and RestrictPublicBuckets are off{scope.describe()}: the bucket is "
                       f"public.{serious} Grant the principals that need access (an account, a role, CloudFront "
                       "through origin access control), or add a condition such as aws:SourceVpce or "
                       "aws:PrincipalOrgID, and keep Block Public Access on.")
                return

    def _acl_findings(self, model: TemplateModel, bucket, flags: list[Branch]):
        owners = []
        for rule in model.entries(bucket, "OwnershipControls", "Rules"):
            owners += model.within(rule, "ObjectOwnership")
        if not owners:
            owners = [Branch("BucketOwnerEnforced")]
        for acl in model.strings(bucket, "AccessControl"):
            if acl.value not in PUBLIC_ACLS:
                continue
            for (flag, owner), both in model.combine(flags, owners):
                if flag.value["BlockPublicAcls"] or flag.value["IgnorePublicAcls"]:
                    continue
                if owner.value not in ACL_OWNERSHIP:
                    continue
                scope = model.together(acl, both)
                if scope is None:
                    continue
                yield (acl.path,
                       f"Bucket '{bucket.logical_id}' has the canned ACL {acl.value} with ACLs enabled "
                       f"(ObjectOwnership {owner.value}) and the Block Public Access settings BlockPublicAcls and "
                       f"IgnorePublicAcls off{scope.describe()}: {PUBLIC_ACLS[acl.value]}. Remove AccessControl, "
                       "set ObjectOwnership BucketOwnerEnforced, and grant access with a bucket policy to the "
                       "principals that need it.")
                return

    def findings(self, model: TemplateModel):
        for bucket in model.of_type(BUCKET):
            flags = self._flags(model, bucket)
            open_flags = [f for f in flags if not all(f.value.values())]
            if not open_flags:
                continue
            yield from self._acl_findings(model, bucket, open_flags)
            yield from self._policy_findings(model, bucket, open_flags)
