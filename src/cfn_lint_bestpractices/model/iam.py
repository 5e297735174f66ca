"""Which AWS services a function's own code can call, read from its execution role.

The answer is a set of IAM service prefixes (`s3`, `sqs`, ...) or None when the template does not
tell (a role from outside, `Action: "*"`, a managed policy we do not know). Permissions that the
Lambda service uses on the function's behalf (network interfaces, logs, polling event sources) are
left out: the function's code never sends those calls through its VPC.
"""

from __future__ import annotations

from typing import Any

from .policies import CannotTell, allow_statements
from .template import Function, TemplateModel
from .values import ABSENT, UNKNOWN

# Actions Lambda itself performs with the execution role, outside the function's network path.
_SERVICE_SIDE = {
    "logs": None,  # None: every action of the service
    "xray": None,
    "ec2": {"createnetworkinterface", "describenetworkinterfaces", "deletenetworkinterface",
            "assignprivateipaddresses", "unassignprivateipaddresses", "describesubnets",
            "describesecuritygroups", "describevpcs"},
    "sqs": {"receivemessage", "deletemessage", "getqueueattributes", "changemessagevisibility"},
    "kinesis": {"getrecords", "getsharditerator", "describestream", "describestreamsummary",
                "liststreams", "listshards", "subscribetoshard"},
    "dynamodb": {"getrecords", "getsharditerator", "describestream", "liststreams"},
    "kms": {"decrypt"},
    # NFS mounts (EFS, S3 Files) are authorised at the mount target inside the VPC, not via an API
    "elasticfilesystem": {"clientmount", "clientwrite", "clientrootaccess"},
    "s3files": {"clientmount", "clientwrite", "clientrootaccess"},
}

# Managed policies that grant only what the Lambda service uses itself.
_SERVICE_SIDE_MANAGED = ("awslambdabasicexecutionrole", "awslambdavpcaccessexecutionrole",
                         "awsxraydaemonwriteaccess", "awslambdasqsqueueexecutionrole",
                         "awslambdakinesisexecutionrole", "awslambdadynamodbexecutionrole")

# SAM policy templates by name prefix -> the service their code-side actions belong to; "" = none.
_SAM_TEMPLATES = (
    ("SQSPoller", ""), ("KinesisStreamRead", ""), ("DynamoDBStreamRead", ""), ("VPCAccess", ""),
    ("AWSSecretsManager", "secretsmanager"), ("DynamoDB", "dynamodb"), ("S3", "s3"), ("SQS", "sqs"),
    ("SNS", "sns"), ("Kinesis", "kinesis"), ("SES", "ses"), ("StepFunctions", "states"),
    ("SSMParameter", "ssm"), ("KMS", "kms"), ("EventBridge", "events"), ("LambdaInvoke", "lambda"),
    ("Firehose", "firehose"), ("CloudWatch", "cloudwatch"), ("Athena", "athena"), ("Rekognition", "rekognition"),
    ("Textract", "textract"), ("Comprehend", "comprehend"), ("Polly", "polly"), ("EcsRunTask", "ecs"),
    ("CloudFormation", "cloudformation"), ("Route53", "route53"), ("AcmGetCertificate", "acm"),
    ("CodeCommit", "codecommit"), ("CodePipeline", "codepipeline"), ("EC2", "ec2"), ("AMIDescribe", "ec2"),
    ("SageMaker", "sagemaker"), ("Elasticsearch", "es"), ("FilterLogEvents", ""), ("EKSDescribe", "eks"),
    ("ElasticMapReduce", "elasticmapreduce"), ("CostExplorer", "ce"), ("OrganizationsListAccounts", "organizations"),
    ("Pinpoint", "mobiletargeting"), ("MobileAnalytics", "mobileanalytics"), ("EFSWriteAccess", ""),
)


def _action_service(action: Any) -> str | None:
    if not isinstance(action, str) or ":" not in action:
        raise CannotTell
    prefix, name = action.split(":", 1)
    prefix, name = prefix.lower(), name.lower()
    if prefix == "*" or not prefix:
        raise CannotTell
    side = _SERVICE_SIDE.get(prefix, set())
    if side is None or name in side:
        return None
    return prefix


def _document_services(model: TemplateModel, document: Any, out: set) -> None:
    for _, actions in allow_statements(model, document):
        for action in actions:
            svc = _action_service(action)
            if svc:
                out.add(svc)


def _managed(model: TemplateModel, node: Any, out: set) -> None:
    """A managed policy attached to the role: one of this template (read its document), or an AWS
    managed policy that only serves the Lambda service."""
    value = model.resolver.one(node)
    if not isinstance(value, str):
        raise CannotTell
    own = model.lookup(value, ("AWS::IAM::ManagedPolicy",))
    if own:
        _document_services(model, model.resources[own].props.get("PolicyDocument", ABSENT), out)
        return
    name = value.rsplit("/", 1)[-1].lower()
    if name not in _SERVICE_SIDE_MANAGED:
        raise CannotTell


def _sam_policies(model: TemplateModel, node: Any, out: set) -> None:
    for item in model.elements(node):
        value = item.value
        if isinstance(value, str):
            _managed(model, value, out)
        elif isinstance(value, dict) and "Statement" in value:
            _document_services(model, value, out)
        elif isinstance(value, dict) and len(value) == 1:
            (name,) = value
            for prefix, svc in _SAM_TEMPLATES:
                if isinstance(name, str) and name.startswith(prefix):
                    if svc:
                        out.add(svc)
                    break
            else:
                raise CannotTell
        else:
            raise CannotTell


def _role_services(model: TemplateModel, role_id: str, out: set) -> None:
    role = model.resources[role_id]
    for policy in model.elements(role.props.get("Policies", ABSENT)):
        if not isinstance(policy.value, dict):
            raise CannotTell
        _document_services(model, policy.value.get("PolicyDocument", ABSENT), out)
    for arn in model.elements(role.props.get("ManagedPolicyArns", ABSENT)):
        _managed(model, arn.value, out)
    # separate policy resources attached to the role
    for ref_src, _ in model.references.get(role_id, []):
        res = model.resources[ref_src]
        if res.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
            _document_services(model, res.props.get("PolicyDocument", ABSENT), out)


def function_services(model: TemplateModel, fn: Function) -> set[str] | None:
    """IAM service prefixes the function's code may call, or None when the template cannot tell."""
    out: set[str] = set()
    # the services of every branch together (an over-approximation of what the code may call); a Role
    # under Fn::If is not one role we can read: the template does not tell (None)
    try:
        role_node = fn.props.get("Role")
        if role_node is not None:
            role_id = model.lookup_node(role_node, ("AWS::IAM::Role",))
            if role_id is None:
                return None
            _role_services(model, role_id, out)
        elif fn.is_sam:
            _sam_policies(model, fn.props.get("Policies", ABSENT), out)
        else:
            return None
    except CannotTell:
        return None
    return out


# IAM service prefix -> the service part of its VPC endpoint name, where the two differ.
_ENDPOINT_NAMES = {
    "kinesis": ("kinesis-streams",),
    "cloudwatch": ("monitoring",),
    "firehose": ("kinesis-firehose",),
    "ses": ("email", "email-smtp"),
    "states": ("states", "sync-states"),
    "ecs": ("ecs", "ecs-agent", "ecs-telemetry"),
}


def endpoint_names(service: str) -> tuple[str, ...]:
    return _ENDPOINT_NAMES.get(service, (service,))


__all__ = ["function_services", "endpoint_names", "UNKNOWN"]
