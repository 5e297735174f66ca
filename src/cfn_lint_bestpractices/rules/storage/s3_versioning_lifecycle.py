"""I9810: a versioned S3 bucket without a lifecycle rule that expires noncurrent versions."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel
from ...model.values import Branch, merge_conditions
from ...model.s3 import BUCKET
from .._base import BestPracticeRule


class S3VersioningLifecycle(BestPracticeRule):
    id = "I9810"
    shortdesc = "Versioned S3 bucket keeps noncurrent versions forever"
    description = (
        "In a versioned bucket every overwrite and every delete keeps the previous version as a noncurrent "
        "version, billed like any other object. Without an enabled lifecycle rule with "
        "NoncurrentVersionExpiration, S3 keeps them forever and the bucket's cost grows without bound."
    )
    tags = ["s3", "versioning", "lifecycle", "cost"]
    resource_types = ("AWS::S3::Bucket",)

    @staticmethod
    def _expires_noncurrent(model: TemplateModel, rule) -> bool | None:
        """Whether one lifecycle rule (an entry) is enabled and expires noncurrent versions; None when
        it cannot be known."""
        status = model.one(rule.value.get("Status"))
        if status is UNKNOWN:
            return None
        if status != "Enabled":
            return False
        for key in ("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays"):
            value = model.one(rule.value[key]) if key in rule.value else ABSENT
            if value is UNKNOWN:
                return None
            if value is not ABSENT:
                return True
        return False

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
        for bucket in model.of_type(BUCKET):
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
                    verdict = self._expires_noncurrent(model, rule)
                    if verdict is None:
                        unknown = True
                    elif verdict:
                        expiring.append(rule)
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
