"""Every rule of the pack, at the top level of this module, as cfn-lint's --append-rules expects:
`cfn-lint --append-rules=cfn_lint_bestpractices.rules -- template.yaml`."""

from .compute.api_timeout import ApiIntegrationTimeout
from .compute.async_failure_destination import AsyncFailureDestination
from .compute.edge_constraints import LambdaEdgeConstraints
from .compute.fifo_batching_window import FifoBatchingWindow
from .compute.mapping_concurrency import MappingConcurrencyAboveReserved, SqsReservedConcurrencyTooLow
from .compute.one_role_per_function import SharedExecutionRole
from .compute.plaintext_secrets import PlaintextSecrets
from .compute.private_db_vpc import PrivateDatabaseNeedsVpc
from .compute.provisioned_concurrency import ProvisionedAboveReserved
from .compute.sqs_visibility_timeout import SqsVisibilityBelowGuidance, SqsVisibilityBelowTimeout
from .compute.stream_error_handling import StreamErrorHandling
from .compute.concurrency_budget import ConcurrencyBudget
from .compute.invoke_permission import InvokePermissionMissing
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
    InvokePermissionMissing,
    SqsVisibilityBelowTimeout,
    SqsVisibilityBelowGuidance,
    FifoBatchingWindow,
    StreamErrorHandling,
    AsyncFailureDestination,
    ProvisionedAboveReserved,
    MappingConcurrencyAboveReserved,
    SqsReservedConcurrencyTooLow,
    ApiIntegrationTimeout,
    LambdaEdgeConstraints,
    PrivateDatabaseNeedsVpc,
    PlaintextSecrets,
    SharedExecutionRole,
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
