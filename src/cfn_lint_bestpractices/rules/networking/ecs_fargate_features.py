"""E9713: features Fargate does not support (placement, GPUs, Classic Load Balancers, EFS before 1.4.0)."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.ecs import SERVICE, TASK_DEFINITION, service_on_fargate, task_definition_of, task_only_fargate
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
            if service_on_fargate(model, service) is not True:
                continue
            for key in ("PlacementStrategies", "PlacementConstraints"):
                for br in list_branches(model, service, key):
                    if br.value:
                        yield (br.path,
                               f"ECS service '{service.logical_id}' runs on Fargate but sets {key}{br.describe()}: "
                               "Fargate places tasks itself and the service fails to create. Remove "
                               f"{key}, or run the service on EC2 capacity.")
            for item, path in model.list_items(service, "LoadBalancers"):
                if "LoadBalancerName" in item and "TargetGroupArn" not in item:
                    yield (path + ("LoadBalancerName",),
                           f"ECS service '{service.logical_id}' runs on Fargate behind a Classic Load Balancer: "
                           "Fargate tasks use awsvpc networking, which Classic Load Balancers do not support. Use an "
                           "Application or Network Load Balancer target group (TargetType ip).")
            task = task_definition_of(model, service)
            if task is None or not any(v.get("EFSVolumeConfiguration") for v, _ in model.list_items(task, "Volumes")):
                continue
            for br in str_branches(model, service, "PlatformVersion"):
                version = _version(br.value)
                if version and version < (1, 4, 0):
                    yield (br.path,
                           f"ECS service '{service.logical_id}' mounts an EFS volume (task definition '{task.logical_id}') "
                           f"on Fargate platform version {br.value}{br.describe()}: EFS needs 1.4.0 or later. Set "
                           "PlatformVersion: LATEST or 1.4.0.")
        for task in model.of_type(TASK_DEFINITION):
            if not task_only_fargate(model, task):
                continue
            for container in model.entries(task, "ContainerDefinitions"):
                for req in model.within(container, "ResourceRequirements"):
                    items = req.value if isinstance(req.value, list) else []
                    if not any(isinstance(r, dict) and model.one(r.get("Type")) == "GPU" for r in items):
                        continue
                    name = model.one(container.value.get("Name"))
                    yield (container.path + ("ResourceRequirements",),
                           f"Task definition '{task.logical_id}' requires Fargate but container "
                           f"'{name if isinstance(name, str) else '?'}' asks for a GPU{req.describe()}: Fargate has no "
                           "GPUs, so registration fails. Run GPU tasks on EC2 capacity (RequiresCompatibilities: [EC2]).")
                    break
