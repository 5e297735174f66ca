"""W9604: a queue with server-side encryption turned off, or a topic without a KMS key."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel, as_bool
from ...model.values import merge_conditions
from .._base import BestPracticeRule


class MessagingEncryptionAtRest(BestPracticeRule):
    id = "W9604"
    shortdesc = "Queue or topic not encrypted at rest"
    description = (
        "SQS encrypts new queues with SQS-managed keys unless SqsManagedSseEnabled is false; a queue with it "
        "false and no KmsMasterKeyId stores messages unencrypted. SNS encrypts a topic at rest only with a "
        "KMS key (KmsMasterKeyId)."
    )
    tags = ["sqs", "sns", "encryption", "security"]
    resource_types = ("AWS::SQS::Queue", "AWS::SNS::Topic")
    options = {
        "check_topics": {"default": True, "type": "boolean",
                         "description": "Also report SNS topics without KmsMasterKeyId"},
    }

    def findings(self, model: TemplateModel):
        for queue in model.of_type("AWS::SQS::Queue"):
            for sse in model.prop(queue, "SqsManagedSseEnabled", every_param_value=True):
                if sse.value is ABSENT or as_bool(sse.value) is not False:
                    continue
                for key in model.prop(queue, "KmsMasterKeyId"):
                    if key.value is not ABSENT or merge_conditions(sse.conditions, key.conditions) is None:
                        continue
                    when = type(sse)(None, merge_conditions(sse.conditions, key.conditions), (), sse.params).describe()
                    yield (sse.path,
                           f"Queue '{queue.logical_id}' turns SQS-managed encryption off (SqsManagedSseEnabled: "
                           f"false) and has no KmsMasterKeyId{when}, so its messages are stored unencrypted. "
                           "Remove SqsManagedSseEnabled: false, or set KmsMasterKeyId.")
                    break
        if not self.config.get("check_topics", True):
            return
        for topic in model.of_type("AWS::SNS::Topic"):
            for key in model.prop(topic, "KmsMasterKeyId"):
                if key.value is not ABSENT:
                    continue
                yield (topic.finding_path(key.path),
                       f"SNS topic '{topic.logical_id}' has no KmsMasterKeyId{key.describe()}, so its messages are "
                       "not encrypted at rest. Set KmsMasterKeyId to a customer managed key (AWS services that "
                       "publish to the topic cannot use alias/aws/sns), or switch this check off with "
                       "-x W9604:check_topics=false.")
