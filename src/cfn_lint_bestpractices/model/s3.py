"""S3 event notifications, wherever a template writes them: the bucket's own
NotificationConfiguration, and CDK's `Custom::S3BucketNotifications` (what the CDK writes for every
`bucket.addEventNotification`), whose configuration has the shape of S3's API. Rules about S3 events
read them here, in one shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .template import Resource, TemplateModel
from .values import ABSENT, Branch

BUCKET = "AWS::S3::Bucket"
CDK_NOTIFICATIONS = "Custom::S3BucketNotifications"

# kind -> (CloudFormation list key, its destination key), (S3 API list key, its destination key)
_KEYS = {
    "lambda": (("LambdaConfigurations", "Function"), ("LambdaFunctionConfigurations", "LambdaFunctionArn")),
    "queue": (("QueueConfigurations", "Queue"), ("QueueConfigurations", "QueueArn")),
    "topic": (("TopicConfigurations", "Topic"), ("TopicConfigurations", "TopicArn")),
}


@dataclass
class S3Notification:
    bucket: str  # the bucket's logical id
    kind: str  # lambda, queue or topic
    config: dict  # the configuration item, unresolved
    dest: Any  # the node naming the destination
    dest_path: tuple  # absolute path of that node
    events: Any  # node of the event (CloudFormation: one `Event`) or events (API: `Events`)
    rules: Any  # node of the key filter rules ([{Name, Value}]), None when there is no filter
    path: tuple  # absolute path of the configuration item
    source: Resource  # the bucket, or the custom resource that configures it
    scenario: Branch  # in which the configuration exists
    label: str  # how a finding names the configuration

    @property
    def cdk(self) -> bool:
        return self.source.type == CDK_NOTIFICATIONS


def _filter_rules(config: dict, api: bool) -> Any:
    flt = config.get("Filter")
    if not isinstance(flt, dict):
        return None
    key = flt.get("Key" if api else "S3Key")
    if not isinstance(key, dict):
        return None
    return key.get("FilterRules" if api else "Rules")


def _build(model: TemplateModel) -> list[S3Notification]:
    out: list[S3Notification] = []
    for bucket in model.of_type(BUCKET):
        for kind, ((list_key, dest_key), _) in _KEYS.items():
            for br in model.entries(bucket, "NotificationConfiguration", list_key):
                cfg = br.value
                out.append(S3Notification(bucket.logical_id, kind, cfg, cfg.get(dest_key), br.path + (dest_key,),
                                          cfg.get("Event"), _filter_rules(cfg, False), br.path, bucket, br,
                                          f"S3 bucket '{bucket.logical_id}'"))
    for custom in model.of_type(CDK_NOTIFICATIONS):
        # a BucketName under Fn::If names no single bucket: the configuration is left out (silent)
        bucket = model.lookup_node(custom.props.get("BucketName"), (BUCKET,))
        if not bucket:
            continue
        for kind, (_, (list_key, dest_key)) in _KEYS.items():
            for br in model.entries(custom, "NotificationConfiguration", list_key):
                cfg = br.value
                out.append(S3Notification(bucket, kind, cfg, cfg.get(dest_key), br.path + (dest_key,),
                                          cfg.get("Events"), _filter_rules(cfg, True), br.path, custom, br,
                                          f"S3 bucket '{bucket}' (through '{custom.logical_id}')"))
    return out


def s3_notifications(model: TemplateModel) -> list[S3Notification]:
    """Every S3 event notification configuration of the template's buckets, built once."""
    return model.memo("s3_notifications", lambda: _build(model))


def bucket_policies(model: TemplateModel) -> tuple[dict[str, list[tuple[Resource, Branch]]], bool]:
    """bucket -> [(BucketPolicy resource, the scenario in which it applies to that bucket)], per branch
    of the policy's `Bucket` (a policy whose Bucket is `!If [C, A, B]` applies to A when C is true and
    to B when it is false) and only where the policy exists; and whether some policy names a bucket we
    cannot resolve (then any bucket of the template might be the one it protects), a module may declare
    such a policy too."""

    def build():
        out: dict[str, list[tuple[Resource, Branch]]] = {}
        unresolved = bool(model.modules)
        for policy in model.of_type("AWS::S3::BucketPolicy"):
            for br in model.prop(policy, "Bucket"):
                if br.value is ABSENT:
                    continue  # no bucket in this scenario: the policy protects nothing there
                if not isinstance(br.value, str):
                    unresolved = True
                    continue
                bucket = model.lookup(br.value, (BUCKET,))
                if bucket:
                    out.setdefault(bucket, []).append((policy, Branch(None, br.conditions, (), br.params)))
        return out, unresolved

    # the branches depend on the judgement policy of the rule asking
    return model.memo(f"s3.bucket_policies{model.every_value}{model.conditions_at_defaults}", build)
