"""I9810: a versioned S3 bucket without a lifecycle rule that expires noncurrent versions."""

from __future__ import annotations

from fnmatch import fnmatchcase

from ...model import ABSENT, UNKNOWN, TemplateModel, as_list
from ...model.policies import statements
from ...model.values import Branch, merge_conditions
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
    def _expiring(model: TemplateModel, rule) -> list[Branch] | None:
        """The scenarios in which one lifecycle rule (an entry) is enabled and expires noncurrent
        versions (its Status read per branch: `!If [HasExpiry, Enabled, Disabled]`); None when that
        cannot be known."""
        out = []
        for status in model.within(rule, "Status"):
            if status.value is UNKNOWN:
                return None
            if status.value != "Enabled":
                continue
            for key in ("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays"):
                for value in model.within(rule, key):
                    if value.value is UNKNOWN:
                        return None
                    if value.value is ABSENT:
                        continue
                    both = model.together(value, status)
                    if both is not None:
                        out.append(both)
        return out

    @staticmethod
    def _write_once(model: TemplateModel, bucket) -> bool:
        """Whether a bucket policy of the bucket denies deleting objects and object versions to
        everyone (Principal '*', no condition): a write-once archive."""
        by_bucket, _ = model.bucket_policies
        for policy in by_bucket.get(bucket.logical_id, []):
            denied: list[str] = []
            for stmt in statements(model, model.prop(policy, "PolicyDocument")) or []:
                if stmt.effect(model) != "Deny" or "Condition" in stmt.raw or policy.condition:
                    continue
                principal = stmt.field(model, "Principal")
                if isinstance(principal, dict) and set(principal) == {"AWS"}:
                    principal = [model.one(p) for p in as_list(principal["AWS"])]
                if "*" not in as_list(principal):
                    continue
                denied += stmt.strings(model, "Action") or []
            if all(any(fnmatchcase(action, pattern.lower()) for pattern in denied)
                   for action in ("s3:deleteobject", "s3:deleteobjectversion")):
                return True
        return False

    @staticmethod
    def _object_locked(model: TemplateModel, bucket) -> bool:
        """Whether S3 Object Lock keeps every new object version for a default retention period (write
        once, read many): the bucket's own WORM, as deliberate as a policy that denies deletes."""
        config = bucket.props.get("ObjectLockConfiguration")
        rule = config.get("Rule") if isinstance(config, dict) else None
        retention = rule.get("DefaultRetention") if isinstance(rule, dict) else None
        if not isinstance(retention, dict):
            return False
        return (model.one(bucket.props.get("ObjectLockEnabled")) in (True, "true", "True")
                and model.one(retention.get("Mode")) in ("COMPLIANCE", "GOVERNANCE"))

    @staticmethod
    def _uncovered(model: TemplateModel, scenario: Branch, expiring: list[Branch]) -> Branch | None:
        """A scenario within `scenario` in which none of the expiring rules exists, or None."""
        current = scenario
        for rule in expiring:
            if set(rule.conditions) <= set(current.conditions) and set(rule.params) <= set(current.params):
                return None  # this rule exists whenever the scenario holds
            flipped = [(n, not v) for n, v in rule.conditions if (n, v) not in current.conditions]
            if not flipped:
                return None  # it differs only by a parameter value: leave it
            found = None
            for cond in flipped:
                merged = merge_conditions(current.conditions, (cond,))
                if merged is not None and model.possible(merged, current.params):
                    found = Branch(current.value, merged, current.path, current.params)
                    break
            if found is None:
                return None
            current = found
        return current

    def findings(self, model: TemplateModel):
        write_once = bool(self.config.get("report_write_once"))
        for bucket in model.of_type(BUCKET):
            if not write_once and (self._write_once(model, bucket) or self._object_locked(model, bucket)):
                continue
            for status in model.strings(bucket, "VersioningConfiguration", "Status"):
                if status.value != "Enabled":
                    continue
                lists = [br for br in model.prop(bucket, "LifecycleConfiguration", "Rules")
                         if model.together(br, status) is not None]
                if any(br.value is UNKNOWN or (br.value is not ABSENT and not isinstance(br.value, list))
                       for br in lists):
                    continue
                expiring, unknown = [], False
                for rule in model.entries(bucket, "LifecycleConfiguration", "Rules"):
                    if model.together(rule, status) is None:
                        continue
                    verdict = self._expiring(model, rule)
                    if verdict is None:
                        unknown = True
                    else:
                        expiring += verdict
                if unknown:
                    continue
                scenario = self._uncovered(model, status, expiring)
                if scenario is None:
                    continue
                yield (status.path,
                       f"Bucket '{bucket.logical_id}' has versioning enabled but no enabled lifecycle rule with "
                       f"NoncurrentVersionExpiration{scenario.describe()}: every overwritten or deleted object "
                       "stays as a noncurrent version, billed as storage, forever. Add a lifecycle rule with "
                       "NoncurrentVersionExpiration (NoncurrentDays, optionally NewerNoncurrentVersions) to "
                       "LifecycleConfiguration.Rules.")
                break
