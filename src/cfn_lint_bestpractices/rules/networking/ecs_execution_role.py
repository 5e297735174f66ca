"""E9714: a task definition that needs a task execution role and has none."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, Branch, TemplateModel
from ...model.network import uncovered
from ...model.ecs import TASK_DEFINITION, fargate_task_scenarios
from .._base import BestPracticeRule


class TaskExecutionRole(BestPracticeRule):
    id = "E9714"
    shortdesc = "ECS task definition needs a task execution role"
    description = (
        "The ECS agent uses the task execution role (ExecutionRoleArn) to fetch Secrets and private registry "
        "credentials for any task, and on Fargate also to pull images from Amazon ECR and to send awslogs "
        "logs. Without it those tasks fail to start."
    )
    tags = ["ecs", "fargate", "iam"]
    resource_types = ("AWS::ECS::TaskDefinition",)

    def _needs(self, model: TemplateModel, task, fargate: list) -> list[tuple[str, object, bool]]:
        """(why, scenario, whether it is a Fargate need) for each thing a container does that needs the
        execution role, read per branch: a Secrets list, LogConfiguration or image under Fn::If counts
        only in the scenarios in which it holds (Fargate needs only where the task is Fargate)."""
        reasons = []

        def some(branches):
            return [b for b in branches if b.value not in (ABSENT, None, [], {}, "") and b.value is not UNKNOWN]

        for container in model.entries(task, "ContainerDefinitions"):
            name = model.one(container.value.get("Name"))
            label = f"container '{name}'" if isinstance(name, str) else "a container"
            for br in some(model.within(container, "Secrets")) + some(
                    model.within(container, "LogConfiguration", "SecretOptions")):
                reasons.append((f"{label} reads Secrets", br, False))
            for br in some(model.within(container, "RepositoryCredentials")):
                reasons.append((f"{label} pulls with RepositoryCredentials", br, False))
            for br in model.within(container, "Image"):
                if isinstance(br.value, str) and ".dkr.ecr." in br.value:
                    reasons += [(f"{label} pulls its image from Amazon ECR", b, True)
                                for b in [model.together(br, f) for f in fargate] if b is not None]
            for br in model.within(container, "LogConfiguration", "LogDriver"):
                if br.value == "awslogs":
                    reasons += [(f"{label} logs with awslogs", b, True)
                                for b in [model.together(br, f) for f in fargate] if b is not None]
        return reasons

    def findings(self, model: TemplateModel):
        for task in model.of_type(TASK_DEFINITION):
            branches = model.prop(task, "ExecutionRoleArn")
            present = [br for br in branches if br.value is not ABSENT]
            # the scenarios without a role: a branch without ExecutionRoleArn, and a branch whose role is an
            # in-template resource with its own Condition, where that Condition is false (the resolver puts
            # the role's Condition on the branch; the other branches may still give a role there)
            lacking = [(br, False) for br in branches if br.value is ABSENT]
            for br in present:
                for ref in model.refers_to(br.value):
                    res = model.resources.get(ref)
                    if res is not None and res.condition:
                        lacking.append((Branch(ref, ((res.condition, False),), br.path), True))
            if not lacking:
                continue
            fargate = fargate_task_scenarios(model, task)
            found = []
            for why, need, on_fargate in self._needs(model, task, fargate):
                for br, gone in lacking:
                    where = model.together(br, need, model.exists(task))
                    if where is not None and gone:
                        where = model.uncovered(where, present)
                    if where is not None:
                        found.append((why, where, on_fargate, br))
            if found:
                scenario, br = found[0][1], found[0][3]
                reasons = [why for why, both, _, _ in found if model.together(scenario, both) is not None]
                # "on Fargate" when the scenario is a Fargate one: a Fargate need, or the task is Fargate throughout
                on_fargate = any(f for _, both, f, _ in found if model.together(scenario, both) is not None) or (
                    bool(fargate) and uncovered(model, scenario, fargate) is None)
                path = task.finding_path(br.path)
                what = "ExecutionRoleArn" if br.value is ABSENT else (
                    f"task execution role (its ExecutionRoleArn names '{br.value}', a resource with "
                    f"Condition '{model.resources[br.value].condition}')")
                yield (path,
                       f"Task definition '{task.logical_id}' has no {what}{scenario.describe()}, but "
                       f"{'; '.join(dict.fromkeys(reasons))}{' on Fargate' if on_fargate else ''}: the ECS agent needs "
                       "the task execution role for that, and the task fails to start. Add ExecutionRoleArn with a role "
                       "that ecs-tasks.amazonaws.com assumes and has the AmazonECSTaskExecutionRolePolicy managed policy "
                       "(plus read access to the secrets).")
