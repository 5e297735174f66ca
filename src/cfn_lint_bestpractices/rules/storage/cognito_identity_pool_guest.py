"""W9814: Cognito identity pool guest access, and roles any identity or any pool could assume."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel, as_list
from ...model.policies import statements
from .._base import BestPracticeRule

POOL = "AWS::Cognito::IdentityPool"
ROLE = "AWS::IAM::Role"


def _cognito_federated(model: TemplateModel, principal) -> bool | None:
    """Whether a trust statement's principal is the identity pool service (Federated
    cognito-identity.amazonaws.com); None when it cannot be known."""
    if principal is UNKNOWN:
        return None
    if not isinstance(principal, dict) or "Federated" not in principal:
        return False
    # read as one value: a Federated principal chosen by an Fn::If is unknown here, and the rule stays
    # silent on the statement (precision first; such a trust policy is rare)
    values = [model.one(v) for v in as_list(model.one(principal["Federated"]))]
    if any(not isinstance(v, str) for v in values):
        return None
    return any(v.startswith("cognito-identity.") for v in values)


def _condition_keys(model: TemplateModel, condition) -> set[str] | None:
    """The condition keys (lower case) a statement's Condition tests; None when it cannot be known."""
    if condition is ABSENT:
        return set()
    if not isinstance(condition, dict):
        return None
    keys: set[str] = set()
    for block in condition.values():
        # a condition block chosen by an Fn::If is unknown (None): the statement is not judged
        block = model.one(block)
        if not isinstance(block, dict):
            return None
        keys.update(k.lower() for k in block if isinstance(k, str))
    return keys


class IdentityPoolGuestAccess(BestPracticeRule):
    id = "W9814"
    shortdesc = "Cognito identity pool guest access or loose role trust"
    description = (
        "An identity pool with AllowUnauthenticatedIdentities: true hands AWS credentials to anyone who asks "
        "(guests); its unauthenticated role must then be minimal. A role trusted by cognito-identity.amazonaws.com "
        "should test both cognito-identity.amazonaws.com:aud (which identity pool) and ...:amr (authenticated or "
        "unauthenticated): without aud any identity pool's users could assume it, without amr guests could assume "
        "the authenticated role."
    )
    tags = ["cognito", "iam", "security"]
    resource_types = (POOL, ROLE)
    options = {
        "report_guest_access": {
            "default": True, "type": "boolean",
            "description": "Report identity pools that allow unauthenticated (guest) identities",
        },
    }

    def findings(self, model: TemplateModel):
        if self.config.get("report_guest_access", True):
            for pool in model.of_type(POOL):
                for br in model.bools(pool, "AllowUnauthenticatedIdentities"):
                    if br.value:
                        yield (br.path,
                               f"Identity pool '{pool.logical_id}' allows unauthenticated identities{br.describe()}: "
                               "anyone who can call the Cognito API gets AWS credentials for its unauthenticated "
                               "role. Set AllowUnauthenticatedIdentities: false unless guests need AWS access, and "
                               "then give the unauthenticated role only the few read actions guests need.")
        for role in model.of_type(ROLE):
            found = statements(model, model.prop(role, "AssumeRolePolicyDocument"))
            for stmt in found or []:
                if stmt.effect(model) != "Allow":
                    continue
                if not _cognito_federated(model, stmt.field(model, "Principal")):
                    continue
                keys = _condition_keys(model, stmt.field(model, "Condition"))
                if keys is None:
                    continue
                missing = [k for k in ("aud", "amr")
                           if not any(key.startswith("cognito-identity.") and key.endswith(":" + k) for key in keys)]
                if not missing:
                    continue
                why = {"aud": "users of any identity pool, in any account, could assume it (Amazon Cognito's guide says "
                              "IAM no longer lets a trust policy allow any identity pool, so the role may also fail to "
                              "create)",
                       "amr": "guest (unauthenticated) identities could assume a role meant for signed-in users, "
                              "or the reverse"}
                yield (role.prop_path("AssumeRolePolicyDocument"),
                       f"Role '{role.logical_id}' trusts cognito-identity.amazonaws.com without a condition on "
                       + " or ".join(f"cognito-identity.amazonaws.com:{k}" for k in missing)
                       + f"{stmt.scenario.describe()}: " + "; ".join(why[k] for k in missing)
                       + ". Add StringEquals cognito-identity.amazonaws.com:aud: <identity pool id> and "
                       "ForAnyValue:StringLike cognito-identity.amazonaws.com:amr: authenticated (or "
                       "unauthenticated).")
                break
