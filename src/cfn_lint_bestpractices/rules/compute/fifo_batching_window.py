"""E9506: a batching window on a mapping that reads a FIFO queue."""

from __future__ import annotations

from ...model import Branch, TemplateModel
from ...model.invocation import invocations
from ...model.lambda_config import node_int_branches
from ...model.messaging import QUEUE_TYPE, fifo_kinds
from ...model.values import capitalized
from .._base import BestPracticeRule


class FifoBatchingWindow(BestPracticeRule):
    id = "E9506"
    shortdesc = "Batching window on an SQS FIFO event source"
    description = (
        "Lambda does not support MaximumBatchingWindowInSeconds for FIFO queues. A plain event source mapping or "
        "SAM SQS event that reads a FIFO queue (FifoQueue true, or an ARN ending in .fifo) must not set it above 0."
    )
    tags = ["lambda", "sqs", "fifo", "serverless"]
    resource_types = ("AWS::Lambda::EventSourceMapping", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        for mapping in invocations(model).mappings:
            if mapping.kind != "sqs":
                continue
            windows = [w for w in node_int_branches(model, mapping.props, mapping.path, "MaximumBatchingWindowInSeconds")
                       if w.value > 0]
            if not windows:
                continue
            fifo = [k for k in fifo_kinds(model, mapping.source, QUEUE_TYPE) if k.fifo]
            if not fifo:
                continue
            found = None
            for kind in fifo:
                for (_, _, window), both in model.combine([mapping.scenario], [kind.branch], windows):
                    found = kind, Branch(window.value, both.conditions, window.path, both.params)
                    break
                if found:
                    break
            if found is None:
                continue
            kind, window = found
            yield (window.path,
                   f"{capitalized(mapping.label)} reads FIFO queue {kind.label}"
                   f" with MaximumBatchingWindowInSeconds {window.value}{window.describe()}: "
                   "Lambda does not support a batching window for FIFO queues. Remove "
                   "MaximumBatchingWindowInSeconds (or set it to 0).")
