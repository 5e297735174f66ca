"""E9711: an awsvpc (or Fargate) ECS service registered with a target group of type instance."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import TemplateModel
from ...model.ecs import SERVICE, awsvpc_scenarios
from ...model.network import uncovered
from ...model.props import str_branches
from .._base import BestPracticeRule

TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


class EcsAwsvpcTargetType(BestPracticeRule):
    id = "E9711"
    shortdesc = "awsvpc ECS service behind a target group of type instance"
    description = (
        "Tasks in awsvpc network mode (all Fargate tasks) have their own network interface, not an EC2 "
        "instance, so a load balancer reaches them by IP address: their target group needs TargetType ip. "
        "ECS refuses to register them with a target group of type instance, the default."
    )
    tags = ["ecs", "fargate", "elb"]
    resource_types = ("AWS::ElasticLoadBalancingV2::TargetGroup",)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        seen = set()
        for service in model.of_type(SERVICE):
            # where the tasks are awsvpc (on Fargate, or a task definition in awsvpc mode), per scenario of
            # the service's LaunchType, capacity providers, TaskDefinition and the task's NetworkMode
            awsvpc = awsvpc_scenarios(model, service)
            if not awsvpc:
                continue
            for entry in model.entries(service, "LoadBalancers"):
                for ref in model.within(entry, "TargetGroupArn"):
                    tg_id = model.lookup(ref.value, (TARGET_GROUP,)) if isinstance(ref.value, str) else None
                    if not tg_id or tg_id in seen:
                        continue
                    tg = model.resources[tg_id]
                    wrong = [br for br in str_branches(model, tg, "TargetType", default="instance") if br.value == "instance"]
                    found = next(((br, both) for br in wrong for a in awsvpc
                                  for both in [model.together(br, a, ref)] if both is not None), None)
                    if found is None:
                        continue
                    seen.add(tg_id)
                    br, both = found
                    partly = uncovered(model, model.exists(service), awsvpc)
                    if partly is not None:
                        fix = NoFix(f"ECS service '{service.logical_id}' does not run awsvpc tasks{partly.describe()}, "
                                    "where TargetType instance may be right: choose TargetType by the same condition")
                    elif "Targets" in tg.props:
                        fix = NoFix(f"target group '{tg_id}' lists Targets, which TargetType ip would have to name by IP")
                    else:
                        fix = Fix("set TargetType: ip",
                                  [Set(tg.prop_path("TargetType") if tuple(b.path) == tg.path
                                       else model.fix_path(tg.prop_path(), ("TargetType",), b), "ip") for b in wrong])
                    yield (br.path,
                           f"Target group '{tg_id}' has TargetType instance{' (the default)' if 'TargetType' not in tg.props else ''}"
                           f"{both.describe()}, but ECS service '{service.logical_id}' runs awsvpc tasks, which ECS "
                           "can only register by IP address, so the service fails to create. Set TargetType: ip.", fix)
