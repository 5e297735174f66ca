"""E9518: CloudFront Functions used where CloudFront refuses them."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import ABSENT, Branch, TemplateModel, as_bool
from .._base import BestPracticeRule

FUNCTION = "AWS::CloudFront::Function"
DISTRIBUTION = "AWS::CloudFront::Distribution"
VIEWER_EVENTS = ("viewer-request", "viewer-response")
KVS_RUNTIME = "cloudfront-js-2.0"


def _associations(model: TemplateModel, dist):
    """Each FunctionAssociations item (a branch of a map) of the default and the other cache behaviors."""
    behaviors = [b for b in model.prop(dist, "DistributionConfig", "DefaultCacheBehavior") if isinstance(b.value, dict)]
    behaviors += list(model.entries(dist, "DistributionConfig", "CacheBehaviors"))
    for behavior in behaviors:
        for assocs in model.within(behavior, "FunctionAssociations"):
            if not isinstance(assocs.value, list):
                continue
            for i, item in enumerate(assocs.value):
                for sub in model.branches(item):
                    both = model.together(sub, assocs)
                    if isinstance(sub.value, dict) and both is not None:
                        yield Branch(sub.value, both.conditions, assocs.path + (i,) + sub.path, both.params)


class CloudFrontFunctionConstraints(BestPracticeRule):
    id = "E9518"
    shortdesc = "CloudFront Function that CloudFront cannot use"
    description = (
        "CloudFront Functions run only on viewer-request and viewer-response events; a cache behavior can only "
        "be associated with a function published to the LIVE stage (AutoPublish: true when the same stack "
        "creates both); a function can have only one key value store, and key value stores need the "
        "cloudfront-js-2.0 runtime. Each of these fails the deployment."
    )
    tags = ["cloudfront", "cloudfront-functions"]
    resource_types = (DISTRIBUTION, FUNCTION)
    fixable = "safe"

    def findings(self, model: TemplateModel):
        for dist in model.of_type(DISTRIBUTION):
            for assoc in _associations(model, dist):
                yield from self._association(model, dist, assoc)
        for fn in model.of_type(FUNCTION):
            yield from self._key_value_stores(model, fn)

    def _association(self, model, dist, assoc):
        for event in model.within(assoc, "EventType"):
            if isinstance(event.value, str) and event.value.startswith("origin-"):
                yield (event.path, f"Distribution '{dist.logical_id}' associates a CloudFront Function with the "
                                   f"{event.value} event{event.describe()}: CloudFront Functions run only on "
                                   "viewer-request and viewer-response. Use viewer-request/viewer-response, or a "
                                   "Lambda@Edge function (LambdaFunctionAssociations) for origin events.",
                       NoFix("the event, or moving the code to Lambda@Edge, is the team's choice"))
        for arn in model.within(assoc, "FunctionARN"):
            targets = [t for t in model.refers_to(arn.value) if model.resources[t].type == FUNCTION]
            if len(targets) != 1:
                continue
            fn = model.resources[targets[0]]
            for publish in model.prop(fn, "AutoPublish"):
                if publish.value is not ABSENT and as_bool(publish.value) is not False:
                    continue
                both = model.together(arn, publish)
                if both is None:
                    continue
                shown = "absent" if publish.value is ABSENT else "false"
                if publish.params:
                    fix = NoFix("AutoPublish comes from a parameter: choose true for it")
                else:
                    fix = Fix("set AutoPublish: true",
                              [Set(model.fix_path(fn.prop_path(), ("AutoPublish",), publish), True)])
                yield (arn.path, f"Distribution '{dist.logical_id}' associates CloudFront Function '{fn.logical_id}', "
                                 f"whose AutoPublish is {shown}{both.describe()}: the function stays in the "
                                 "DEVELOPMENT stage and CloudFront associates only functions in the LIVE stage, "
                                 f"so the distribution fails to deploy. Set AutoPublish: true on '{fn.logical_id}'.", fix)
                break

    def _key_value_stores(self, model, fn):
        for stores in model.lists(fn, "FunctionConfig", "KeyValueStoreAssociations"):
            count = len(stores.value)
            if count > 1:
                yield (stores.path, f"CloudFront Function '{fn.logical_id}' associates {count} key value stores"
                                    f"{stores.describe()}: a function can have only one. Keep one "
                                    "KeyValueStoreAssociations entry.",
                       NoFix("which store to keep is the team's choice"))
            if count == 0:
                continue
            for runtime in model.prop(fn, "FunctionConfig", "Runtime"):
                both = model.together(stores, runtime)
                if runtime.value == "cloudfront-js-1.0" and both is not None:
                    yield (runtime.path, f"CloudFront Function '{fn.logical_id}' uses a key value store with runtime "
                                         f"cloudfront-js-1.0{both.describe()}: key value stores need JavaScript "
                                         f"runtime 2.0. Set Runtime: {KVS_RUNTIME}.",
                       NoFix("runtime 2.0 changes the JavaScript the code runs on: test the code first"))
