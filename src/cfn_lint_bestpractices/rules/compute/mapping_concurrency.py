"""W9511 and W9512: event source mappings against the reserved concurrency of their function."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.invocation import invocations
from ...model.lambda_config import int_branches, node_int_branches
from ...model.values import capitalized
from .._base import BestPracticeRule

# Lambda's SQS guidance: reserve at least five executions for a function an SQS mapping invokes.
MIN_SQS_RESERVED = 5


def _reserved(model: TemplateModel, function: str):
    """Branches of a function's reserved concurrency that are set to a known number."""
    return int_branches(model, model.resources[function], "ReservedConcurrentExecutions")


class MappingConcurrencyAboveReserved(BestPracticeRule):
    id = "W9511"
    shortdesc = "Mapping maximum concurrency above the function's reserved concurrency"
    description = (
        "An event source mapping (plain or SAM SQS event) whose ScalingConfig.MaximumConcurrency exceeds the "
        "function's ReservedConcurrentExecutions starts more pollers than the function may run: the extra "
        "invocations are throttled and their messages return to the queue."
    )
    tags = ["lambda", "sqs", "concurrency", "serverless"]
    resource_types = ("AWS::Lambda::EventSourceMapping", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        seen = set()
        for mapping in invocations(model).mappings:
            if mapping.target is None:
                continue
            scaling = mapping.props.get("ScalingConfig")
            if not isinstance(scaling, dict):
                continue
            maxima = node_int_branches(model, scaling, mapping.path + ("ScalingConfig",), "MaximumConcurrency")
            for (_, mx, res), both in model.combine([mapping.scenario], maxima,
                                                   _reserved(model, mapping.target.function)):
                if mx.value > res.value:
                    key = (mapping.label, both.conditions, both.params)
                    if key in seen:
                        break
                    seen.add(key)
                    yield (mx.path,
                           f"{capitalized(mapping.label)} allows MaximumConcurrency {mx.value}, more "
                           f"than the {res.value} executions function '{mapping.target.function}' reserves"
                           f"{both.describe()}: the extra invocations are throttled and their messages go back to "
                           "the queue (and towards its dead-letter queue). Set MaximumConcurrency to at most the "
                           "reserved concurrency.")
                    break


class SqsReservedConcurrencyTooLow(BestPracticeRule):
    id = "W9512"
    shortdesc = "SQS-fed function with reserved concurrency below 5"
    description = (
        "Lambda starts polling an SQS queue with five concurrent batches. A function an SQS mapping invokes "
        "with ReservedConcurrentExecutions between 1 and 4 gets throttled batches that return to the queue "
        "(to cap a consumer, use the mapping's ScalingConfig.MaximumConcurrency instead). Zero (a deliberate "
        "stop) is not reported."
    )
    tags = ["lambda", "sqs", "concurrency", "serverless"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        fed: dict[str, list] = {}
        for mapping in invocations(model).mappings:
            if mapping.kind == "sqs" and mapping.target is not None:
                fed.setdefault(mapping.target.function, []).append(mapping)
        for function, mappings in fed.items():
            for reserved in _reserved(model, function):
                if not 0 < reserved.value < MIN_SQS_RESERVED:
                    continue
                # a mapping counts only in the scenarios in which it exists
                found = next(((m.label, model.together(reserved, m.scenario)) for m in mappings
                              if model.together(reserved, m.scenario) is not None), None)
                if found:
                    label, br = found
                    yield (br.path,
                           f"Function '{function}' is invoked by {label} but reserves only {br.value} concurrent "
                           f"executions{br.describe()}: Lambda's SQS pollers start with several batches at once, so "
                           f"batches are throttled and return to the queue. Reserve at least {MIN_SQS_RESERVED}.")
