"""E9713: features Fargate does not support (placement, GPUs, Classic Load Balancers, EFS before 1.4.0)."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.ecs import SERVICE, TASK_DEFINITION, fargate_scenarios, fargate_task_scenarios, service_tasks
from ...model.props import list_branches, str_branches
from .._base import BestPracticeRule


def _version(text: str) -> tuple | None:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return None


class FargateUnsupportedFeatures(BestPracticeRule):
    id = "E9713"
    shortdesc = "Fargate service or task uses a feature Fargate does not support"
    description = (
        "Fargate has no container instances to choose, so services on Fargate cannot use placement strategies "
        "or constraints; Fargate offers no GPUs; Fargate tasks (awsvpc) cannot use Classic Load Balancers; "
        "EFS volumes need platform version 1.4.0 or later."
    )
    tags = ["ecs", "fargate"]
    resource_types = ("AWS::ECS::Service", "AWS::ECS::TaskDefinition")

    def findings(self, model: TemplateModel):
        for service in model.of_type(SERVICE):
            # the scenarios in which the service runs on Fargate (LaunchType or capacity providers per branch)
            fargate = fargate_scenarios(model, service)
            if not fargate:
                continue
            for key in ("PlacementStrategies", "PlacementConstraints"):
                for br in list_branches(model, service, key):
                    both = _first(model, br, fargate) if br.value else None
                    if both is not None:
                        yield (br.path,
                               f"ECS service '{service.logical_id}' runs on Fargate but sets {key}{both.describe()}: "
                               "Fargate places tasks itself and the service fails to create. Remove "
                               f"{key}, or run the service on EC2 capacity.")
            for entry in model.entries(service, "LoadBalancers"):
                names = [b for b in model.within(entry, "LoadBalancerName") if b.value is not ABSENT]
                groups = model.within(entry, "TargetGroupArn")
                for (name, group), both in model.combine(names, groups):
                    both = _first(model, both, fargate) if group.value is ABSENT else None
                    if both is not None:
                        yield (name.path,
                               f"ECS service '{service.logical_id}' runs on Fargate behind a Classic Load Balancer"
                               f"{both.describe()}: Fargate tasks use awsvpc networking, which Classic Load Balancers "
                               "do not support. Use an Application or Network Load Balancer target group (TargetType ip).")
                        break
            yield from self._efs(model, service, fargate)
        for task in model.of_type(TASK_DEFINITION):
            only = fargate_task_scenarios(model, task, only=True)
            if not only:
                continue
            for container in model.entries(task, "ContainerDefinitions"):
                for req in model.within(container, "ResourceRequirements"):
                    items = req.value if isinstance(req.value, list) else []
                    gpu = [t for r in items for t in model.get(r, "Type") if t.value == "GPU"]
                    both = next((b for g in gpu for b in [_first(model, model.together(req, g), only)
                                                            if model.together(req, g) else None] if b), None)
                    if both is None:
                        continue
                    name = model.one(container.value.get("Name"))
                    yield (container.path + ("ResourceRequirements",),
                           f"Task definition '{task.logical_id}' requires Fargate but container "
                           f"'{name if isinstance(name, str) else '?'}' asks for a GPU{both.describe()}: Fargate has no "
                           "GPUs, so registration fails. Run GPU tasks on EC2 capacity (RequiresCompatibilities: [EC2]).")
                    break

    @staticmethod
    def _efs(model: TemplateModel, service, fargate):
        for task, where in service_tasks(model, service):
            efs = [model.together(where, v) for vol in model.entries(task, "Volumes")
                   for v in model.within(vol, "EFSVolumeConfiguration") if v.value not in (ABSENT, None, {})]
            efs = [e for e in efs if e is not None]
            for br in str_branches(model, service, "PlatformVersion"):
                version = _version(br.value)
                if not version or version >= (1, 4, 0):
                    continue
                both = next((b for e in efs for b in [_first(model, model.together(br, e), fargate)
                                                      if model.together(br, e) else None] if b), None)
                if both is not None:
                    yield (br.path,
                           f"ECS service '{service.logical_id}' mounts an EFS volume (task definition '{task.logical_id}') "
                           f"on Fargate platform version {br.value}{both.describe()}: EFS needs 1.4.0 or later. Set "
                           "PlatformVersion: LATEST or 1.4.0.")
                    return


def _first(model: TemplateModel, branch, scenarios):
    """The first of `scenarios` that can hold with `branch` (value and path of `branch`), else None."""
    for scenario in scenarios:
        both = model.together(branch, scenario)
        if both is not None:
            return both
    return None
