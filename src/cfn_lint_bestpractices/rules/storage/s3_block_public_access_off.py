"""I9824: S3 Block Public Access settings turned off on a bucket that grants nothing public."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel, as_bool, as_list
from ...model.policies import statements, uncovered
from ...model.s3 import BUCKET, bucket_policies
from ...model.values import Branch
from .._base import BestPracticeRule

ACL_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls")
POLICY_FLAGS = ("BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_ACLS = ("PublicRead", "PublicReadWrite", "AuthenticatedRead")
ACLS_ENABLED = ("ObjectWriter", "BucketOwnerPreferred")


class S3BlockPublicAccessOff(BestPracticeRule):
    id = "I9824"
    shortdesc = "S3 Block Public Access turned off with nothing public to allow"
    description = (
        "A bucket whose PublicAccessBlockConfiguration sets a Block Public Access flag false (or leaves it out "
        "of the configuration, which also makes it false) although the template grants nothing public: no "
        "bucket policy statement for Principal '*', no public canned ACL, and for the ACL flags ACLs disabled "
        "(Object Ownership BucketOwnerEnforced). New buckets have all four flags on; turning them off removes "
        "the guard for nothing, and a public policy or ACL added later by hand or by a script is then "
        "accepted. A bucket that is public on purpose is W9811's."
    )
    tags = ["s3", "security", "public-access"]
    resource_types = (BUCKET,)
    # like W9811: exposure that only a non-default parameter value opens is the deployer's choice
    conditions_at_defaults = True

    @staticmethod
    def _off(model: TemplateModel, config: Branch) -> list[tuple[Branch, list[str]]]:
        """(scenario with the path of the first flag that is off, the flags off) for one branch of a
        PublicAccessBlockConfiguration map; a flag the map leaves out is off (the API's default)."""
        combos: list[tuple[Branch, list[str]]] = [(config, [])]
        for flag in ACL_FLAGS + POLICY_FLAGS:
            values = model.get(config.value, flag) if flag in config.value else [Branch(ABSENT)]
            nxt = []
            for value in values:
                on = False if value.value is ABSENT else as_bool(value.value)
                if on is None:
                    continue  # unknown: this flag may be on
                path = config.path + (flag,) + value.path if value.value is not ABSENT else config.path
                for scenario, off in combos:
                    both = model.together(scenario, Branch(None, value.conditions, (), value.params))
                    if both is None:
                        continue
                    where = both.path if (off or on) else path  # the first flag that is off
                    nxt.append((Branch(None, both.conditions, where, both.params), off + ([] if on else [flag])))
            combos = nxt
        return [(scenario, off) for scenario, off in combos if off]

    @staticmethod
    def _public_policy(model: TemplateModel, bucket, policies: list) -> list[Branch] | None:
        """The scenarios in which a bucket policy of the template may grant the bucket to everyone: an
        Allow statement for Principal '*' (with or without a condition), or one we cannot read, where the
        policy applies to the bucket; a website (whose public policy may be managed elsewhere) counts too.
        None when a policy cannot be read."""
        out = []
        for policy, applies in policies:
            found = statements(model, model.prop(policy, "PolicyDocument"))
            if found is None:
                return None
            for stmt in found:
                where = model.together(stmt.scenario, applies)
                if where is None:
                    continue
                effect = stmt.effect(model)
                if effect == "Deny":
                    continue
                principal = stmt.field(model, "Principal")
                if effect is UNKNOWN or principal is UNKNOWN or "NotPrincipal" in stmt.raw:
                    out.append(where)
                    continue
                if isinstance(principal, dict):
                    principal = [model.one(p) for p in as_list(principal.get("AWS", []))]
                if "*" in as_list(principal) or UNKNOWN in as_list(principal):
                    out.append(where)
        out += [w for w in model.prop(bucket, "WebsiteConfiguration") if w.value is not ABSENT]
        return out

    @staticmethod
    def _acls(model: TemplateModel, bucket) -> list[Branch]:
        """The scenarios in which ACLs may matter: a public canned ACL, or ACLs enabled (Object Ownership
        ObjectWriter or BucketOwnerPreferred, through which the application may write public object
        ACLs), or a value that cannot be known."""
        out = []
        for acl in model.prop(bucket, "AccessControl"):
            if acl.value is UNKNOWN or acl.value in PUBLIC_ACLS:
                out.append(acl)
        for rule in model.entries(bucket, "OwnershipControls", "Rules"):
            for owner in model.within(rule, "ObjectOwnership"):
                if owner.value is UNKNOWN or owner.value in ACLS_ENABLED:
                    out.append(owner)
        return out

    def findings(self, model: TemplateModel):
        buckets = model.of_type(BUCKET)
        by_bucket, unresolved = bucket_policies(model)
        if not buckets or unresolved:
            return  # a policy on a bucket we cannot name may be any bucket's
        for bucket in buckets:
            policies = by_bucket.get(bucket.logical_id, [])
            for config in model.prop(bucket, "PublicAccessBlockConfiguration"):
                if not isinstance(config.value, dict):
                    continue  # absent (all on), or not a map we can read
                for need, off in self._off(model, config):
                    found = self._needless(model, bucket, policies, need, off)
                    if found is None:
                        continue
                    scenario, needless = found
                    shown = ", ".join(f"{f} false" for f in needless)
                    nothing = []
                    if set(needless) & set(POLICY_FLAGS):
                        nothing.append("no bucket policy statement for Principal '*'")
                    if set(needless) & set(ACL_FLAGS):
                        nothing.append("no public canned ACL, and ACLs disabled by Object Ownership")
                    yield (need.path,
                           f"Bucket '{bucket.logical_id}' turns off Block Public Access ({shown}){scenario.describe()}, "
                           f"but the template grants nothing public ({'; '.join(nothing)}): the guard is gone for "
                           "nothing, and a public policy or ACL added later by hand or by a script would be accepted. "
                           "Remove these settings (every flag is on by default) or set them to true.")
                    break

    def _needless(self, model: TemplateModel, bucket, policies: list, need: Branch, off: list[str]):
        """(scenario, the flags that are off for nothing there) for a scenario of `need` in which the flags
        that are off guard nothing public (all of them if one scenario has it so), else None."""
        policy_off = [f for f in off if f in POLICY_FLAGS]
        acl_off = [f for f in off if f in ACL_FLAGS]
        policy = self._public_policy(model, bucket, policies) if policy_off else []
        if policy is None:
            return None
        acls = self._acls(model, bucket) if acl_off else []
        applies = [a for _, a in policies]
        tries = [(policy + acls, policy_off + acl_off)]
        if policy_off and acl_off:
            tries += [(policy, policy_off), (acls, acl_off)]
        for grants, flags in tries:
            scenario = uncovered(model, need, grants, applies)
            if scenario is not None:
                return scenario, [f for f in off if f in flags]
        return None
