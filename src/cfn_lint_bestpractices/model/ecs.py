"""ECS services and task definitions: where a task runs (Fargate or EC2) and how it is networked."""

from __future__ import annotations

from .props import list_branches, str_branches
from .template import Resource, TemplateModel
from .values import ABSENT, Branch

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


# -- per scenario --------------------------------------------------------------------------------
def service_tasks(model: TemplateModel, service: Resource) -> list[tuple[Resource, Branch]]:
    """(task definition, scenario) per branch of a service's TaskDefinition that names an in-template
    task definition, where the service and the task definition exist."""
    out = []
    for br in model.prop(service, "TaskDefinition"):
        tid = model.lookup(br.value, (TASK_DEFINITION,)) if isinstance(br.value, str) else None
        if tid:
            both = model.together(br, model.exists(model.resources[tid]))
            if both is not None:
                out.append((model.resources[tid], both))
    return out


def fargate_scenarios(model: TemplateModel, service: Resource) -> list[Branch]:
    """The scenarios in which a service runs on Fargate: its LaunchType is FARGATE, or its capacity
    provider strategy names only Fargate providers. A service that sets neither takes the cluster's
    default strategy, which is not judged."""
    out = [b for b in str_branches(model, service, "LaunchType") if b.value == "FARGATE"]
    for br in model.prop(service, "CapacityProviderStrategy"):
        if not isinstance(br.value, list) or not br.value:
            continue
        per_item = []
        for item in br.value:
            per_item.append([p for p in model.get(item, "CapacityProvider")])
        for chosen, scenario in model.combine([br], *per_item):
            names = [c.value for c in chosen[1:] if c.value is not ABSENT]
            if names and all(n in FARGATE_PROVIDERS for n in names):
                out.append(scenario)
    return out


def awsvpc_scenarios(model: TemplateModel, service: Resource) -> list[Branch]:
    """The scenarios in which a service's tasks use awsvpc networking: on Fargate, or with a task
    definition whose NetworkMode is awsvpc."""
    out = list(fargate_scenarios(model, service))
    for task, where in service_tasks(model, service):
        for mode in str_branches(model, task, "NetworkMode"):
            if mode.value == "awsvpc":
                both = model.together(where, mode)
                if both is not None:
                    out.append(both)
    return out


def fargate_task_scenarios(model: TemplateModel, task: Resource, only: bool = False) -> list[Branch]:
    """The scenarios in which a task definition is compatible with Fargate (RequiresCompatibilities lists
    FARGATE), or, with `only`, requires exactly Fargate."""
    out = []
    for br in list_branches(model, task, "RequiresCompatibilities"):
        if (br.value == ["FARGATE"]) if only else ("FARGATE" in br.value):
            out.append(br)
    return out
