"""W9615: a queue that Lambda consumes, with a redrive policy that dead-letters messages too soon."""

from __future__ import annotations

from ...model import TemplateModel, as_int
from ...model.values import Branch
from ...model.messaging import QUEUE, queue_consumers, redrive_field
from .._base import BestPracticeRule


class LambdaQueueReceiveCount(BestPracticeRule):
    id = "W9615"
    shortdesc = "Lambda-consumed queue with maxReceiveCount below 5"
    description = (
        "When Lambda is throttled or a batch fails, the batch's messages return to the queue and count one more "
        "receive. AWS recommends a maxReceiveCount of at least 5 on the redrive policy of a queue that a Lambda "
        "event source mapping (or a SAM SQS event) consumes, so that throttling alone does not move valid "
        "messages to the dead-letter queue."
    )
    tags = ["sqs", "lambda", "dead-letter-queue"]
    resource_types = ("AWS::SQS::Queue",)
    options = {
        "minimum_receive_count": {
            "default": 5, "type": "integer",
            "description": "The smallest maxReceiveCount accepted on a queue that Lambda consumes",
        },
    }

    def findings(self, model: TemplateModel):
        consumers = queue_consumers(model)
        if not consumers:
            return
        minimum = int(self.config.get("minimum_receive_count") or 5)
        for queue in model.of_type(*QUEUE):
            lambda_consumers = [(k, r, w) for k, r, _, w in consumers.get(queue.logical_id, []) if k != "pipe"]
            if not lambda_consumers:
                continue
            names = []
            for kind, res, _ in lambda_consumers:
                label = f"{kind} of '{res.logical_id}'" if kind.startswith("SQS event") else f"{kind} '{res.logical_id}'"
                if label not in names:
                    names.append(label)
            for br in self._receive_counts(model, queue):
                if br.value >= minimum:
                    continue
                # the scenario in which the queue, its redrive policy and a Lambda consumer all exist
                scenario = next((both for both in (model.together(br, where)
                                                   for _, _, where in lambda_consumers) if both is not None), None)
                if scenario is None:
                    continue
                br = Branch(br.value, scenario.conditions, br.path, scenario.params)
                yield (br.path,
                       f"Queue '{queue.logical_id}' is consumed by {', '.join(names)} and moves a message to its "
                       f"dead-letter queue after {br.value} receive{'s' if br.value != 1 else ''}{br.describe()}: "
                       "a throttled or failed batch returns every message in it to the queue, so valid messages "
                       f"can be dead-lettered without being processed. Set maxReceiveCount to at least {minimum}.")

    @staticmethod
    def _receive_counts(model: TemplateModel, queue):
        """maxReceiveCount per branch of the RedrivePolicy (a map or the older JSON text), where known."""
        for br, _ in redrive_field(model, queue, "maxReceiveCount", "RedrivePolicy"):
            count = as_int(br.value)
            if count is not None:
                yield Branch(count, br.conditions, br.path, br.params)
