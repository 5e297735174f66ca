"""What invokes each Lambda function, and how: services that push events (plain resources and SAM
events alike), event source mappings that poll, and the permissions in the template.

A function is named many ways: `!Ref Fn`, `!GetAtt Fn.Arn`, a literal name or ARN, an
`AWS::Lambda::Alias` or `AWS::Lambda::Version` of it, SAM's `!Ref Fn.Alias`. All resolve to a
`Target`: the function's logical id and the qualifier that is invoked, because Lambda keeps one
resource policy (and one async configuration) per function, version and alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from .template import FUNCTION_TYPES, Resource, TemplateModel
from .values import UNKNOWN, Branch, token, tokens_in, TOKEN_CLOSE

ALIAS, VERSION = "AWS::Lambda::Alias", "AWS::Lambda::Version"
QUEUE, STREAM, STREAM_CONSUMER, TABLE = ("AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer",
                                         "AWS::DynamoDB::Table")

# SAM event types by how the event's service invokes the function
SAM_ASYNC_EVENTS = {"S3": "s3", "SNS": "sns", "EventBridgeRule": "events", "CloudWatchEvent": "events",
                    "Schedule": "events", "ScheduleV2": "scheduler", "CloudWatchLogs": "logs", "IoTRule": "iot"}
SAM_SYNC_EVENTS = {"Api": "apigateway", "HttpApi": "apigateway", "Cognito": "cognito-idp",
                   "AlexaSkill": "alexa-appkit", "CloudFront": "cloudfront"}
SAM_MAPPING_EVENTS = {"SQS": "sqs", "Kinesis": "kinesis", "DynamoDB": "dynamodb"}

# Cognito user-pool triggers: LambdaConfig keys that hold a function ARN (KMSKeyID does not)
_COGNITO_TRIGGERS = ("PreSignUp", "CustomMessage", "PostConfirmation", "PreAuthentication", "PostAuthentication",
                     "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse",
                     "PreTokenGeneration", "UserMigration")
_COGNITO_NESTED = ("CustomSMSSender", "CustomEmailSender", "PreTokenGenerationConfig")

_PRINCIPAL_RE = re.compile(r"^([a-z0-9-]+)\.(?:[^.]+\.)?amazonaws\.com(?:\.cn)?$")


@dataclass(frozen=True)
class Target:
    """An in-template function and the qualifier invoked: None for the unqualified function, an alias
    name, or a token standing for an alias or version whose name is not known."""

    function: str
    qualifier: str | None = None
    via: str | None = None  # the AWS::Lambda::Alias or Version resource passed through

    def describe(self) -> str:
        if self.qualifier is None:
            return f"'{self.function}'"
        shown = self.via or (self.qualifier if not self.qualifier.startswith("⟦") else self.qualifier[1:-1])
        return f"'{self.function}' (qualifier {shown})"


def _qualifier(value: str | None) -> str | None:
    return None if value in (None, "", "$LATEST") else value


def _parse_function_reference(value: str) -> tuple[str, str | None] | None:
    """(name, qualifier) from a function name, partial ARN or ARN, optionally qualified."""
    if ":function:" in value:
        rest = value.split(":function:", 1)[1].split(":")
        return rest[0], _qualifier(rest[1] if len(rest) > 1 else None)
    if value.startswith("arn:"):
        return None
    parts = value.split(":")
    if len(parts) == 1:
        return parts[0], None
    if len(parts) == 2:
        return parts[0], _qualifier(parts[1])
    return None


def _sam_alias(model: TemplateModel, res: Resource) -> str:
    name = model.resolver.one(res.props.get("AutoPublishAlias"))
    return name if isinstance(name, str) and name else token(f"{res.logical_id}.Alias")


def function_target(model: TemplateModel, value: Any, _depth: int = 0) -> Target | None:
    """The in-template function (and qualifier) that `value` names, or None when it names something
    else, something outside the template, or cannot be known."""
    if not isinstance(value, str) or _depth > 4:
        return None
    for tok in tokens_in(value):
        base, _, attr = tok.partition(".")
        res = model.resources.get(base)
        if res is None:
            continue
        if res.type in FUNCTION_TYPES:
            if attr == "Alias" and res.type == "AWS::Serverless::Function":
                return Target(base, _sam_alias(model, res))
            if attr == "Version":
                return Target(base, token(tok))
            if attr not in ("", "Arn"):
                return None
            after = value.split(token(tok), 1)[1]
            return Target(base, _qualifier(after[1:].split(":")[0]) if after.startswith(":") else None)
        if res.type in (ALIAS, VERSION):
            inner = function_target(model, model.resolver.one(res.props.get("FunctionName")), _depth + 1)
            if inner is None:
                return None
            if res.type == ALIAS:
                name = model.resolver.one(res.props.get("Name"))
                return Target(inner.function, name if isinstance(name, str) else token(base), base)
            return Target(inner.function, token(base), base)
        return None
    parsed = _parse_function_reference(value)
    if parsed is None:
        return None
    name, qualifier = parsed
    for rtype in FUNCTION_TYPES:
        hit = model._names.get((rtype, name))
        if hit:
            return Target(hit, qualifier)
    return None


def principal_service(value: Any) -> str | None:
    """'s3' for 's3.amazonaws.com' (and 'logs' for 'logs.us-east-1.amazonaws.com'), else None."""
    if not isinstance(value, str):
        return None
    text = value.lower()
    for tok in tokens_in(text):
        text = text.replace(token(tok), "region")
    m = _PRINCIPAL_RE.match(text)
    return m.group(1) if m else None


@dataclass
class Invocation:
    """One way a service invokes a function."""

    service: str  # the invoking service's principal prefix: s3, sns, events, apigateway, ...
    label: str  # how the finding names the invoker
    source: Resource
    target: Target
    path: tuple  # where the invoker names the function
    asynchronous: bool
    needs_permission: bool = True  # False where SAM or an IAM role grants the invocation
    needs_order: bool = False  # the invoker cannot be created before the permission exists
    source_ids: tuple = ()  # resources a permission's SourceArn may name for this invoker
    details: dict = field(default_factory=dict)
    when: str = ""  # the Fn::If branch in which the invoker names this target


@dataclass
class Mapping:
    """An event source mapping, plain or a SAM SQS/Kinesis/DynamoDB event."""

    kind: str  # sqs, kinesis, dynamodb, or "" when the source is unknown
    label: str
    resource: Resource  # the mapping, or the SAM function that declares the event
    props: dict
    path: tuple  # path of `props`
    source: Any  # the resolved event source ARN
    target: Target | None

    def prop_path(self, *keys: Any) -> tuple:
        return self.path + keys


@dataclass
class Grant:
    """An AWS::Lambda::Permission as far as it can be read."""

    resource: Resource
    target: Target | None  # None: names no function we can resolve
    known_target: bool  # False: FunctionName cannot be resolved at all
    service: str | None  # None: principal unknown or not a service
    principal_known: bool
    source_arn: Any  # resolved value, UNKNOWN, or None when absent


def _api_function(value: Any) -> Any:
    """The function ARN inside an API Gateway integration URI (or the value itself)."""
    if isinstance(value, str) and "/functions/" in value:
        inner = value.split("/functions/", 1)[1]
        return inner.rsplit("/invocations", 1)[0]
    return value


class Invocations:
    """The invocation graph of one template (built lazily; see `of(model)`)."""

    def __init__(self, model: TemplateModel) -> None:
        self.model = model

    # -- helpers ------------------------------------------------------------------------------
    def _targets(self, node: Any, transform=None) -> Iterator[tuple[Target, Branch]]:
        seen = set()
        for br in self.model.branches(node):
            value = transform(br.value) if transform else br.value
            tgt = function_target(self.model, value)
            if tgt and tgt not in seen:
                seen.add(tgt)
                yield tgt, br

    def _ref_id(self, node: Any, *types: str) -> str | None:
        return self.model.lookup_node(node, types)

    # -- pushing services -----------------------------------------------------------------------
    @cached_property
    def invocations(self) -> list[Invocation]:
        out: list[Invocation] = []
        m = self.model
        for bucket in m.of_type("AWS::S3::Bucket"):
            for configs in m.prop(bucket, "NotificationConfiguration", "LambdaConfigurations"):
                if isinstance(configs.value, list):
                    for i, cfg in enumerate(configs.value):
                        if isinstance(cfg, dict):
                            for tgt, br in self._targets(cfg.get("Function")):
                                out.append(Invocation("s3", f"S3 bucket '{bucket.logical_id}'", bucket, tgt,
                                                      configs.path + (i, "Function") + br.path, True,
                                                      needs_order=True, source_ids=(bucket.logical_id,), when=br.describe()))
        for rule in m.of_type("AWS::Events::Rule"):
            for targets in m.prop(rule, "Targets"):
                if isinstance(targets.value, list):
                    for i, target in enumerate(targets.value):
                        if isinstance(target, dict):
                            for tgt, br in self._targets(target.get("Arn")):
                                out.append(Invocation("events", f"EventBridge rule '{rule.logical_id}'", rule, tgt,
                                                      targets.path + (i, "Arn") + br.path, True,
                                                      source_ids=(rule.logical_id,), when=br.describe()))
        for sched in m.of_type("AWS::Scheduler::Schedule"):
            target_node = sched.props.get("Target")
            for tgt, br in self._targets(target_node.get("Arn") if isinstance(target_node, dict) else None):
                out.append(Invocation("scheduler", f"schedule '{sched.logical_id}'", sched, tgt,
                                      sched.prop_path("Target", "Arn") + br.path, True, needs_permission=False, when=br.describe()))
        for sub in m.of_type("AWS::SNS::Subscription"):
            if str(m.resolver.one(sub.props.get("Protocol"))).lower() == "lambda":
                topic = self._ref_id(sub.props.get("TopicArn"), "AWS::SNS::Topic")
                for tgt, br in self._targets(sub.props.get("Endpoint")):
                    out.append(Invocation("sns", f"SNS subscription '{sub.logical_id}'", sub, tgt,
                                          sub.prop_path("Endpoint") + br.path, True,
                                          source_ids=tuple(x for x in (topic,) if x), when=br.describe()))
        for topic in m.of_type("AWS::SNS::Topic"):
            for subs in m.prop(topic, "Subscription"):
                if isinstance(subs.value, list):
                    for i, s in enumerate(subs.value):
                        if isinstance(s, dict) and str(m.resolver.one(s.get("Protocol"))).lower() == "lambda":
                            for tgt, br in self._targets(s.get("Endpoint")):
                                out.append(Invocation("sns", f"SNS topic '{topic.logical_id}'", topic, tgt,
                                                      subs.path + (i, "Endpoint") + br.path, True,
                                                      source_ids=(topic.logical_id,), when=br.describe()))
        for group in m.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
            if str(m.resolver.one(group.props.get("TargetType"))).lower() != "lambda":
                continue
            for targets in m.prop(group, "Targets"):
                if isinstance(targets.value, list):
                    for i, target in enumerate(targets.value):
                        if isinstance(target, dict):
                            for tgt, br in self._targets(target.get("Id")):
                                out.append(Invocation("elasticloadbalancing", f"target group '{group.logical_id}'",
                                                      group, tgt, targets.path + (i, "Id") + br.path, False,
                                                      needs_order=True, source_ids=(group.logical_id,), when=br.describe()))
        for pool in m.of_type("AWS::Cognito::UserPool"):
            config = pool.props.get("LambdaConfig")
            if not isinstance(config, dict):
                continue
            keys = [(k,) for k in _COGNITO_TRIGGERS] + [(k, "LambdaArn") for k in _COGNITO_NESTED]
            for key in keys:
                node = config.get(key[0])
                if len(key) == 2:
                    node = node.get("LambdaArn") if isinstance(node, dict) else None
                if node is None:
                    continue
                for tgt, br in self._targets(node):
                    out.append(Invocation("cognito-idp", f"user pool '{pool.logical_id}' ({key[0]})", pool, tgt,
                                          pool.prop_path("LambdaConfig", *key) + br.path, False,
                                          source_ids=(pool.logical_id,), when=br.describe()))
        for method in m.of_type("AWS::ApiGateway::Method"):
            integration = method.props.get("Integration")
            if not isinstance(integration, dict):
                continue
            if str(m.resolver.one(integration.get("Type"))).upper() not in ("AWS", "AWS_PROXY"):
                continue
            api = self._ref_id(method.props.get("RestApiId"), "AWS::ApiGateway::RestApi", "AWS::Serverless::Api")
            for tgt, br in self._targets(integration.get("Uri"), _api_function):
                out.append(Invocation("apigateway", f"API method '{method.logical_id}'", method, tgt,
                                      method.prop_path("Integration", "Uri") + br.path, False,
                                      needs_permission="Credentials" not in integration,
                                      source_ids=tuple(x for x in (api, method.logical_id) if x),
                                      details={"api": "REST", "timeout": integration.get("TimeoutInMillis"),
                                               "timeout_path": method.prop_path("Integration", "TimeoutInMillis")}, when=br.describe()))
        for integ in m.of_type("AWS::ApiGatewayV2::Integration"):
            if str(m.resolver.one(integ.props.get("IntegrationType"))).upper() not in ("AWS", "AWS_PROXY"):
                continue
            api = self._ref_id(integ.props.get("ApiId"), "AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi")
            protocol = None
            if api:
                api_res = m.resources[api]
                protocol = ("HTTP" if api_res.type == "AWS::Serverless::HttpApi"
                            else m.resolver.one(api_res.props.get("ProtocolType")))
            for tgt, br in self._targets(integ.props.get("IntegrationUri"), _api_function):
                out.append(Invocation("apigateway", f"API integration '{integ.logical_id}'", integ, tgt,
                                      integ.prop_path("IntegrationUri") + br.path, False,
                                      needs_permission="CredentialsArn" not in integ.props,
                                      source_ids=tuple(x for x in (api,) if x),
                                      details={"api": str(protocol).upper() if isinstance(protocol, str) else None,
                                               "timeout": integ.props.get("TimeoutInMillis"),
                                               "timeout_path": integ.prop_path("TimeoutInMillis")}, when=br.describe()))
        for rtype, api_prop, cred in (("AWS::ApiGateway::Authorizer", "RestApiId", "AuthorizerCredentials"),
                                      ("AWS::ApiGatewayV2::Authorizer", "ApiId", "AuthorizerCredentialsArn")):
            for auth in m.of_type(rtype):
                api = self._ref_id(auth.props.get(api_prop), "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api",
                                   "AWS::Serverless::Api", "AWS::Serverless::HttpApi")
                for tgt, br in self._targets(auth.props.get("AuthorizerUri"), _api_function):
                    out.append(Invocation("apigateway", f"authorizer '{auth.logical_id}'", auth, tgt,
                                          auth.prop_path("AuthorizerUri") + br.path, False,
                                          needs_permission=cred not in auth.props,
                                          source_ids=tuple(x for x in (api,) if x), details={"authorizer": True}, when=br.describe()))
        for filt in m.of_type("AWS::Logs::SubscriptionFilter"):
            group = self._ref_id(filt.props.get("LogGroupName"), "AWS::Logs::LogGroup")
            for tgt, br in self._targets(filt.props.get("DestinationArn")):
                out.append(Invocation("logs", f"subscription filter '{filt.logical_id}'", filt, tgt,
                                      filt.prop_path("DestinationArn") + br.path, True,
                                      needs_permission="RoleArn" not in filt.props, needs_order=True,
                                      source_ids=tuple(x for x in (group,) if x), when=br.describe()))
        for rule in m.of_type("AWS::IoT::TopicRule"):
            for actions in m.prop(rule, "TopicRulePayload", "Actions"):
                if isinstance(actions.value, list):
                    for i, action in enumerate(actions.value):
                        lam = action.get("Lambda") if isinstance(action, dict) else None
                        if isinstance(lam, dict):
                            for tgt, br in self._targets(lam.get("FunctionArn")):
                                out.append(Invocation("iot", f"IoT rule '{rule.logical_id}'", rule, tgt,
                                                      actions.path + (i, "Lambda", "FunctionArn") + br.path, True,
                                                      source_ids=(rule.logical_id,), when=br.describe()))
        out.extend(self._sam_invocations())
        return out

    def _sam_invocations(self) -> Iterator[Invocation]:
        for fn in self.model.functions:
            if not fn.is_sam:
                continue
            alias = _sam_alias(self.model, fn.resource) if "AutoPublishAlias" in fn.props else None
            target = Target(fn.logical_id, alias)
            for name, (etype, props, path) in fn.events().items():
                service = SAM_ASYNC_EVENTS.get(etype) or SAM_SYNC_EVENTS.get(etype)
                if not service:
                    continue
                details = {}
                if etype in ("Api", "HttpApi") and isinstance(props, dict):
                    details = {"api": "REST" if etype == "Api" else "HTTP", "timeout": props.get("TimeoutInMillis"),
                               "timeout_path": path + ("TimeoutInMillis",)}
                yield Invocation(service, f"{etype} event '{name}'", fn.resource, target, path[:-1], etype in SAM_ASYNC_EVENTS,
                                 needs_permission=False, details=details)

    def of_function(self, function: str) -> list[Invocation]:
        return self._by_function.get(function, [])

    @cached_property
    def _by_function(self) -> dict[str, list[Invocation]]:
        out: dict[str, list[Invocation]] = {}
        for inv in self.invocations:
            out.setdefault(inv.target.function, []).append(inv)
        return out

    # -- permissions ----------------------------------------------------------------------------
    @cached_property
    def grants(self) -> list[Grant]:
        out = []
        m = self.model
        for perm in m.of_type("AWS::Lambda::Permission"):
            fn_value = m.resolver.one(perm.props.get("FunctionName"))
            principal = m.resolver.one(perm.props.get("Principal"))
            source = perm.props.get("SourceArn")
            out.append(Grant(perm, function_target(m, fn_value), isinstance(fn_value, str),
                             "*" if principal == "*" else principal_service(principal), isinstance(principal, str),
                             None if source is None else m.resolver.one(source)))
        return out

    @cached_property
    def sam_granted(self) -> set[tuple[str, str]]:
        """(function, service) pairs for which a SAM event writes a permission (S3's, for one, names
        only the account, so it also covers a plain notification of another bucket)."""
        return {(inv.target.function, inv.service) for inv in self.invocations if inv.source.type == "AWS::Serverless::Function"}

    @cached_property
    def connected(self) -> set[str]:
        """Functions that a SAM connector (AWS::Serverless::Connector, or a resource's `Connectors`
        attribute) names as destination: SAM writes their permissions."""
        out: set[str] = set()
        nodes = [c.props for c in self.model.of_type("AWS::Serverless::Connector")]
        raw = self.model.template.get("Resources")
        for node in raw.values() if isinstance(raw, dict) else ():
            embedded = node.get("Connectors") if isinstance(node, dict) else None
            if isinstance(embedded, dict):
                nodes += [c.get("Properties") for c in embedded.values() if isinstance(c, dict)]
        for props in nodes:
            dests = props.get("Destination") if isinstance(props, dict) else None
            for dest in dests if isinstance(dests, list) else [dests]:
                if not isinstance(dest, dict):
                    continue
                if isinstance(dest.get("Id"), str):
                    out.add(dest["Id"])
                else:
                    tgt = function_target(self.model, self.model.resolver.one(dest.get("Arn")))
                    out.add(tgt.function if tgt else "*")
        return out

    def permission_for(self, inv: Invocation) -> tuple[bool, Grant | None]:
        """(known, grant): whether the template surely lacks or has a permission for `inv`. known is
        False when some permission cannot be read and might be the one."""
        unknown = (inv.target.function in self.connected or "*" in self.connected
                   or (inv.target.function, inv.service) in self.sam_granted)
        for grant in self.grants:
            if not grant.known_target or not grant.principal_known:
                unknown = True
                continue
            if grant.target is None or grant.target.function != inv.target.function:
                continue
            if grant.service not in (inv.service, "*"):
                continue
            if not _same_qualifier(grant.target.qualifier, inv.target.qualifier):
                if _vague(grant.target.qualifier) or _vague(inv.target.qualifier):
                    unknown = True
                continue
            verdict = self._source_matches(grant.source_arn, inv)
            if verdict is True:
                return True, grant
            if verdict is None:
                unknown = True
        return (not unknown), None

    def _source_matches(self, source: Any, inv: Invocation) -> bool | None:
        if source is None or "*" in str(source):
            return True
        if source is UNKNOWN or not isinstance(source, str):
            return None
        named = [t.split(".", 1)[0] for t in tokens_in(source) if t.split(".", 1)[0] in self.model.resources]
        if named:
            return any(n in inv.source_ids for n in named)
        if inv.source.type in ("AWS::S3::Bucket",):
            hit = self.model.lookup(source, (inv.source.type,))
            if hit:
                return hit in inv.source_ids
        return None if inv.source_ids else True

    # -- event source mappings ------------------------------------------------------------------
    @cached_property
    def mappings(self) -> list[Mapping]:
        m = self.model
        out = []
        for esm in m.of_type("AWS::Lambda::EventSourceMapping"):
            source = m.resolver.one(esm.props.get("EventSourceArn"))
            target = function_target(m, m.resolver.one(esm.props.get("FunctionName")))
            out.append(Mapping(self._source_kind(source), f"event source mapping '{esm.logical_id}'", esm, esm.props,
                               esm.prop_path(), source, target))
        for fn in m.functions:
            alias = _sam_alias(m, fn.resource) if "AutoPublishAlias" in fn.props else None
            for name, (etype, props, path) in fn.events().items():
                kind = SAM_MAPPING_EVENTS.get(etype)
                if not kind or not isinstance(props, dict):
                    continue
                key = "Queue" if kind == "sqs" else "Stream"
                source = m.resolver.one(props.get(key))
                out.append(Mapping(kind, f"{etype} event '{name}' of '{fn.logical_id}'", fn.resource, props, path,
                                   source, Target(fn.logical_id, alias)))
        return out

    def _source_kind(self, source: Any) -> str:
        if not isinstance(source, str):
            return ""
        m = self.model
        if m.lookup(source, (QUEUE,)):
            return "sqs"
        if m.lookup(source, (STREAM, STREAM_CONSUMER)):
            return "kinesis"
        if m.lookup(source, (TABLE,)):
            return "dynamodb"
        if source.startswith("arn:") and not any(t.split(".")[0] in m.resources for t in tokens_in(source)):
            service = source.split(":")[2] if source.count(":") >= 2 else ""
            if service == "sqs":
                return "sqs"
            if service == "kinesis":
                return "kinesis"
            if service == "dynamodb" and "/stream/" in source:
                return "dynamodb"
        return ""

    def mappings_of(self, function: str) -> list[Mapping]:
        return [mp for mp in self.mappings if mp.target and mp.target.function == function]


def _vague(qualifier: str | None) -> bool:
    """A qualifier whose name the template does not tell (an alias or version given by reference)."""
    return qualifier is not None and qualifier.startswith("⟦") and qualifier.endswith(TOKEN_CLOSE)


def _same_qualifier(a: str | None, b: str | None) -> bool:
    return a == b


_ATTR = "_invocations"


def invocations(model: TemplateModel) -> Invocations:
    """The invocation graph of `model`, built once per template."""
    inv = model.__dict__.get(_ATTR)
    if inv is None:
        inv = model.__dict__[_ATTR] = Invocations(model)
    return inv
