"""E9612: EventBridge targets that run ECS tasks and cannot: no role, or no awsvpc network configuration."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.ecs import TASK_DEFINITION, task_uses_awsvpc
from .._base import BestPracticeRule


class EventBridgeEcsTarget(BestPracticeRule):
    id = "E9612"
    shortdesc = "EventBridge ECS task target that cannot run the task"
    description = (
        "An EventBridge rule target that runs an ECS task (EcsParameters) needs a RoleArn: EventBridge runs the "
        "task with that role (ecs:RunTask, iam:PassRole). A task on Fargate (LaunchType FARGATE), or of a task "
        "definition with NetworkMode awsvpc, also needs EcsParameters.NetworkConfiguration.AwsVpcConfiguration, "
        "or RunTask fails. Rule targets and EventBridge Scheduler schedule targets are checked."
    )
    tags = ["eventbridge", "ecs", "scheduler"]
    resource_types = ("AWS::Events::Rule", "AWS::Scheduler::Schedule")

    def findings(self, model: TemplateModel):
        for rule in model.of_type("AWS::Events::Rule"):
            for target in model.entries(rule, "Targets"):
                if not isinstance(target.value.get("EcsParameters"), dict):
                    continue
                tid = model.one(target.value.get("Id"))
                owner = f"Target '{tid}' of rule '{rule.logical_id}'" if isinstance(tid, str) \
                    else f"A target of rule '{rule.logical_id}'"
                for role in model.within(target, "RoleArn"):
                    if role.value is ABSENT:
                        yield (target.path,
                               f"{owner} runs an ECS task but has no RoleArn{role.describe()}: EventBridge runs the "
                               "task with the target's role, so every run fails. Set RoleArn to a role that "
                               "events.amazonaws.com can assume, with ecs:RunTask on the task definition and "
                               "iam:PassRole for the task's roles.")
                yield from self._network(model, owner, target, ("EcsParameters",))
        for schedule in model.of_type("AWS::Scheduler::Schedule"):
            for target in model.prop(schedule, "Target"):
                if isinstance(target.value, dict) and isinstance(target.value.get("EcsParameters"), dict):
                    yield from self._network(model, f"Target of schedule '{schedule.logical_id}'", target,
                                             ("EcsParameters",))

    @staticmethod
    def _network(model: TemplateModel, owner: str, target, keys: tuple):
        params = model.within(target, *keys)
        for p in params:
            if not isinstance(p.value, dict):
                continue
            launch = model.within(p, "LaunchType")
            # the Events schema spells it AwsVpcConfiguration, the Scheduler schema AwsvpcConfiguration
            network = model.within(p, "NetworkConfiguration")
            task_id = model.lookup(model.one(p.value.get("TaskDefinitionArn")), (TASK_DEFINITION,))
            awsvpc = bool(task_id) and task_uses_awsvpc(model, model.resources[task_id])
            for (lt, net), both in model.combine(launch, network):
                config = net.value
                has_vpc = isinstance(config, dict) and any(
                    k in config for k in ("AwsVpcConfiguration", "AwsvpcConfiguration"))
                if has_vpc or (config is not ABSENT and not isinstance(config, dict)):
                    continue
                if lt.value == "FARGATE":
                    why = "launches on Fargate (LaunchType FARGATE), which needs the awsvpc network mode"
                elif awsvpc and lt.value in (ABSENT, "EC2", "EXTERNAL"):
                    why = f"runs task definition '{task_id}', whose NetworkMode is awsvpc"
                else:
                    continue
                yield (p.path,
                       f"{owner} {why}, but its EcsParameters have no NetworkConfiguration with subnets"
                       f"{both.describe()}: RunTask fails for every event. Add NetworkConfiguration."
                       "AwsVpcConfiguration (Subnets, SecurityGroups) to EcsParameters.")
