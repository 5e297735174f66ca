"""W9731: an auto scaled ECS service that also sets DesiredCount."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Remove
from ...model import ABSENT, TemplateModel, show
from ...model.app_autoscaling import ecs_service_scaling
from ...model.network import uncovered
from .._base import BestPracticeRule

SERVICE = "AWS::ECS::Service"


class EcsAutoScalingDesiredCount(BestPracticeRule):
    id = "W9731"
    shortdesc = "Auto scaled ECS service with a fixed DesiredCount"
    description = (
        "When Application Auto Scaling manages a service's desired count (a ScalableTarget on "
        "ecs:service:DesiredCount), a DesiredCount in the template is sent again on every stack update that "
        "touches the service, resetting the task count that scaling chose (a scaled-out service drops back). "
        "Without DesiredCount, CloudFormation starts a new service with 1 task and leaves the count of an "
        "existing service alone."
    )
    tags = ["ecs", "autoscaling", "availability"]
    resource_types = (SERVICE,)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        services = model.of_type(SERVICE)
        if not services:
            return
        targets = ecs_service_scaling(model)
        for svc in services:
            scaled = targets.get(svc.logical_id)
            if not scaled or "DesiredCount" not in svc.props:
                continue
            # the service is scaled where a scalable target exists and its ResourceId (per branch) names it
            for br in model.prop(svc, "DesiredCount"):
                if br.value is ABSENT:
                    continue
                found = next(((t, b) for t, where in scaled for b in [model.together(br, where)] if b is not None), None)
                if found is None:
                    continue
                target, both = found
                written = svc.props["DesiredCount"]
                partly = uncovered(model, model.exists(svc), [w for _, w in scaled])
                if partly is not None:
                    fix = NoFix(f"the service is not scaled{partly.describe() or ' in every scenario'}, where "
                                "DesiredCount still sets its task count; remove it in the scaled scenarios by hand")
                elif isinstance(written, dict):
                    fix = NoFix("DesiredCount is chosen by a condition or a parameter; remove it by hand")
                else:
                    fix = Fix("remove DesiredCount", [Remove(svc.prop_path("DesiredCount"))],
                              unsafe=("a new service then starts with 1 task until scaling raises it to "
                                      "MinCapacity"))
                value = show(br.value) if isinstance(br.value, (int, str)) else "set"
                yield (br.path,
                       f"ECS service '{svc.logical_id}' is scaled by '{target.logical_id}' (Application Auto "
                       f"Scaling) but sets DesiredCount {value}{both.describe()}: every stack update that changes "
                       "the service sets the task count back to this value, undoing what scaling chose (a "
                       "scaled-out service loses tasks under load). Remove DesiredCount and let the scalable "
                       "target's MinCapacity set the floor.", fix)
                break
