"""E9514: Lambda@Edge associations and the functions they run."""

from __future__ import annotations

import re

from ...model import ABSENT, Branch, TemplateModel
from ...model.invocation import VERSION, function_target
from ...model.lambda_config import DEFAULT_MEMORY, int_branches, timeouts
from ...model.policies import _TooMany as TooManyVariants, unfold
from ...model.values import capitalized, is_literal
from .._base import BestPracticeRule

EDGE_REGION = "us-east-1"
# (Timeout s, MemorySize MB) limits per trigger
_LIMITS = {"viewer": (5, 128), "origin": (30, 10240)}
_UNSUPPORTED = (("VpcConfig", "VPC access"), ("Layers", "layers"), ("Environment", "environment variables"),
                ("ProvisionedConcurrencyConfig", "provisioned concurrency"))


def _associations(model: TemplateModel):
    """(distribution, association node, absolute path, scenario) for every LambdaFunctionAssociation,
    per branch of every `Fn::If` above it (DistributionConfig, a behavior, the list or the entry), in
    the scenario in which the distribution exists and those branches are taken."""
    for dist in model.of_type("AWS::CloudFront::Distribution"):
        lists = list(model.prop(dist, "DistributionConfig", "DefaultCacheBehavior", "LambdaFunctionAssociations"))
        for behavior in model.entries(dist, "DistributionConfig", "CacheBehaviors"):
            lists += model.within(behavior, "LambdaFunctionAssociations")
        for lb in lists:
            if not isinstance(lb.value, list):
                continue
            for i, item in enumerate(lb.value):
                for sub in model.branches(item):
                    both = model.together(lb, sub) if isinstance(sub.value, dict) else None
                    if both is not None:
                        yield dist, sub.value, lb.path + (i,) + sub.path, Branch(None, both.conditions, (), both.params)


def _trusts_edgelambda(model: TemplateModel, doc) -> bool | None:
    if not isinstance(doc, dict):
        return None
    text = repr(doc)
    if "edgelambda.amazonaws.com" in text:
        return True
    if "Fn::" in text or "Ref" in text:
        return None
    return False


class LambdaEdgeConstraints(BestPracticeRule):
    id = "E9514"
    shortdesc = "Lambda@Edge function that CloudFront cannot use"
    description = (
        "A CloudFront LambdaFunctionAssociation must name a numbered version (not $LATEST, the unqualified "
        "function or an alias) of a function in us-east-1 that runs Node.js or Python, has no VPC access, layers, "
        "environment variables, provisioned concurrency or container image, stays within 5 s and 128 MB for "
        "viewer triggers (30 s for origin triggers), and whose role trusts edgelambda.amazonaws.com."
    )
    tags = ["lambda", "cloudfront", "lambda-edge"]
    resource_types = ("AWS::CloudFront::Distribution", "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::IAM::Role")

    def findings(self, model: TemplateModel):
        checked = set()
        for dist, assoc, path, above in _associations(model):
            event = model.one(assoc.get("EventType"))
            trigger = event.split("-", 1)[0] if isinstance(event, str) else None
            where = f"distribution '{dist.logical_id}' ({event if isinstance(event, str) else 'association'})"
            # the function associated per Fn::If branch of LambdaFunctionARN, each in its own scenario
            for arn_br in model.branches(assoc.get("LambdaFunctionARN")):
                arn = arn_br.value
                scenario = model.together(arn_br, above) if above is not None else None
                if not isinstance(arn, str) or scenario is None:
                    continue
                scenario = Branch(None, scenario.conditions, (), scenario.params)
                target = function_target(model, arn)
                yield from self._version(model, arn, target, where, path + ("LambdaFunctionARN",) + arn_br.path,
                                         scenario)
                if target is None:
                    continue
                key = (target.function, trigger, scenario.conditions, scenario.params)
                if key in checked:
                    continue
                checked.add(key)
                yield from self._function(model, target.function, trigger, where, target.via, scenario)

    def _version(self, model, arn, target, where, path, scenario=Branch(None)):
        where = where + scenario.describe()
        if target is not None:
            via = model.resources.get(target.via) if target.via else None
            numbered = (via is not None and via.type == VERSION) or target.numbered_version
            if not numbered:
                what = "an alias" if target.qualifier else "the unqualified function"
                yield (path, f"{capitalized(where)} associates {what} of '{target.function}': Lambda@Edge "
                             "needs a numbered version. Reference an AWS::Lambda::Version of the function (or SAM's "
                             "!Ref Function.Version with AutoPublishAlias).")
            return
        if model.refers_to(arn):
            return
        m = re.match(r"^arn:[^:]+:lambda:([^:]+):[^:]+:function:[^:]+(?::(.+))?$", arn)
        if not m:
            return
        region, qualifier = m.group(1), m.group(2)
        if is_literal(region) and region != EDGE_REGION:
            yield (path, f"{capitalized(where)} associates a function in {region}: Lambda@Edge functions "
                         f"must be created in {EDGE_REGION}. Deploy the function to {EDGE_REGION} and use that ARN.")
        if qualifier is None or not qualifier.isdigit():
            yield (path, f"{capitalized(where)} associates '{arn}', which is not a numbered version: "
                         "Lambda@Edge needs a numbered version, not $LATEST or an alias. Append the version "
                         "number to the ARN.")

    def _function(self, model, function, trigger, where, via, scenario=Branch(None)):
        res = model.resources[function]
        region = model.region
        # each finding holds where the association names the function and the function's value is read
        def scoped(branches):
            for br in branches:
                both = model.together(br, scenario)
                if both is not None:
                    yield both
        if region != EDGE_REGION:
            yield (res.path, f"Function '{function}' is used by {where}{scenario.describe()} but this template is "
                             f"linted for {region}: "
                             f"Lambda@Edge functions must be created in {EDGE_REGION}. Deploy it in a "
                             f"{EDGE_REGION} stack.")
        for key, what in _UNSUPPORTED:
            for br in scoped(model.prop(res, key)):
                if br.value is not ABSENT and br.value not in ({}, []):
                    yield (br.path, f"Function '{function}' is used by {where} but configures {what}{br.describe()}, "
                                    f"which Lambda@Edge does not support. Remove {key}.")
                    break
        for br in scoped(model.prop(res, "PackageType")):
            if br.value == "Image":
                yield (br.path, f"Function '{function}' is used by {where} but is a container image{br.describe()}, which "
                                "Lambda@Edge does not support. Package it as a .zip file.")
        for br in scoped(model.prop(res, "Runtime")):
            if isinstance(br.value, str) and not br.value.startswith(("nodejs", "python")):
                yield (br.path, f"Function '{function}' is used by {where} but runs {br.value}{br.describe()}: "
                                "Lambda@Edge supports only Node.js and Python runtimes.")
        if trigger in _LIMITS:
            max_timeout, max_memory = _LIMITS[trigger]
            for br in scoped(timeouts(model, res)):
                if br.value > max_timeout:
                    yield (res.finding_path(br.path),
                           f"Function '{function}' has a Timeout of {br.value} s{br.describe()} but {where} allows "
                           f"at most {max_timeout} s for {trigger} triggers. Lower the Timeout.")
                    break
            for br in scoped(int_branches(model, res, "MemorySize", default=DEFAULT_MEMORY)):
                if br.value > max_memory:
                    yield (br.path, f"Function '{function}' has a MemorySize of {br.value} MB{br.describe()} but "
                                    f"{where} allows at most {max_memory} MB for {trigger} triggers. Lower MemorySize.")
                    break
        yield from self._role(model, res, function, where, scenario)

    @staticmethod
    def _untrusting(model, doc, scenario):
        """A scenario within `scenario` in which a trust policy document (raw, `Fn::If` inside it
        decided per branch; None when there is none) does not trust edgelambda.amazonaws.com, else None."""
        try:
            variants = [(None, ())] if doc is None else [(v, c) for v, c, _ in unfold(doc)]
        except TooManyVariants:
            return None
        for value, conds in variants:
            if value is None or value is ABSENT or _trusts_edgelambda(model, value) is False:
                both = model.together(scenario, Branch(None, conds))
                if both is not None:
                    return both
        return None

    def _role(self, model, res, function, where, scenario=Branch(None)):
        if res.type == "AWS::Serverless::Function" and "Role" not in res.props:
            doc = res.props.get("AssumeRolePolicyDocument")
            # (a document under Fn::If trusts edgelambda in some branches only: judged per branch)
            found = self._untrusting(model, doc, scenario)
            if found is not None:
                yield (res.path, f"Function '{function}' is used by {where}{found.describe()} but the role SAM "
                                 "creates for it trusts only lambda.amazonaws.com: Lambda@Edge also needs "
                                 "edgelambda.amazonaws.com. Add an AssumeRolePolicyDocument that trusts both.")
            return
        role = model.lookup_node(res.props.get("Role"), ("AWS::IAM::Role",))
        if not role:
            return
        role_res = model.resources[role]
        doc = role_res.props.get("AssumeRolePolicyDocument")
        found = self._untrusting(model, doc, scenario) if isinstance(doc, dict) else None
        if found is not None:
            yield (role_res.prop_path("AssumeRolePolicyDocument"),
                   f"Role '{role}' of function '{function}', which {where}{found.describe()} uses, does not trust "
                   "edgelambda.amazonaws.com: Lambda@Edge cannot replicate and run the function. Add "
                   "edgelambda.amazonaws.com to the Service principals of its AssumeRolePolicyDocument.")
