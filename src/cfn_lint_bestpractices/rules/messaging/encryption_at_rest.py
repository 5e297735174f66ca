"""W9604: a queue with server-side encryption turned off, or a topic without a KMS key."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import ABSENT, TemplateModel, as_bool
from ...model.messaging import service_publisher_scenarios
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
    fixable = "safe"
    options = {
        "check_topics": {"default": True, "type": "boolean",
                         "description": "Also report SNS topics without KmsMasterKeyId"},
        "check_service_topics": {
            "default": False, "type": "boolean",
            "description": ("Also report topics that an AWS service publishes to (alarm actions, trails, Config, "
                            "Auto Scaling or database event notifications, EventBridge targets, S3 notifications): "
                            "encrypting them needs a customer managed key with grants for each service"),
        },
    }

    def findings(self, model: TemplateModel):
        for queue in model.of_type("AWS::SQS::Queue"):
            for sse in model.prop(queue, "SqsManagedSseEnabled"):
                if sse.value is ABSENT or as_bool(sse.value) is not False:
                    continue
                for key in model.prop(queue, "KmsMasterKeyId"):
                    both = model.together(sse, key) if key.value is ABSENT else None
                    if both is None:
                        continue
                    when = both.describe()
                    yield (sse.path,
                           f"Queue '{queue.logical_id}' turns SQS-managed encryption off (SqsManagedSseEnabled: "
                           f"false) and has no KmsMasterKeyId{when}, so its messages are stored unencrypted. "
                           "Remove SqsManagedSseEnabled: false, or set KmsMasterKeyId.",
                           Fix("set SqsManagedSseEnabled: true",
                               [Set(model.fix_path(queue.prop_path(), ("SqsManagedSseEnabled",), sse), True)]))
                    break
        if not self.config.get("check_topics", True):
            return
        service_topics = bool(self.config.get("check_service_topics"))
        for topic in model.of_type("AWS::SNS::Topic"):
            # an alarm, trail or notification topic is left alone (see check_service_topics), in the
            # scenarios in which the service publishes to it
            publishers = [] if service_topics else service_publisher_scenarios(model, topic.logical_id)
            for key in model.prop(topic, "KmsMasterKeyId"):
                if key.value is not ABSENT:
                    continue
                where = model.uncovered(key, publishers)
                if where is None:
                    continue
                yield (topic.finding_path(key.path),
                       f"SNS topic '{topic.logical_id}' has no KmsMasterKeyId{where.describe()}, so its messages are "
                       "not encrypted at rest. Set KmsMasterKeyId to a customer managed key (AWS services that "
                       "publish to the topic cannot use alias/aws/sns), or switch this check off with "
                       "-x W9604:check_topics=false.",
                       NoFix("a topic is encrypted only with a KMS key, and which key (and its key policy for the "
                             "publishers) is a choice"))
