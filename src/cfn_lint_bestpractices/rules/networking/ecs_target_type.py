"""E9711: an awsvpc (or Fargate) ECS service registered with a target group of type instance."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import TemplateModel
from ...model.ecs import SERVICE, service_on_fargate, task_definition_of, task_uses_awsvpc
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
            task = task_definition_of(model, service)
            awsvpc = service_on_fargate(model, service) is True or (task is not None and task_uses_awsvpc(model, task))
            if not awsvpc:
                continue
            for item, _ in model.list_items(service, "LoadBalancers"):
                tg_id = model.lookup_node(item.get("TargetGroupArn"), (TARGET_GROUP,))
                if not tg_id or tg_id in seen:
                    continue
                tg = model.resources[tg_id]
                wrong = [br for br in str_branches(model, tg, "TargetType", default="instance") if br.value == "instance"]
                if not wrong:
                    continue
                seen.add(tg_id)
                br = wrong[0]
                if "Targets" in tg.props:
                    fix = NoFix(f"target group '{tg_id}' lists Targets, which TargetType ip would have to name by IP")
                else:
                    fix = Fix("set TargetType: ip",
                              [Set(tg.prop_path("TargetType") if tuple(b.path) == tg.path
                                   else model.fix_path(tg.prop_path(), ("TargetType",), b), "ip") for b in wrong])
                yield (br.path,
                       f"Target group '{tg_id}' has TargetType instance{' (the default)' if 'TargetType' not in tg.props else ''}"
                       f"{br.describe()}, but ECS service '{service.logical_id}' runs awsvpc tasks, which ECS "
                       "can only register by IP address, so the service fails to create. Set TargetType: ip.", fix)
