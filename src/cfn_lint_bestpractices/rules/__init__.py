"""Every rule of the pack, at the top level of this module, as cfn-lint's --append-rules expects:
`cfn-lint --append-rules=cfn_lint_bestpractices.rules -- template.yaml`."""

from .compute.api_timeout import ApiIntegrationTimeout
from .compute.async_failure_destination import AsyncFailureDestination
from .compute.cloudfront_functions import CloudFrontFunctionConstraints
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
from .compute.lambda_limits import LambdaConfigLimits
from .compute.log_retention import LogRetention
from .compute.reserved_concurrency import ReservedConcurrency
from .compute.vpc_egress import VpcEgress
from .messaging.dlq_retention import DeadLetterRetention
from .messaging.dlq_type import DeadLetterQueueType
from .messaging.dynamodb_stream import DynamoDbStreamRequired
from .messaging.eventbridge_targets import EventBridgeTargetResilience
from .messaging.fifo_flag_false import SqsFifoQueueFalse
from .messaging.lambda_receive_count import LambdaQueueReceiveCount
from .messaging.eventbridge_dlq_policy import EventBridgeDlqPolicy
from .messaging.lambda_dlq_target import LambdaDeadLetterTarget
from .messaging.eventbridge_ecs_target import EventBridgeEcsTarget
from .messaging.resource_policy_scope import ResourcePolicyScope
from .messaging.encryption_at_rest import MessagingEncryptionAtRest
from .messaging.publisher_kms import PublisherKmsKey
from .messaging.publisher_policy import PublisherResourcePolicy
from .messaging.redrive_policy import QueueRedrivePolicy
from .messaging.s3_notifications import S3NotificationCompatibility
from .messaging.sfn_express import ExpressIntegrationPatterns
from .messaging.sfn_express_logging import ExpressLoggingAndDuration
from .messaging.sns_fifo import SnsFifoCompatibility
from .networking.alb_authenticate_https import AlbAuthenticateRequiresHttps
from .networking.alb_https_redirect import AlbHttpToHttpsRedirect
from .networking.apigw_domain_certificate import ApiDomainCertificate
from .networking.apigw_unauthenticated_route import UnauthenticatedRoute
from .networking.apigw_api_key_usage_plan import ApiKeyWithoutUsagePlan
from .networking.asg_capacity import AsgDesiredCapacity, AsgSingleZone
from .networking.asg_health_check import AsgElbHealthCheck
from .networking.classic_load_balancer import ClassicLoadBalancer
from .networking.cloudfront_certificate import CloudFrontCertificateRegion
from .networking.cloudfront_s3_origin_access import CloudFrontS3OriginAccess
from .networking.cloudfront_viewer_https import CloudFrontViewerHttps
from .networking.database_public import DatabaseNotPublic
from .networking.default_security_group import DefaultSecurityGroup
from .networking.ecs_autoscaling_desired_count import EcsAutoScalingDesiredCount
from .networking.ecs_deployment_configuration import EcsDeploymentConfiguration
from .networking.ecs_execution_role import TaskExecutionRole
from .networking.ecs_fargate_features import FargateUnsupportedFeatures
from .networking.ecs_target_type import EcsAwsvpcTargetType
from .networking.instance_profile import InstanceProfileReference
from .networking.internet_gateway import InternetGatewayRouting
from .networking.lb_target_security_group import LoadBalancerTargetSecurityGroup
from .networking.lb_zones import LoadBalancerCrossZone, LoadBalancerSingleZone
from .networking.nacl_return_traffic import NaclReturnTraffic
from .networking.nat_gateway import NatGatewayPlacement
from .networking.private_api_policy import PrivateApiPolicy
from .networking.sg_open_admin_ports import SecurityGroupOpenAdminPorts
from .networking.vpc_endpoint_routes import GatewayEndpointRoutes
from .networking.vpc_flow_logs import VpcFlowLogs
from .networking.tls_minimum_version import TlsMinimumVersion
from .storage.dynamodb_globaltable_streams import DynamoDbGlobalTableStreams
from .storage.dynamodb_gsi_write_capacity import DynamoDbGsiWriteCapacity
from .storage.dynamodb_pitr import DynamoDbPointInTimeRecovery
from .storage.iam_broad_managed_policies import IamBroadManagedPolicies
from .storage.iam_policy_version import IamPolicyVersion
from .storage.iam_wildcard_permissions import IamWildcardPermissions
from .storage.dynamodb_provisioned_autoscaling import DynamoDbProvisionedAutoScaling
from .storage.dynamodb_stream_consumers import DynamoDbStreamConsumerLimit
from .storage.neptune_ha import NeptuneHighAvailability
from .storage.rds_encryption_backups import RdsEncryptionAndBackups
from .storage.rds_iam_auth import RdsIamAuthEngine
from .storage.rds_multi_az import RdsMultiAz
from .storage.rds_storage import RdsStorageAutoscalingOff, RdsStorageCeiling
from .storage.required_tags import RequiredTags
from .storage.s3_bucket_key import S3BucketKey
from .storage.s3_cors_wildcard import S3CorsWildcard
from .storage.s3_public_access import S3PublicAccess
from .storage.s3_block_public_access_off import S3BlockPublicAccessOff
from .storage.s3_replication_versioning import S3ReplicationVersioning
from .storage.s3_secure_transport import S3SecureTransport
from .storage.cognito_callback_urls import CognitoCallbackUrls
from .storage.cognito_identity_pool_guest import IdentityPoolGuestAccess
from .storage.s3_versioning_lifecycle import S3VersioningLifecycle

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
    LambdaConfigLimits,
    LogRetention,
    CloudFrontFunctionConstraints,
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
    SqsFifoQueueFalse,
    LambdaQueueReceiveCount,
    EventBridgeDlqPolicy,
    LambdaDeadLetterTarget,
    EventBridgeEcsTarget,
    ResourcePolicyScope,
    NaclReturnTraffic,
    InternetGatewayRouting,
    NatGatewayPlacement,
    GatewayEndpointRoutes,
    DatabaseNotPublic,
    AsgElbHealthCheck,
    AsgDesiredCapacity,
    AsgSingleZone,
    LoadBalancerSingleZone,
    LoadBalancerCrossZone,
    EcsAwsvpcTargetType,
    InstanceProfileReference,
    FargateUnsupportedFeatures,
    TaskExecutionRole,
    EcsDeploymentConfiguration,
    EcsAutoScalingDesiredCount,
    CloudFrontCertificateRegion,
    CloudFrontS3OriginAccess,
    CloudFrontViewerHttps,
    PrivateApiPolicy,
    ApiDomainCertificate,
    VpcFlowLogs,
    SecurityGroupOpenAdminPorts,
    DefaultSecurityGroup,
    LoadBalancerTargetSecurityGroup,
    AlbHttpToHttpsRedirect,
    AlbAuthenticateRequiresHttps,
    ClassicLoadBalancer,
    S3SecureTransport,
    S3BucketKey,
    S3ReplicationVersioning,
    S3VersioningLifecycle,
    S3PublicAccess,
    S3BlockPublicAccessOff,
    S3CorsWildcard,
    DynamoDbPointInTimeRecovery,
    DynamoDbProvisionedAutoScaling,
    DynamoDbGsiWriteCapacity,
    DynamoDbGlobalTableStreams,
    DynamoDbStreamConsumerLimit,
    NeptuneHighAvailability,
    RdsStorageAutoscalingOff,
    RdsStorageCeiling,
    RdsMultiAz,
    RdsIamAuthEngine,
    RdsEncryptionAndBackups,
    IamWildcardPermissions,
    IamBroadManagedPolicies,
    IamPolicyVersion,
    RequiredTags,
    TlsMinimumVersion,
    CognitoCallbackUrls,
    ExpressLoggingAndDuration,
    UnauthenticatedRoute,
    IdentityPoolGuestAccess,
    ApiKeyWithoutUsagePlan,
)

__all__ = [cls.__name__ for cls in ALL_RULES] + ["ALL_RULES"]
