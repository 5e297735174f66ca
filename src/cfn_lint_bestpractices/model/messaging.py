"""Queues, their dead-letter queues and their consumers, plain and SAM alike."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterator

from .s3 import s3_notifications
from .template import Resource, TemplateModel, arn_resource_name
from .values import ABSENT, Branch, as_bool, is_literal, node_at, show

QUEUE_TYPE, TOPIC_TYPE = "AWS::SQS::Queue", "AWS::SNS::Topic"
QUEUE = (QUEUE_TYPE,)

# AWS services that publish to queues and topics, and the principal each acts as
SERVICE_PRINCIPALS = {"sns": "sns.amazonaws.com", "s3": "s3.amazonaws.com", "events": "events.amazonaws.com",
                      "cloudwatch": "cloudwatch.amazonaws.com"}

# Keys under which any resource names a dead-letter queue or failure destination: SQS and SNS
# RedrivePolicy, Lambda DeadLetterConfig, SAM DeadLetterQueue, EventBridge and Scheduler target
# DeadLetterConfig, SAM event DeadLetterConfig, on-failure destinations of async invocation and of
# event source mappings, Pipes dead-letter settings.
_DEAD_LETTER_KEYS = {"deadLetterTargetArn", "DeadLetterConfig", "DeadLetterQueue", "OnFailure"}


def redrive_field(model: TemplateModel, res: Resource, field: str, *prop_keys: Any) -> Iterator[tuple[Branch, Any]]:
    """(branch of `field`, raw node or None) for a RedrivePolicy given as a map or as the older JSON
    text, at `prop_keys` below the resource's properties. In the JSON text the field is read only
    where present, and its branch has the text's path."""
    for rp in model.prop(res, *prop_keys):
        policy = rp.value
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except ValueError:
                continue
            if isinstance(policy, dict) and field in policy:
                yield Branch(policy[field], rp.conditions, rp.path, rp.params), None
            continue
        if not isinstance(policy, dict):
            continue
        for br in model.get(policy, field):
            both = model.together(br, rp)
            if both is not None:
                yield Branch(br.value, both.conditions, rp.path + br.path, both.params), node_at(policy, br.path)


def redrive_targets(model: TemplateModel, res: Resource, *prop_keys: Any) -> Iterator[tuple[Branch, Any]]:
    """(branch of deadLetterTargetArn, raw node or None) for a RedrivePolicy given as a map or as the
    older JSON text, at `prop_keys` below the resource's properties."""
    return redrive_field(model, res, "deadLetterTargetArn", *prop_keys)


def dead_letter_queues(model: TemplateModel) -> set[str]:
    """In-template queues that serve as a dead-letter queue (or failure destination) of anything."""
    out: set[str] = set()
    for res in model.resources.values():
        stack: list[tuple[Any, bool]] = [(res.props, False)]
        while stack:
            node, inside = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    below = inside or key in _DEAD_LETTER_KEYS
                    if key == "RedrivePolicy" and isinstance(value, str):  # the JSON-text form
                        try:
                            value = json.loads(value)
                        except ValueError:
                            continue
                    if below:
                        for br in model.branches(value):
                            queue = model.lookup(br.value, QUEUE)
                            if queue:
                                out.add(queue)
                    stack.append((value, below))
            elif isinstance(node, list):
                stack.extend((item, inside) for item in node)
    return out


def queue_consumers(model: TemplateModel) -> dict[str, list[tuple[str, Resource, tuple, Branch]]]:
    """queue -> [(what consumes it, the consuming resource, path of the reference, scenario)]: Lambda
    event source mappings, SAM `SQS` events, EventBridge Pipes; the scenario is the one in which the
    consumer exists and names the queue (its Condition, the `Fn::If` branches on the way)."""
    out: dict[str, list[tuple[str, Resource, tuple, Branch]]] = defaultdict(list)

    def add(kind: str, res: Resource, node: Any, path: tuple, where: Branch | None = None) -> None:
        for queue, at, scenario in _destinations(model, node, path, QUEUE, where):
            out[queue].append((kind, res, at, scenario))

    for esm in model.of_type("AWS::Lambda::EventSourceMapping"):
        add("event source mapping", esm, esm.props.get("EventSourceArn"), esm.prop_path("EventSourceArn"))
    for pipe in model.of_type("AWS::Pipes::Pipe"):
        add("pipe", pipe, pipe.props.get("Source"), pipe.prop_path("Source"))
    for event in model.sam_event_branches:  # Events, an event or its Properties may be under Fn::If
        if event.type == "SQS" and isinstance(event.props, dict) and event.resource.type == "AWS::Serverless::Function":
            add(f"SQS event '{event.name}'", event.resource, event.props.get("Queue"), event.path + ("Queue",),
                event.scenario)
    return out


def retention(model: TemplateModel, queue: Resource) -> list[Branch]:
    """MessageRetentionPeriod branches of a queue, the default (4 days) where absent."""
    out = []
    for br in model.prop(queue, "MessageRetentionPeriod"):
        out.append(Branch(345600, br.conditions, br.path, br.params) if br.value is ABSENT else br)
    return out


class Edge:
    """An AWS service that delivers to an in-template queue or topic on behalf of `source`, in
    `scenario`: where the source exists and every `Fn::If` on the way to the destination takes the
    branch that names it (a destination chosen by `Fn::If` gives one edge per branch)."""

    def __init__(self, publisher: str, source: Resource, dest: str, path: tuple, label: str,
                 scenario: Branch | None = None) -> None:
        self.publisher, self.source, self.dest, self.path, self.label = publisher, source, dest, path, label
        self.scenario = scenario

    @property
    def service(self) -> str:
        return SERVICE_PRINCIPALS[self.publisher]


def _destinations(model: TemplateModel, node: Any, path: tuple, types: tuple,
                  where: Branch | None = None) -> Iterator[tuple[str, tuple, Branch]]:
    """(destination, absolute path of the value that names it, scenario) for each branch of a
    destination node at `path` that names an in-template resource of `types`; the scenario is the
    one in which the value at `path` is used (`where`, else the path's own) and the branch is taken."""
    used = where if where is not None else model.path_scenario(path)
    if used is None:
        return
    for br in model.branches(node):
        dest = model.lookup(br.value, types)
        both = model.together(br, used) if dest else None
        if both is not None:
            yield dest, path + br.path, Branch(None, both.conditions, (), both.params)


def publisher_edges(model: TemplateModel, alarms: bool = False) -> Iterator[Edge]:
    """SNS subscriptions to queues, S3 notifications to queues and topics, EventBridge targets on queues
    and topics (those without a RoleArn, which would deliver through the role), and with `alarms`
    CloudWatch alarm actions on topics."""
    both = (QUEUE_TYPE, TOPIC_TYPE)
    for sub in model.of_type("AWS::SNS::Subscription"):
        # an SQS subscription in the scenarios in which its Protocol (maybe under Fn::If) is sqs
        used = model.path_scenario(sub.prop_path("Endpoint"))
        for protocol in model.prop(sub, "Protocol"):
            if str(protocol.value).lower() != "sqs" or used is None:
                continue
            sqs = model.together(used, protocol)
            if sqs is None:
                continue
            sqs = Branch(None, sqs.conditions, (), sqs.params)
            for dest, path, where in _destinations(model, sub.props.get("Endpoint"), sub.prop_path("Endpoint"),
                                                   QUEUE, sqs):
                yield Edge("sns", sub, dest, path, f"subscription '{sub.logical_id}'", where)
    for note in s3_notifications(model):
        if note.kind in ("queue", "topic"):
            for dest, path, where in _destinations(model, note.dest, note.dest_path, both):
                yield Edge("s3", note.source, dest, path, note.label, where)
    for rule in model.of_type("AWS::Events::Rule"):
        for target, path in model.list_items(rule, "Targets"):
            if "RoleArn" not in target:
                for dest, at, where in _destinations(model, target.get("Arn"), path + ("Arn",), both):
                    yield Edge("events", rule, dest, at, f"EventBridge rule '{rule.logical_id}'", where)
    if alarms:
        for alarm in model.of_type("AWS::CloudWatch::Alarm"):
            for prop in ("AlarmActions", "OKActions", "InsufficientDataActions"):
                for br in model.prop(alarm, prop):
                    if not isinstance(br.value, list):
                        continue
                    used = model.path_scenario(br.path)
                    used = model.together(used, br) if used is not None else None
                    if used is None:
                        continue
                    for i, node in enumerate(br.value):
                        for dest, at, where in _destinations(model, node, br.path + (i,), (TOPIC_TYPE,), used):
                            yield Edge("cloudwatch", alarm, dest, at, f"CloudWatch alarm '{alarm.logical_id}'", where)


# Resources through which an AWS service, not the application, publishes to a topic named in them:
# alarms, trails, Config, Auto Scaling and database event notifications, Auto Scaling lifecycle hooks
# (the standalone resource: the hook publishes through its RoleARN), budgets, notification rules,
# EventBridge targets, S3 event notifications, backup vaults, stack notifications.
SERVICE_PUBLISHER_TYPES = (
    "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudTrail::Trail",
    "AWS::Config::DeliveryChannel", "AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::LifecycleHook",
    "AWS::RDS::EventSubscription",
    "AWS::DMS::EventSubscription", "AWS::Redshift::EventSubscription", "AWS::DocDB::EventSubscription",
    "AWS::Neptune::EventSubscription", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
    "AWS::Budgets::Budget", "AWS::CodeStarNotifications::NotificationRule", "AWS::Events::Rule",
    "AWS::S3::Bucket", "Custom::S3BucketNotifications", "AWS::Backup::BackupVault", "AWS::CloudFormation::Stack",
    "AWS::SES::ConfigurationSetEventDestination", "AWS::CodeCommit::Repository", "AWS::Glacier::Vault",
    "AWS::ElasticBeanstalk::Environment", "AWS::Inspector::AssessmentTemplate", "AWS::SSM::MaintenanceWindowTask",
    "AWS::DevOpsGuru::NotificationChannel", "AWS::CloudWatch::AnomalyDetector",
)


def service_publishers(model: TemplateModel, topic: str) -> list[str]:
    """The resources through which an AWS service publishes to an in-template topic: those that refer
    to it (Ref, GetAtt, Sub), and the EventBridge targets, S3 notifications and alarm actions that
    name it otherwise (a literal ARN built from its name)."""
    out = []
    for src, _ in model.references.get(topic, []):
        if model.resources[src].type in SERVICE_PUBLISHER_TYPES and src not in out:
            out.append(src)
    edges = model.memo("messaging.publisher_edges_with_alarms", lambda: list(publisher_edges(model, alarms=True)))
    for edge in edges:
        if edge.dest == topic and edge.source.logical_id not in out:
            out.append(edge.source.logical_id)
    return out


def service_publisher_scenarios(model: TemplateModel, topic: str) -> list[Branch]:
    """The scenarios in which an AWS service publishes to an in-template topic (see
    `service_publishers`): each reference from a service resource where the reference is used (the
    resource exists and every Fn::If on the way takes its branch), and each publishing edge where it holds."""
    out: list[Branch] = []
    for src, path in model.references.get(topic, []):
        if model.resources[src].type in SERVICE_PUBLISHER_TYPES:
            used = model.path_scenario(path)
            if used is not None:
                out.append(Branch(None, used.conditions, (), used.params))
    edges = model.memo("messaging.publisher_edges_with_alarms", lambda: list(publisher_edges(model, alarms=True)))
    for edge in edges:
        if edge.dest == topic and edge.scenario is not None:
            out.append(edge.scenario)
    return out


class FifoKind:
    """One FIFO-ness a queue or topic can have (per branch of its FifoQueue/FifoTopic), and its name."""

    def __init__(self, fifo: bool, label: str, branch: Branch) -> None:
        self.fifo, self.label, self.branch = fifo, label, branch

    @property
    def parametrised(self) -> bool:
        return bool(self.branch.params)


def fifo_kinds(model: TemplateModel, value: Any, resource_type: str) -> list[FifoKind]:
    """Every FIFO-ness of the queue or topic that `value` names: from the template resource's flag in
    each branch, or for one outside the template from its name (FIFO names end in .fifo). Empty when
    the value names nothing that can be judged."""
    if not isinstance(value, str):
        return []
    logical = model.lookup(value, (resource_type,))
    if logical:
        flag = "FifoQueue" if resource_type == QUEUE_TYPE else "FifoTopic"
        out = []
        for br in model.prop(model.resources[logical], flag):
            fifo = False if br.value is ABSENT else as_bool(br.value)
            if fifo is not None:
                out.append(FifoKind(fifo, f"'{logical}'", br))
        return out
    if value.startswith("arn:") and not model.refers_to(value) and is_literal(arn_resource_name(value)):
        return [FifoKind(arn_resource_name(value).endswith(".fifo"), f"'{show(value)}'", Branch(value))]
    return []
