"""ECS services and task definitions: where a task runs (Fargate or EC2) and how it is networked."""

from __future__ import annotations

from .props import list_branches, str_branches
from .template import Resource, TemplateModel

SERVICE = "AWS::ECS::Service"
TASK_DEFINITION = "AWS::ECS::TaskDefinition"
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def task_definition_of(model: TemplateModel, service: Resource) -> Resource | None:
    tid = model.lookup_node(service.props.get("TaskDefinition"), (TASK_DEFINITION,))
    return model.resources[tid] if tid else None


def service_on_fargate(model: TemplateModel, service: Resource) -> bool | None:
    """True when the service runs on Fargate (launch type, or capacity providers that are all Fargate),
    False when it does not, None when it cannot be told (a cluster default capacity provider)."""
    launch = [b.value for b in str_branches(model, service, "LaunchType")]
    if launch:
        return all(v == "FARGATE" for v in launch) if len(set(launch)) == 1 else None
    for br in list_branches(model, service, "CapacityProviderStrategy"):
        providers = [model.resolver.one(item.get("CapacityProvider")) if isinstance(item, dict) else None for item in br.value]
        if providers and all(p in FARGATE_PROVIDERS for p in providers):
            return True
        if providers and all(isinstance(p, str) and p not in FARGATE_PROVIDERS for p in providers):
            return False
        return None
    if "LaunchType" in service.props or "CapacityProviderStrategy" in service.props:
        return None
    return None  # the cluster's default capacity provider strategy decides; EC2 launch type otherwise


def task_only_fargate(model: TemplateModel, task: Resource) -> bool:
    """RequiresCompatibilities is exactly FARGATE in every branch."""
    branches = list_branches(model, task, "RequiresCompatibilities")
    return bool(branches) and all(b.value == ["FARGATE"] for b in branches)


def task_may_use_fargate(model: TemplateModel, task: Resource) -> bool:
    return any("FARGATE" in b.value for b in list_branches(model, task, "RequiresCompatibilities"))


def task_uses_awsvpc(model: TemplateModel, task: Resource) -> bool:
    modes = str_branches(model, task, "NetworkMode")
    return bool(modes) and all(m.value == "awsvpc" for m in modes)
