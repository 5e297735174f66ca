"""E9714: a task definition that needs a task execution role and has none."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.ecs import TASK_DEFINITION, task_may_use_fargate
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

    def _needs(self, model: TemplateModel, task, fargate: bool) -> list[str]:
        reasons = []
        for container, _ in model.list_items(task, "ContainerDefinitions"):
            name = model.one(container.get("Name"))
            label = f"container '{name}'" if isinstance(name, str) else "a container"
            if container.get("Secrets") or (isinstance(container.get("LogConfiguration"), dict)
                                            and container["LogConfiguration"].get("SecretOptions")):
                reasons.append(f"{label} reads Secrets")
            if container.get("RepositoryCredentials"):
                reasons.append(f"{label} pulls with RepositoryCredentials")
            if not fargate:
                continue
            image = model.one(container.get("Image"))
            if isinstance(image, str) and ".dkr.ecr." in image:
                reasons.append(f"{label} pulls its image from Amazon ECR")
            log = container.get("LogConfiguration")
            if isinstance(log, dict) and model.one(log.get("LogDriver")) == "awslogs":
                reasons.append(f"{label} logs with awslogs")
        return reasons

    def findings(self, model: TemplateModel):
        for task in model.of_type(TASK_DEFINITION):
            missing = [br for br in model.prop(task, "ExecutionRoleArn") if br.value is ABSENT]
            if not missing:
                continue
            fargate = task_may_use_fargate(model, task)
            reasons = self._needs(model, task, fargate)
            if not reasons:
                continue
            br = missing[0]
            yield (task.finding_path(br.path),
                   f"Task definition '{task.logical_id}' has no ExecutionRoleArn{br.describe()}, but "
                   f"{'; '.join(dict.fromkeys(reasons))}{' on Fargate' if fargate else ''}: the ECS agent needs the task "
                   "execution role for that, and the task fails to start. Add ExecutionRoleArn with a role that "
                   "ecs-tasks.amazonaws.com assumes and has the AmazonECSTaskExecutionRolePolicy managed policy "
                   "(plus read access to the secrets).")
