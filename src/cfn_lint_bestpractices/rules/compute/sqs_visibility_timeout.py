"""E9504 and W9505: an SQS queue's visibility timeout against the function that consumes it."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import QUEUE, Mapping, invocations
from ...model.lambda_config import DEFAULT_VISIBILITY_TIMEOUT, int_branches, node_int_branches, timeouts
from ...model.template import referenced_id

from .._base import BestPracticeRule


def _direct_ref(model: TemplateModel, node, rtype: str) -> bool:
    res = model.resources.get(referenced_id(node) or "")
    return res is not None and res.type == rtype


def reported_by_e3505(model: TemplateModel, mapping: Mapping) -> bool:
    """Stock E3505 compares a plain mapping's queue and function when both are named directly."""
    return (mapping.resource.type == "AWS::Lambda::EventSourceMapping"
            and _direct_ref(model, mapping.props.get("FunctionName"), "AWS::Lambda::Function")
            and _direct_ref(model, mapping.props.get("EventSourceArn"), QUEUE))


def pairs(model: TemplateModel):
    """(mapping, queue resource, function resource, combination branch, (timeout, visibility, window))
    for every SQS mapping whose queue and function are in the template."""
    for mapping in invocations(model).mappings:
        if mapping.kind != "sqs" or mapping.target is None:
            continue
        queue_id = model.lookup(mapping.source, (QUEUE,))
        if not queue_id:
            continue
        queue = model.resources[queue_id]
        fn = model.resources[mapping.target.function]
        vis = int_branches(model, queue, "VisibilityTimeout", default=DEFAULT_VISIBILITY_TIMEOUT)
        window = node_int_branches(model, mapping.props, mapping.path, "MaximumBatchingWindowInSeconds", default=0)
        for (v, t, w), both in model.combine(vis, timeouts(model, fn), window):
            yield mapping, queue, fn, both, (t.value, v.value, w.value)


class SqsVisibilityBelowTimeout(BestPracticeRule):
    id = "E9504"
    shortdesc = "SQS visibility timeout shorter than the consuming function's timeout"
    description = (
        "Lambda refuses an SQS event source mapping whose queue's VisibilityTimeout (default 30 s) is shorter "
        "than the function's Timeout (default 3 s). Covers SAM SQS events and mappings that name the function "
        "through an alias or version, which stock E3505 does not follow; pairs E3505 reports are left to it."
    )
    tags = ["lambda", "sqs", "serverless"]
    resource_types = ("AWS::SQS::Queue",)

    def findings(self, model: TemplateModel):
        seen = set()
        for mapping, queue, fn, both, (timeout, visibility, _) in pairs(model):
            if visibility >= timeout or reported_by_e3505(model, mapping):
                continue
            key = (mapping.label, both.conditions, both.params)
            if key in seen:
                continue
            seen.add(key)
            yield (queue.finding_path(both.path),
                   f"Queue '{queue.logical_id}' has a visibility timeout of {visibility} s, shorter than the "
                   f"{timeout} s Timeout of function '{fn.logical_id}' that consumes it through "
                   f"{mapping.label}{both.describe()}: Lambda rejects the mapping, so the stack fails. Set the "
                   f"queue's VisibilityTimeout to at least six times the function's Timeout ({6 * timeout} s).")


class SqsVisibilityBelowGuidance(BestPracticeRule):
    id = "W9505"
    shortdesc = "SQS visibility timeout below six times the consuming function's timeout"
    description = (
        "AWS advises a queue visibility timeout of at least six times the consuming function's Timeout, so that "
        "batches retried after throttling are not received twice; the pack adds the mapping's "
        "MaximumBatchingWindowInSeconds, the time a batch can wait before the function even starts. Plain "
        "mappings (also through aliases and versions) and SAM SQS events."
    )
    tags = ["lambda", "sqs", "serverless"]
    resource_types = ("AWS::SQS::Queue",)
    options = {
        "multiplier": {
            "default": 6,
            "type": "integer",
            "description": "How many function timeouts the visibility timeout should cover (AWS advises 6)",
        },
    }

    def findings(self, model: TemplateModel):
        factor = int(self.config.get("multiplier", 6))
        seen = set()
        for mapping, queue, fn, both, (timeout, visibility, window) in pairs(model):
            wanted = factor * timeout + window
            if visibility < timeout or visibility >= wanted:
                continue  # below the timeout is E9504's (or E3505's) error
            key = (mapping.label, both.conditions, both.params)
            if key in seen:
                continue
            seen.add(key)
            extra = f" plus its {window} s batching window" if window else ""
            yield (queue.finding_path(both.path),
                   f"Queue '{queue.logical_id}' has a visibility timeout of {visibility} s, less than {factor} times "
                   f"the {timeout} s Timeout of function '{fn.logical_id}'{extra} ({wanted} s), which consumes it "
                   f"through {mapping.label}{both.describe()}: a batch that is retried after throttling can "
                   f"become visible again while it is still being processed and be handled twice. Set "
                   f"VisibilityTimeout to at least {wanted}.")
