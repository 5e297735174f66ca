"""What invokes each Lambda function, and how: services that push events (plain resources and SAM
events alike), event source mappings that poll, and the permissions in the template.

A function is named many ways: `!Ref Fn`, `!GetAtt Fn.Arn`, a literal name or ARN, an
`AWS::Lambda::Alias` or `AWS::Lambda::Version` of it, SAM's `!Ref Fn.Alias`. All resolve to a
`Target`: the function's logical id and the qualifier that is invoked, because Lambda keeps one
resource policy (and one async configuration) per function, version and alias.
"""

from __future__ import annotations

import itertools

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from .template import FUNCTION_TYPES, Resource, TemplateModel
from .messaging import QUEUE_TYPE as QUEUE
from .s3 import s3_notifications
from .values import ABSENT, TOKEN_CLOSE, TOKEN_OPEN, UNKNOWN, Branch, token, tokens_in

ALIAS, VERSION = "AWS::Lambda::Alias", "AWS::Lambda::Version"
STREAM, STREAM_CONSUMER, TABLE = "AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer", "AWS::DynamoDB::Table"

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

    @property
    def vague(self) -> bool:
        """The qualifier invoked is an alias or version whose name the template does not tell."""
        return _vague(self.qualifier)

    @property
    def numbered_version(self) -> bool:
        """The target is a published version (AWS::Lambda::Version, SAM's `Fn.Version`)."""
        return bool(self.qualifier) and self.qualifier.endswith(".Version" + TOKEN_CLOSE) or (
            self.qualifier is not None and self.qualifier.isdigit())

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


def _sam_event_target(model: TemplateModel, res: Resource) -> Target:
    """What a SAM function's events invoke: its AutoPublishAlias when it has one."""
    return Target(res.logical_id, _sam_alias(model, res) if "AutoPublishAlias" in res.props else None)


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
    hit = model.named(FUNCTION_TYPES, name)
    return Target(hit, qualifier) if hit else None


def _alias_branches(model: TemplateModel, res: Resource) -> list[Branch]:
    """A SAM function's AutoPublishAlias per scenario: the alias name (a token when not known), None
    where the function has no alias (absent, or `AWS::NoValue` in a branch)."""
    out = []
    for br in model.prop(res, "AutoPublishAlias"):
        if br.value is ABSENT:
            value = None
        elif isinstance(br.value, str) and br.value:
            value = br.value
        else:
            value = token(f"{res.logical_id}.Alias")
        out.append(Branch(value, br.conditions, br.path, br.params))
    return out


def function_targets(model: TemplateModel, value: Any, _depth: int = 0) -> list[tuple[Target, Branch]]:
    """Like `function_target`, per scenario: (target, scenario) for each branch of what the value's
    reference means. SAM's `Fn.Alias` is the AutoPublishAlias of each branch (none where the function
    publishes no alias); an AWS::Lambda::Alias the function and name of each branch."""
    if not isinstance(value, str) or _depth > 4:
        return []
    for tok in tokens_in(value):
        base, _, attr = tok.partition(".")
        res = model.resources.get(base)
        if res is None:
            continue
        if res.type == "AWS::Serverless::Function" and attr == "Alias":
            return [(Target(base, br.value), Branch(None, br.conditions, (), br.params))
                    for br in _alias_branches(model, res) if br.value is not None]
        if res.type in (ALIAS, VERSION):
            out = []
            names = model.prop(res, "Name") if res.type == ALIAS else [Branch(None)]
            for fn_br in model.prop(res, "FunctionName"):
                for inner, where in function_targets(model, fn_br.value, _depth + 1):
                    scenario = model.together(fn_br, where)
                    for name in names:
                        both = model.together(scenario, name) if scenario is not None else None
                        if both is None:
                            continue
                        qualifier = (name.value if res.type == ALIAS and isinstance(name.value, str) else token(base))
                        out.append((Target(inner.function, qualifier, base), Branch(None, both.conditions, (), both.params)))
            return out
        break
    tgt = function_target(model, value, _depth)
    return [(tgt, Branch(None))] if tgt else []


def uncovered(model: TemplateModel, need: Branch, covers: list[Branch], split_params: bool = False) -> Branch | None:
    """`TemplateModel.uncovered`: a scenario within `need` in which none of `covers` holds, or None
    (with `split_params`, a parameter's other allowed values are left open under the errors' policy)."""
    return model.uncovered(need, covers, split_params)


def is_schedule_rule(model: TemplateModel, rule: Resource) -> bool:
    """An EventBridge rule that fires on a schedule only (ScheduleExpression, no EventPattern)."""
    return "ScheduleExpression" in rule.props and "EventPattern" not in rule.props


def schedule_scenarios(model: TemplateModel, rule: Resource) -> list[tuple[bool, Branch]]:
    """(fires on a schedule only, scenario) for each scenario of a rule's ScheduleExpression and
    EventPattern (either may be under Fn::If or AWS::NoValue), in the scenarios the rule exists."""
    out = []
    for (expr, pattern), where in model.combine(model.prop(rule, "ScheduleExpression"),
                                                model.prop(rule, "EventPattern")):
        out.append((expr.value is not ABSENT and pattern.value is ABSENT, where))
    return out


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
    # the scenario in which the invoker (and the entry that names the function) exists and names this target
    scenario: Branch = field(default_factory=lambda: Branch(None))


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
    # the scenario in which the mapping (the SAM event) exists with this source and target
    scenario: Branch = field(default_factory=lambda: Branch(None))


@dataclass
class Grant:
    """An AWS::Lambda::Permission as far as it can be read."""

    resource: Resource
    target: Target | None  # None: names no function we can resolve
    known_target: bool  # False: FunctionName cannot be resolved at all
    service: str | None  # None: principal unknown or not a service
    principal_known: bool
    source_arn: Any  # resolved value, UNKNOWN, or None when absent
    # the scenario in which the permission exists with these values
    scenario: Branch = field(default_factory=lambda: Branch(None))


def _is_lambda_protocol(model: TemplateModel, subscription: dict) -> bool:
    return str(model.resolver.one(subscription.get("Protocol"))).lower() == "lambda"


def _is_aws_integration(model: TemplateModel, node: Any) -> bool:
    """An API Gateway integration type that calls an AWS service (Lambda) directly."""
    return str(model.resolver.one(node)).upper() in ("AWS", "AWS_PROXY")


def _streams(model: TemplateModel, integration: Any) -> bool:
    """A REST integration that streams its response (responseTransferMode STREAM, or Lambda's
    response-streaming-invocations URI): API Gateway then waits up to 15 minutes, not 29 seconds."""
    if not isinstance(integration, dict):
        return False
    mode = integration.get("ResponseTransferMode", integration.get("responseTransferMode"))
    if model.resolver.one(mode) == "STREAM":
        return True
    uri = integration.get("Uri", integration.get("uri"))
    return "/response-streaming-invocations" in repr(uri)


def _sam_route_streams(model: TemplateModel, props: dict) -> list[Branch]:
    """The scenarios in which a SAM Api event's route streams, by the integration its API's
    DefinitionBody gives it: the body, its paths, the route and the integration may each sit under
    `Fn::If` (and the event's RestApiId too), so each branch down to the route is read."""
    out = []
    path, method = model.resolver.one(props.get("Path")), model.resolver.one(props.get("Method"))
    if not isinstance(path, str) or not isinstance(method, str):
        return out
    op = "x-amazon-apigateway-any-method" if method.lower() == "any" else method.lower()
    for api_br in model.get(props, "RestApiId"):
        api = model.lookup(api_br.value, ("AWS::Serverless::Api",)) if isinstance(api_br.value, str) else None
        if not api:
            continue
        for integ in model.prop(model.resources[api], "DefinitionBody", "paths", path, op,
                                "x-amazon-apigateway-integration"):
            both = model.together(integ, api_br)
            if both is None or not isinstance(integ.value, dict):
                continue
            for mode in model.get(integ.value, "responseTransferMode"):
                whole = model.together(both, mode)
                if whole is not None and (mode.value == "STREAM" or _streams(model, integ.value)):
                    out.append(Branch(None, whole.conditions, (), whole.params))
    return out


def _api_function(value: Any) -> Any:
    """The function ARN inside an API Gateway integration URI (or the value itself)."""
    if isinstance(value, str) and "/functions/" in value:
        inner = value.split("/functions/", 1)[1]
        return inner.rsplit("/invocations", 1)[0]
    return value


def _api_exists(model: TemplateModel, res: Resource, key: str) -> list[Branch]:
    """The scenarios in which the in-template API that `res` belongs to (by `key`) exists: a method of
    an API whose Condition is false is not created (its RestApiId refers to nothing), so it invokes
    nothing there. One empty scenario when the API is outside the template or always exists."""
    found = []
    for br in model.prop(res, key):
        api = model.lookup(br.value, ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api"))
        if not api or not model.resources[api].condition:
            return [Branch(None)]
        found.append(model.exists(model.resources[api]))
    return list(dict.fromkeys(found)) or [Branch(None)]


class Invocations:
    """The invocation graph of one template (built lazily; see `of(model)`)."""

    def __init__(self, model: TemplateModel) -> None:
        self.model = model

    # -- pushing services -----------------------------------------------------------------------
    def _targets(self, node: Any, transform=None, path: tuple = (), where: Branch | None = None
                 ) -> Iterator[tuple[Target, Branch]]:
        """Each function target `node` (at absolute `path`) names, once per scenario: the branch of the
        value (its path), in the scenario where the resource and every `Fn::If` above exist (and `where`
        holds: the branch of a setting that makes the resource an invoker)."""
        m = self.model
        above = m.path_scenario(path) if path else Branch(None)
        if above is not None and where is not None:
            above = m.together(above, where)
        if above is None:
            return
        seen = set()
        for br in m.branches(node):
            value = transform(br.value) if transform else br.value
            for tgt, where in function_targets(m, value):
                scenario = m.together(br, where)
                scenario = m.together(scenario, above) if scenario is not None else None
                if scenario is None:
                    continue
                key = (tgt, scenario.conditions, scenario.params)
                if key not in seen:
                    seen.add(key)
                    yield tgt, scenario

    @cached_property
    def invocations(self) -> list[Invocation]:
        out: list[Invocation] = []
        m = self.model

        def add(service: str, label: str, source: Resource, node: Any, path: tuple, asynchronous: bool,
                transform=None, where: Branch | None = None, **extra: Any) -> None:
            for tgt, br in self._targets(node, transform, path, where):
                out.append(Invocation(service, label, source, tgt, path + br.path, asynchronous,
                                      when=br.describe(), scenario=Branch(None, br.conditions, (), br.params), **extra))

        def ids(*logical_ids: str | None) -> tuple:
            return tuple(x for x in logical_ids if x)

        def named(node: Any, types: tuple) -> tuple:
            """Every in-template resource of `types` the node names in some branch (a permission's
            SourceArn may name any of them; naming one per branch would lose the others)."""
            found = [m.lookup(b.value, types) for b in m.branches(node)]
            return tuple(dict.fromkeys(x for x in found if x))

        def lambda_protocol(node: Any) -> list[Branch]:
            """The scenarios in which an SNS protocol is `lambda` (a Protocol under Fn::If per branch)."""
            return [b for b in m.branches(node) if str(b.value).lower() == "lambda"]

        for note in s3_notifications(m):
            if note.kind == "lambda":
                add("s3", note.label, note.source, note.dest, note.dest_path, True,
                    needs_order=True, source_ids=(note.bucket,))
        for rule in m.of_type("AWS::Events::Rule"):
            scheduled = is_schedule_rule(m, rule)
            for target, path in m.list_items(rule, "Targets"):
                add("events", f"{'schedule' if scheduled else 'EventBridge'} rule '{rule.logical_id}'", rule,
                    target.get("Arn"), path + ("Arn",), True, source_ids=(rule.logical_id,),
                    needs_permission="RoleArn" not in target,
                    details={"schedule": scheduled, "role": target.get("RoleArn"), "role_path": path + ("RoleArn",)})
        for sched in m.of_type("AWS::Scheduler::Schedule"):
            # (a Target under Fn::If is not read: the schedule invokes through its role, needing no
            # permission, and only W9508 counts it, with check_schedules)
            target_node = sched.props.get("Target")
            add("scheduler", f"schedule '{sched.logical_id}'", sched,
                target_node.get("Arn") if isinstance(target_node, dict) else None, sched.prop_path("Target", "Arn"),
                True, needs_permission=False, details={"schedule": True})
        for sub in m.of_type("AWS::SNS::Subscription"):
            topics = named(sub.props.get("TopicArn"), ("AWS::SNS::Topic",))
            for protocol in lambda_protocol(sub.props.get("Protocol")):
                add("sns", f"SNS subscription '{sub.logical_id}'", sub, sub.props.get("Endpoint"),
                    sub.prop_path("Endpoint"), True, where=protocol, source_ids=topics)
        for topic in m.of_type("AWS::SNS::Topic"):
            for s, path in m.list_items(topic, "Subscription"):
                for protocol in lambda_protocol(s.get("Protocol")):
                    add("sns", f"SNS topic '{topic.logical_id}'", topic, s.get("Endpoint"), path + ("Endpoint",), True,
                        where=protocol, source_ids=(topic.logical_id,))
        for group in m.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
            for kind in m.branches(group.props.get("TargetType")):
                if str(kind.value).lower() != "lambda":
                    continue
                for target, path in m.list_items(group, "Targets"):
                    add("elasticloadbalancing", f"target group '{group.logical_id}'", group, target.get("Id"),
                        path + ("Id",), False, where=kind, needs_order=True, source_ids=(group.logical_id,))
        for pool in m.of_type("AWS::Cognito::UserPool"):
            config = pool.props.get("LambdaConfig")
            if not isinstance(config, dict):
                continue
            for key in [(k,) for k in _COGNITO_TRIGGERS] + [(k, "LambdaArn") for k in _COGNITO_NESTED]:
                node = config.get(key[0])
                if len(key) == 2:
                    node = node.get("LambdaArn") if isinstance(node, dict) else None
                if node is not None:
                    add("cognito-idp", f"user pool '{pool.logical_id}' ({key[0]})", pool, node,
                        pool.prop_path("LambdaConfig", *key), False, source_ids=(pool.logical_id,))
        for method in m.of_type("AWS::ApiGateway::Method"):
            apis = named(method.props.get("RestApiId"), ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api"))
            # the integration per branch (a whole Integration under `Fn::If`), then its type per branch:
            # an AWS one makes the method an invoker in its scenarios
            for integ_br, exists in itertools.product(m.prop(method, "Integration"), _api_exists(m, method, "RestApiId")):
                integration = integ_br.value
                if not isinstance(integration, dict):
                    continue
                for kind in m.get(integration, "Type"):
                    where = m.together(kind, integ_br, exists)
                    if where is None or not _is_aws_integration(m, kind.value):
                        continue
                    add("apigateway", f"API method '{method.logical_id}'", method, integration.get("Uri"),
                        integ_br.path + ("Uri",), False, _api_function, where=where,
                        needs_permission="Credentials" not in integration, source_ids=apis + (method.logical_id,),
                        details={"api": "REST", "timeout": integration.get("TimeoutInMillis"),
                                 "timeout_path": integ_br.path + ("TimeoutInMillis",),
                                 "streaming": _streams(m, integration),
                                 "transfer_mode": integration.get("ResponseTransferMode")})
        for integ in m.of_type("AWS::ApiGatewayV2::Integration"):
            # the integration type and the API (so its protocol) per branch
            for (kind, api_br), where in m.combine(m.branches(integ.props.get("IntegrationType")),
                                                   m.branches(integ.props.get("ApiId"))):
                if not _is_aws_integration(m, kind.value):
                    continue
                api = m.lookup(api_br.value, ("AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi"))
                protocols = [Branch(None)]
                if api:
                    api_res = m.resources[api]
                    protocols = ([Branch("HTTP")] if api_res.type == "AWS::Serverless::HttpApi"
                                 else m.branches(api_res.props.get("ProtocolType")))
                for protocol in protocols:
                    scenario = m.together(where, protocol)
                    if scenario is None:
                        continue
                    add("apigateway", f"API integration '{integ.logical_id}'", integ, integ.props.get("IntegrationUri"),
                        integ.prop_path("IntegrationUri"), False, _api_function, where=scenario,
                        needs_permission="CredentialsArn" not in integ.props, source_ids=ids(api),
                        details={"api": protocol.value.upper() if isinstance(protocol.value, str) else None,
                                 "timeout": integ.props.get("TimeoutInMillis"),
                                 "timeout_path": integ.prop_path("TimeoutInMillis")})
        for rtype, api_prop, cred in (("AWS::ApiGateway::Authorizer", "RestApiId", "AuthorizerCredentials"),
                                      ("AWS::ApiGatewayV2::Authorizer", "ApiId", "AuthorizerCredentialsArn")):
            for auth in m.of_type(rtype):
                apis = named(auth.props.get(api_prop), ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api",
                                                        "AWS::Serverless::Api", "AWS::Serverless::HttpApi"))
                add("apigateway", f"authorizer '{auth.logical_id}'", auth, auth.props.get("AuthorizerUri"),
                    auth.prop_path("AuthorizerUri"), False, _api_function, needs_permission=cred not in auth.props,
                    source_ids=apis, details={"authorizer": True})
        for filt in m.of_type("AWS::Logs::SubscriptionFilter"):
            groups = named(filt.props.get("LogGroupName"), ("AWS::Logs::LogGroup",))
            add("logs", f"subscription filter '{filt.logical_id}'", filt, filt.props.get("DestinationArn"),
                filt.prop_path("DestinationArn"), True,
                needs_order=True, source_ids=groups)
        for rule in m.of_type("AWS::IoT::TopicRule"):
            for action, path in m.list_items(rule, "TopicRulePayload", "Actions"):
                lam = action.get("Lambda")
                if isinstance(lam, dict):
                    add("iot", f"IoT rule '{rule.logical_id}'", rule, lam.get("FunctionArn"),
                        path + ("Lambda", "FunctionArn"), True, source_ids=(rule.logical_id,))
        out.extend(self._sam_invocations())
        return out

    def _sam_invocations(self) -> Iterator[Invocation]:
        m = self.model
        for event in m.sam_event_branches:
            fn, etype, props, path = event.resource, event.type, event.props, event.path
            if fn.type != "AWS::Serverless::Function":
                continue
            service = SAM_ASYNC_EVENTS.get(etype) or SAM_SYNC_EVENTS.get(etype)
            if not service:
                continue
            details = {"schedule": etype in ("Schedule", "ScheduleV2")}
            if etype in ("Api", "HttpApi") and isinstance(props, dict):
                details = {"api": "REST" if etype == "Api" else "HTTP", "timeout": props.get("TimeoutInMillis"),
                           "timeout_path": path + ("TimeoutInMillis",),
                           "streaming": False,
                           "stream_scenarios": _sam_route_streams(m, props) if etype == "Api" else []}
            for alias in _alias_branches(m, fn):
                scenario = m.together(event.scenario, alias)
                if scenario is None:
                    continue
                yield Invocation(service, f"{etype} event '{event.name}'", fn, Target(fn.logical_id, alias.value),
                                 path[:-1], etype in SAM_ASYNC_EVENTS, needs_permission=False, details=details,
                                 when=scenario.describe(), scenario=Branch(None, scenario.conditions, (), scenario.params))

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
        """One Grant per scenario of each permission's FunctionName, Principal and SourceArn, in the
        scenarios in which the permission exists."""
        out = []
        m = self.model
        for perm in m.of_type("AWS::Lambda::Permission"):
            for (fn_br, principal_br, source_br), scenario in m.combine(
                    m.prop(perm, "FunctionName"), m.prop(perm, "Principal"), m.prop(perm, "SourceArn")):
                fn_value, principal = fn_br.value, principal_br.value
                source = None if source_br.value is ABSENT else source_br.value
                targets = function_targets(m, fn_value) if isinstance(fn_value, str) else []
                where = Branch(None, scenario.conditions, (), scenario.params)
                service = "*" if principal == "*" else principal_service(principal)
                if not targets:
                    out.append(Grant(perm, None, isinstance(fn_value, str), service, isinstance(principal, str),
                                     source, where))
                for tgt, tgt_where in targets:
                    both = m.together(where, tgt_where)
                    if both is not None:
                        out.append(Grant(perm, tgt, True, service, isinstance(principal, str), source,
                                         Branch(None, both.conditions, (), both.params)))
        return out

    @cached_property
    def sam_granted(self) -> set[tuple[str, str]]:
        """(function, service) pairs for which a SAM event writes a permission (S3's, for one, names
        only the account, so it also covers a plain notification of another bucket)."""
        return {(inv.target.function, inv.service) for inv in self.invocations if inv.source.type == "AWS::Serverless::Function"}

    @property
    def connected(self) -> set[str]:
        """Functions (and other resources) that a SAM connector names as destination."""
        return self.model.connector_destinations

    def permission_for(self, inv: Invocation) -> tuple[bool, Grant | None]:
        """(known, grant): whether the template surely lacks or has a permission for `inv`. known is
        False when some permission cannot be read and might be the one."""
        missing, grant = self.missing_permission(inv)
        return (missing is not None or grant is not None), grant

    def missing_permission(self, inv: Invocation) -> tuple[Branch | None, Grant | None]:
        """(scenario, grant): a scenario in which `inv` invokes and no permission (that exists there)
        lets it, or None; and a permission that lets it in some scenario of `inv`. A permission that
        cannot be read counts as the one where it exists (what cannot be known stays silent)."""
        m = self.model
        if (inv.target.function in self.connected or "*" in self.connected
                or (inv.target.function, inv.service) in self.sam_granted):
            return None, None
        covers: list[Branch] = []
        found = None
        for grant in self.grants:
            if m.together(inv.scenario, grant.scenario) is None:
                continue
            if not grant.known_target or not grant.principal_known:
                covers.append(grant.scenario)
                continue
            if grant.target is None or grant.target.function != inv.target.function:
                continue
            if grant.service not in (inv.service, "*"):
                continue
            if grant.target.qualifier != inv.target.qualifier:
                if _vague(grant.target.qualifier) or _vague(inv.target.qualifier):
                    covers.append(grant.scenario)
                continue
            verdict = self._source_matches(grant.source_arn, inv)
            if verdict is True and found is None:
                found = grant
            if verdict is not False:
                covers.append(grant.scenario)
        return uncovered(m, inv.scenario, covers, split_params=True), found

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
        """One Mapping per scenario of each mapping's source and function (and of each SAM event)."""
        m = self.model
        out = []
        for esm in m.of_type("AWS::Lambda::EventSourceMapping"):
            for (src, fn_br), scenario in m.combine(m.prop(esm, "EventSourceArn"), m.prop(esm, "FunctionName")):
                targets = function_targets(m, fn_br.value) or [(None, Branch(None))]
                for target, where in targets:
                    both = m.together(scenario, where)
                    if both is None:
                        continue
                    source = src.value if src.value is not ABSENT else None
                    out.append(Mapping(self._source_kind(source), f"event source mapping '{esm.logical_id}'", esm,
                                       esm.props, esm.prop_path(), source, target,
                                       Branch(None, both.conditions, (), both.params)))
        for event in m.sam_event_branches:
            kind = SAM_MAPPING_EVENTS.get(event.type)
            if not kind or not isinstance(event.props, dict) or event.resource.type != "AWS::Serverless::Function":
                continue
            fn = event.resource
            key = "Queue" if kind == "sqs" else "Stream"
            for src in m.get(event.props, key):
                for alias in _alias_branches(m, fn):
                    both = m.together(event.scenario, src)
                    both = m.together(both, alias) if both is not None else None
                    if both is None:
                        continue
                    out.append(Mapping(kind, f"{event.type} event '{event.name}' of '{fn.logical_id}'", fn,
                                       event.props, event.path, src.value, Target(fn.logical_id, alias.value),
                                       Branch(None, both.conditions, (), both.params)))
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


def _vague(qualifier: str | None) -> bool:
    """A qualifier whose name the template does not tell (an alias or version given by reference)."""
    return qualifier is not None and qualifier.startswith(TOKEN_OPEN) and qualifier.endswith(TOKEN_CLOSE)


def invocations(model: TemplateModel) -> Invocations:
    """The invocation graph of `model`, built once per template."""
    return model.memo("invocations", lambda: Invocations(model))


@dataclass
class Driver:
    """Something that makes a function run: an invoker, a mapping, a function URL."""

    label: str
    bounded: bool  # True: it cannot scale the function without limit (a schedule, a capped mapping)
    service: str = ""  # the invoking service's principal prefix, for invokers (cognito-idp, apigateway, ...)


def drivers(model: TemplateModel, function: str) -> list[Driver]:
    """What in the template makes `function` run, and whether each can scale it without limit. A
    schedule runs it once per tick; an SQS mapping with ScalingConfig.MaximumConcurrency, or a stream
    mapping (one batch per shard), is capped; APIs, load balancers, function URLs, S3, SNS, event
    patterns and uncapped SQS mappings scale with their traffic."""
    graph = invocations(model)
    out: list[Driver] = []
    for inv in graph.of_function(function):  # an invoker read per scenario is one driver
        if not any(d.label == inv.label for d in out):
            out.append(Driver(inv.label, bool(inv.details.get("schedule")), inv.service))
    for mapping in graph.mappings:
        if mapping.target is None or mapping.target.function != function or not mapping.kind:
            continue
        # a mapping read per scenario is one driver, capped only if every scenario caps it
        if mapping.kind == "sqs":
            scaling = model.get(mapping.props, "ScalingConfig", "MaximumConcurrency")
            capped = bool(scaling) and all(isinstance(b.value, int) and not isinstance(b.value, bool) for b in scaling)
        else:
            capped = True
        same = next((d for d in out if d.label == mapping.label), None)
        if same is None:
            out.append(Driver(mapping.label, capped))
        else:
            same.bounded = same.bounded and capped
    for url in model.of_type("AWS::Lambda::Url"):
        # (a TargetFunctionArn under Fn::If is not followed: W9501 then counts one driver fewer, never more)
        target = function_target(model, model.one(url.props.get("TargetFunctionArn")))
        if target and target.function == function:
            out.append(Driver(f"function URL '{url.logical_id}'", False))
    res = model.resources.get(function)
    if res is not None and res.type == "AWS::Serverless::Function" and "FunctionUrlConfig" in res.props:
        out.append(Driver("its FunctionUrlConfig", False))
    return out


# Resources that reference a handler without invoking it for anything but the stack itself.
_PASSIVE_REFERRERS = ("AWS::Logs::LogGroup",)


def _invoked_by_cloudformation(src_type: str, path: tuple) -> bool:
    """A reference through which only CloudFormation invokes the function: a custom resource's
    ServiceToken, or a macro's FunctionName (invoked while the template is transformed)."""
    prop = path[3] if len(path) > 3 else None
    if src_type == "AWS::CloudFormation::CustomResource" or src_type.startswith("Custom::"):
        return prop == "ServiceToken"
    return src_type == "AWS::CloudFormation::Macro" and prop == "FunctionName"


def cloudformation_handlers(model: TemplateModel) -> set[str]:
    """Functions only CloudFormation invokes (custom resources, macros), otherwise referenced only
    from log groups. Moved here from W9501 for I9517."""
    def build():
        handlers = set()
        for fn in model.functions:
            service_token = False
            other = False
            for src, path in model.references.get(fn.logical_id, []):
                if _invoked_by_cloudformation(model.resources[src].type, path):
                    service_token = True
                elif model.resources[src].type not in _PASSIVE_REFERRERS:
                    other = True
            if service_token and not other:
                handlers.add(fn.logical_id)
        return handlers
    return model.memo("invocation.cloudformation_handlers", build)
