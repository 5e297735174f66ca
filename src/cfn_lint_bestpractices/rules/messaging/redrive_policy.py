"""W9602: a consumed queue without a dead-letter queue."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.messaging import QUEUE, dead_letter_queues, queue_consumers
from .._base import TEST_CONDITIONS_OPTION, BestPracticeRule, TestResourcesAware


class QueueRedrivePolicy(TestResourcesAware, BestPracticeRule):
    id = "W9602"
    shortdesc = "Consumed SQS queue without a dead-letter queue"
    description = (
        "A queue that a Lambda function (event source mapping or SAM SQS event) or a pipe consumes needs a "
        "RedrivePolicy: without one, a message that always fails is received again and again until its "
        "retention period ends. Queues that are themselves dead-letter queues are never asked for one."
    )
    tags = ["sqs", "dead-letter-queue", "lambda"]
    resource_types = ("AWS::SQS::Queue",)
    options = {"test_conditions": TEST_CONDITIONS_OPTION}

    def findings(self, model: TemplateModel):
        consumers = queue_consumers(model)
        if not consumers:
            return
        dlqs = dead_letter_queues(model)
        for queue in model.of_type(*QUEUE):
            if queue.logical_id not in consumers or queue.logical_id in dlqs:
                continue
            names = []
            for kind, res, _, _ in consumers[queue.logical_id]:
                label = f"{kind} of '{res.logical_id}'" if kind.startswith("SQS event") else f"{kind} '{res.logical_id}'"
                if label not in names:
                    names.append(label)
            for br in model.prop(queue, "RedrivePolicy"):
                if br.value is not ABSENT:
                    continue
                # the scenario in which the queue and one of its consumers exist
                br = next((both for both in (model.together(br, where)
                                             for _, _, _, where in consumers[queue.logical_id]) if both is not None), None)
                if br is None or self.test_only(model, br):
                    continue
                yield (queue.finding_path(br.path),
                       f"Queue '{queue.logical_id}' is consumed by {', '.join(names)} but has no RedrivePolicy"
                       f"{br.describe()}: a message that keeps failing is received again and again until its "
                       "retention period ends (in a FIFO queue it also holds up its message group). Add a "
                       "RedrivePolicy with a deadLetterTargetArn and a maxReceiveCount (at least 5 for Lambda "
                       "consumers, so that throttled batches are not dead-lettered).")
