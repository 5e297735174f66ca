"""E9616: a Lambda function's dead-letter queue that cannot receive: a FIFO queue or topic, or an
execution role without permission to send to it."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.messaging import QUEUE_TYPE, TOPIC_TYPE, fifo_kinds
from ...model.policies import uncovered
from ...model.role_grants import role_grants
from .._base import BestPracticeRule

ACTION = {QUEUE_TYPE: "sqs:SendMessage", TOPIC_TYPE: "sns:Publish"}


class LambdaDeadLetterTarget(BestPracticeRule):
    id = "E9616"
    shortdesc = "Lambda dead-letter queue that cannot receive"
    description = (
        "Lambda sends an asynchronous event it could not process to the function's dead-letter queue with the "
        "function's execution role, and only to a standard SQS queue or standard SNS topic. A FIFO queue or "
        "topic as DeadLetterConfig.TargetArn (SAM DeadLetterQueue), or an in-template execution role whose "
        "policies do not allow sqs:SendMessage (sns:Publish) on it, loses those events. Roles with policies "
        "the template does not show (AWS managed policies, NotAction) are not judged; SAM functions without "
        "a Role get the permission from SAM."
    )
    tags = ["lambda", "sqs", "sns", "dead-letter-queue", "iam"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        for fn in model.functions:
            res = fn.resource
            keys = ("DeadLetterQueue", "TargetArn") if fn.is_sam else ("DeadLetterConfig", "TargetArn")
            for br in model.prop(res, *keys):
                if not isinstance(br.value, str):
                    continue
                yield from self._fifo(model, res, br)
                if not fn.is_sam:
                    yield from self._role(model, res, br)

    @staticmethod
    def _fifo(model: TemplateModel, res, br):
        own = model.lookup(br.value, (QUEUE_TYPE, TOPIC_TYPE))
        service = br.value.split(":")[2] if br.value.startswith("arn:") and br.value.count(":") >= 5 else None
        for rtype, kind, name in ((QUEUE_TYPE, "queue", "sqs"), (TOPIC_TYPE, "topic", "sns")):
            if (own and model.resources[own].type != rtype) or (not own and service != name):
                continue
            for k in fifo_kinds(model, br.value, rtype):
                if not k.fifo:
                    continue
                both = model.together(br, k.branch)
                if both is None:
                    continue
                yield (br.path,
                       f"Function '{res.logical_id}' has FIFO {kind} {k.label} as its dead-letter queue"
                       f"{both.describe()}: Lambda sends failed asynchronous events only to a standard SQS queue "
                       "or standard SNS topic, so these events are lost (DestinationDeliveryFailures). Use a "
                       f"standard {kind}.")
                return

    @staticmethod
    def _role(model: TemplateModel, res, br):
        target = model.lookup(br.value, (QUEUE_TYPE, TOPIC_TYPE))
        if not target:
            return
        action = ACTION[model.resources[target].type]
        for role in model.prop(res, "Role"):
            role_id = model.lookup(role.value, ("AWS::IAM::Role",)) if isinstance(role.value, str) else None
            need = model.together(br, role) if role_id else None
            if need is None:
                continue
            grants = role_grants(model, role_id, action, target)
            scenario = uncovered(model, need, grants) if grants is not None else None
            if scenario is not None:
                yield (br.path,
                       f"Function '{res.logical_id}' sends failed asynchronous events to '{target}'{scenario.describe()}, "
                       f"but its execution role '{role_id}' has no policy that allows {action} on it: Lambda uses "
                       "the execution role to write to the dead-letter queue, so those events are lost. Allow "
                       f"{action} on '{target}' in the role's policy.")
                return
