"""W9730: an ECS rolling deployment that can neither start a new task nor stop an old one."""

from __future__ import annotations

from ...fixes import NoFix
from ...model import ABSENT, UNKNOWN, Branch, TemplateModel, as_int
from .._base import BestPracticeRule

SERVICE = "AWS::ECS::Service"


def _stalls(count: int | None, maximum: int, minimum: int) -> bool:
    """Whether a rolling update of `count` tasks can neither add a task (running + pending capped at
    MaximumPercent, rounded down) nor remove one (running kept at MinimumHealthyPercent, rounded up).
    Without a known count, whether that holds for every count."""
    if count is None:
        return maximum <= 100 and minimum >= 100
    upper = count * maximum // 100
    lower = -(-count * minimum // 100)
    return upper <= count and lower >= count


class EcsDeploymentConfiguration(BestPracticeRule):
    id = "W9730"
    shortdesc = "ECS rolling deployment that cannot replace tasks"
    description = (
        "In a rolling update (the ECS deployment controller), MaximumPercent caps running plus pending tasks "
        "(rounded down) and MinimumHealthyPercent is the floor of running tasks (rounded up), both as a share "
        "of the desired count. When the cap allows no extra task and the floor allows no task to stop (for "
        "example 100/100, or one task with MaximumPercent 150), a new task definition is never rolled out."
    )
    tags = ["ecs", "deployment", "availability"]
    resource_types = (SERVICE,)

    def findings(self, model: TemplateModel):
        for svc in model.of_type(SERVICE):
            # a rolling update of a replica service, per branch: a controller, strategy or scheduling under
            # Fn::If is judged in the scenarios in which it is a rolling replica deployment
            controller = [b for b in model.strings(svc, "DeploymentController", "Type", default="ECS") if b.value == "ECS"]
            scheduling = [b for b in model.strings(svc, "SchedulingStrategy", default="REPLICA") if b.value == "REPLICA"]
            strategy = [b for b in model.strings(svc, "DeploymentConfiguration", "Strategy", default="ROLLING")
                        if b.value == "ROLLING"]
            if not (controller and scheduling and strategy):
                continue
            maximum = model.ints(svc, "DeploymentConfiguration", "MaximumPercent", default=200)
            minimum = model.ints(svc, "DeploymentConfiguration", "MinimumHealthyPercent", default=100)
            known = []
            for b in model.prop(svc, "DesiredCount"):
                count = None if b.value is ABSENT or b.value is UNKNOWN else as_int(b.value)
                known.append(Branch(count, b.conditions, b.path, b.params))
            for (mx, mn, dc, *_), both in model.combine(maximum, minimum, known, controller, scheduling, strategy):
                if dc.value == 0 or not _stalls(dc.value, mx.value, mn.value):
                    continue
                tasks = (f"{dc.value} task{'s' if dc.value != 1 else ''}" if dc.value is not None
                         else "any number of tasks")
                path = mx.path if "DeploymentConfiguration" in svc.props else svc.path
                yield (path,
                       f"ECS service '{svc.logical_id}' deploys with MaximumPercent {mx.value} and "
                       f"MinimumHealthyPercent {mn.value} for {tasks}{both.describe()}: a rolling update may neither "
                       "start a task above the maximum nor stop one below the minimum, so a new task definition "
                       "never rolls out. Raise MaximumPercent (200 is the default) or lower MinimumHealthyPercent.",
                       NoFix("raising the maximum needs spare capacity, lowering the minimum costs availability"))
                break
