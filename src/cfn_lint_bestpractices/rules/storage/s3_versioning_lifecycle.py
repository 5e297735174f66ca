"""I9810: a versioned S3 bucket without a lifecycle rule that expires noncurrent versions."""

from __future__ import annotations

from fnmatch import fnmatchcase

from ...model import ABSENT, UNKNOWN, TemplateModel, as_list
from ...model.policies import statements
from ...model.values import Branch
from ...model.s3 import BUCKET
from .._base import BestPracticeRule


class S3VersioningLifecycle(BestPracticeRule):
    id = "I9810"
    shortdesc = "Versioned S3 bucket keeps noncurrent versions forever"
    description = (
        "In a versioned bucket every overwrite and every delete keeps the previous version as a noncurrent "
        "version, billed like any other object. Without an enabled lifecycle rule with "
        "NoncurrentVersionExpiration, S3 keeps them forever and the bucket's cost grows without bound. A "
        "write-once bucket, whose policy denies deleting objects and versions to everyone or whose Object Lock "
        "keeps every version for a default retention period, is not reported (report_write_once)."
    )
    tags = ["s3", "versioning", "lifecycle", "cost"]
    resource_types = ("AWS::S3::Bucket",)
    options = {
        "report_write_once": {
            "default": False, "type": "boolean",
            "description": ("Also report versioned buckets whose bucket policy denies s3:DeleteObject and "
                            "s3:DeleteObjectVersion to everyone, or whose Object Lock sets a default retention "
                            "(write-once archives keep their versions on purpose)"),
        },
    }

    @staticmethod
    def _not_expiring(model: TemplateModel, rule: Branch) -> list[Branch]:
        """The scenarios in which one lifecycle rule (an entry) exists but does not expire noncurrent
        versions: its Status is not Enabled (read per branch: `!If [HasExpiry, Enabled, Disabled]`, a
        parameter at the rule's policy), or it is enabled with no NoncurrentVersionExpiration. What
        cannot be known (an unknown Status or expiration) counts as expiring: the rule stays silent."""
        out = []
        for status in model.within(rule, "Status"):
            if status.value is UNKNOWN:
                continue
            if status.value != "Enabled":
                out.append(status)
                continue
            keys = [model.within(rule, key) for key in ("NoncurrentVersionExpiration",
                                                         "NoncurrentVersionExpirationInDays")]
            for (_, a, b), both in model.combine([status], *keys):
                if a.value is ABSENT and b.value is ABSENT:
                    out.append(both)
        return out

    @staticmethod
    def _absent_items(model: TemplateModel, rules: Branch, index: int, item) -> list[Branch]:
        """The scenarios in which list item `index` of a Rules list is `AWS::NoValue` (no rule there)."""
        out = []
        for sub in model.branches(item):
            if sub.value is ABSENT:
                both = model.together(rules, sub)
                if both is not None:
                    out.append(both)
        return out

    def _uncovered(self, model: TemplateModel, bucket, status: Branch, others: list) -> Branch | None:
        """A scenario of the versioning `status` in which no lifecycle rule expires noncurrent versions,
        or None: for each rule of the list, one scenario in which it is absent or does not expire, all
        of them (and the list's own branch, and one scenario of each list of `others`) holding at once."""
        for rules in model.prop(bucket, "LifecycleConfiguration", "Rules"):
            scope = model.together(status, rules)
            if scope is None or rules.value is UNKNOWN:
                continue
            if rules.value is ABSENT:
                return next((scenario for _, scenario in model.combine([scope], *others)), None)
            if not isinstance(rules.value, list):
                continue
            per_rule = []
            for i, item in enumerate(rules.value):
                options = self._absent_items(model, rules, i, item)
                for sub in model.branches(item):
                    if sub.value is ABSENT:
                        continue
                    entry = model.together(Branch(sub.value, sub.conditions, rules.path + (i,) + sub.path, sub.params),
                                           rules)
                    if entry is None:
                        continue
                    if not isinstance(entry.value, dict):
                        continue  # unknown: it may expire
                    options += self._not_expiring(model, entry)
                per_rule.append(options)
            for _, scenario in model.combine([scope], *per_rule, *others):
                return scenario
        return None

    @staticmethod
    def _write_once(model: TemplateModel, bucket) -> list[str | None]:
        """The Conditions (None: always) of the bucket policies of the bucket that deny deleting objects
        and object versions to everyone (Principal '*', no statement condition): a write-once archive,
        where such a policy exists."""
        out: list[str | None] = []
        by_bucket, _ = model.bucket_policies
        for policy in by_bucket.get(bucket.logical_id, []):
            denied: list[str] = []
            for stmt in statements(model, model.prop(policy, "PolicyDocument")) or []:
                if stmt.effect(model) != "Deny" or "Condition" in stmt.raw:
                    continue
                principal = stmt.field(model, "Principal")
                if isinstance(principal, dict) and set(principal) == {"AWS"}:
                    principal = [model.one(p) for p in as_list(principal["AWS"])]
                if "*" not in as_list(principal):
                    continue
                denied += stmt.strings(model, "Action") or []
            if all(any(fnmatchcase(action, pattern.lower()) for pattern in denied)
                   for action in ("s3:deleteobject", "s3:deleteobjectversion")):
                out.append(policy.condition)
        return out

    @staticmethod
    def _object_locked(model: TemplateModel, bucket) -> bool:
        """Whether S3 Object Lock keeps every new object version for a default retention period (write
        once, read many) in some scenario: the bucket's own WORM, as deliberate as a policy that denies
        deletes. Read per branch; a bucket locked in one branch only is left alone (precision first:
        which scenario the finding would hold in is the lock's, not worth guessing)."""
        enabled = [b for b in model.bools(bucket, "ObjectLockEnabled") if b.value is True]
        modes = [b for b in model.strings(bucket, "ObjectLockConfiguration", "Rule", "DefaultRetention", "Mode")
                 if b.value in ("COMPLIANCE", "GOVERNANCE")]
        return any(True for _ in model.combine(enabled, modes))

    def findings(self, model: TemplateModel):
        write_once = bool(self.config.get("report_write_once"))
        for bucket in model.of_type(BUCKET):
            others = []
            if not write_once:
                if self._object_locked(model, bucket):
                    continue
                # a write-once policy with its own Condition exempts the bucket only where it exists
                conditions = self._write_once(model, bucket)
                if None in conditions:
                    continue
                others = [[Branch(None, ((c, False),))] for c in conditions]
            for status in model.strings(bucket, "VersioningConfiguration", "Status"):
                if status.value != "Enabled":
                    continue
                scenario = self._uncovered(model, bucket, status, others)
                if scenario is None:
                    continue
                yield (status.path,
                       f"Bucket '{bucket.logical_id}' has versioning enabled but no enabled lifecycle rule with "
                       f"NoncurrentVersionExpiration{scenario.describe()}: every overwritten or deleted object "
                       "stays as a noncurrent version, billed as storage, forever. Add a lifecycle rule with "
                       "NoncurrentVersionExpiration (NoncurrentDays, optionally NewerNoncurrentVersions) to "
                       "LifecycleConfiguration.Rules.")
                break
