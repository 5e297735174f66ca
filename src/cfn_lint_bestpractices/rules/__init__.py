"""Every rule of the pack, at the top level of this module, as cfn-lint's --append-rules expects:
`cfn-lint --append-rules=cfn_lint_bestpractices.rules -- template.yaml`."""

from .compute.concurrency_budget import ConcurrencyBudget
from .compute.reserved_concurrency import ReservedConcurrency
from .compute.vpc_egress import VpcEgress
from .messaging.dlq_retention import DeadLetterRetention
from .messaging.dlq_type import DeadLetterQueueType
from .messaging.dynamodb_stream import DynamoDbStreamRequired
from .messaging.eventbridge_targets import EventBridgeTargetResilience
from .messaging.encryption_at_rest import MessagingEncryptionAtRest
from .messaging.publisher_kms import PublisherKmsKey
from .messaging.publisher_policy import PublisherResourcePolicy
from .messaging.redrive_policy import QueueRedrivePolicy
from .messaging.s3_notifications import S3NotificationCompatibility
from .messaging.sfn_express import ExpressIntegrationPatterns
from .messaging.sns_fifo import SnsFifoCompatibility
from .networking.nacl_return_traffic import NaclReturnTraffic
from .storage.s3_secure_transport import S3SecureTransport

ALL_RULES = (
    ReservedConcurrency,
    ConcurrencyBudget,
    VpcEgress,
    DeadLetterQueueType,
    QueueRedrivePolicy,
    DeadLetterRetention,
    MessagingEncryptionAtRest,
    SnsFifoCompatibility,
    PublisherResourcePolicy,
    PublisherKmsKey,
    DynamoDbStreamRequired,
    ExpressIntegrationPatterns,
    S3NotificationCompatibility,
    EventBridgeTargetResilience,
    NaclReturnTraffic,
    S3SecureTransport,
)

__all__ = [cls.__name__ for cls in ALL_RULES] + ["ALL_RULES"]
