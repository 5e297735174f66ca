"""E9618: `FifoQueue: false` on an SQS queue, which SQS refuses at creation."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Remove, Set
from ...model import TemplateModel, as_bool
from ...model.messaging import QUEUE_TYPE
from ...model.values import node_at
from .._base import BestPracticeRule

NO_VALUE = {"Ref": "AWS::NoValue"}


class SqsFifoQueueFalse(BestPracticeRule):
    id = "E9618"
    shortdesc = "SQS queue with FifoQueue: false"
    description = (
        "SQS accepts the FifoQueue attribute only as true: a queue created with FifoQueue false fails with "
        "'Unknown Attribute FifoQueue'. A standard queue leaves the property out; a template that switches "
        "the type writes FifoQueue: !If [IsFifo, true, !Ref AWS::NoValue]. Literal values, Fn::If branches "
        "and every allowed value of a parameter are checked."
    )
    tags = ["sqs", "fifo", "deployment"]
    resource_types = (QUEUE_TYPE,)
    # FifoQueue is create-only, so the fixer calls removing it a replacement; a queue with
    # FifoQueue false never created, so nothing deployed is replaced
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        for queue in model.of_type(QUEUE_TYPE):
            for br in model.prop(queue, "FifoQueue"):
                if as_bool(br.value) is not False:
                    continue
                raw = node_at(model.template, br.path)
                message = (f"Queue '{queue.logical_id}' sets FifoQueue to false{br.describe()}: SQS accepts "
                           "FifoQueue only as true, so creating the queue fails with 'Unknown Attribute "
                           "FifoQueue'. A standard queue leaves FifoQueue out")
                if br.params or not isinstance(raw, (bool, str)):
                    fix = NoFix("the value comes from a parameter or a function; switch the type with a "
                                "condition instead: FifoQueue: !If [IsFifo, true, !Ref AWS::NoValue]")
                    yield (br.path, message + "; with a parameter, write FifoQueue: !If [IsFifo, true, "
                           "!Ref AWS::NoValue] with a condition IsFifo on it.", fix)
                elif "Fn::If" in br.path[len(queue.prop_path()):]:
                    fix = Fix("set this Fn::If branch of FifoQueue to AWS::NoValue", [Set(br.path, NO_VALUE)],
                              unsafe="")
                    yield (br.path, message + ": write !Ref AWS::NoValue in this Fn::If branch.", fix)
                else:
                    fix = Fix("remove FifoQueue: false", [Remove(br.path)], unsafe="")
                    yield (br.path, message + ": remove the property.", fix)
