"""W9720: an API Gateway method or route that anyone can call (no authorizer, no API key)."""

from __future__ import annotations

import re
from typing import Any

from ...model import ABSENT, UNKNOWN, Branch, TemplateModel, as_bool, as_list
from ...model.values import whole_reference
from ...model.report import exempted
from ...model.invocation import uncovered
from .._base import BestPracticeRule

METHOD = "AWS::ApiGateway::Method"
ROUTE = "AWS::ApiGatewayV2::Route"
SAM_FUNCTION = "AWS::Serverless::Function"
REST_API = "AWS::ApiGateway::RestApi"
V2_API = "AWS::ApiGatewayV2::Api"
SAM_API = "AWS::Serverless::Api"
SAM_HTTP_API = "AWS::Serverless::HttpApi"
# Methods that only read: a public GET is usually a deliberate public read endpoint (OPTIONS is CORS
# preflight). ANY, greedy paths ({proxy+}) and $default routes reach every method and stay reported.
READ_ONLY = ("GET", "HEAD", "OPTIONS")


class UnauthenticatedRoute(BestPracticeRule):
    id = "W9720"
    shortdesc = "API Gateway method or route without authorization"
    description = (
        "A REST method with AuthorizationType NONE (the default) and no API key, an HTTP API route or a WebSocket "
        "$connect route with AuthorizationType NONE (the default), or a SAM Api/HttpApi event without an authorizer "
        "(Authorizer: NONE, or no DefaultAuthorizer): anyone on the internet can call it. CORS preflight (OPTIONS), "
        "private REST APIs and APIs with a resource policy are not reported; public endpoints can be exempted."
    )
    tags = ["apigateway", "security", "authorization"]
    resource_types = (METHOD, ROUTE, SAM_FUNCTION)
    options = {
        "exempt_paths": {
            "default": [], "type": "list", "itemtype": "string", "format": "regex",
            "description": "Regular expressions; resource paths (such as /health) that are public on purpose",
        },
        "exempt_resources": {
            "default": [], "type": "list", "itemtype": "string", "format": "regex",
            "description": ("Regular expressions; methods, routes or functions (logical ids or CDK construct paths) "
                            "that are public on purpose"),
        },
        "report_read_only": {
            "default": False, "type": "boolean",
            "description": ("Also report GET and HEAD methods and routes (public read endpoints are usually "
                            "deliberate, so they are left out by default; ANY, {proxy+} and $default stay reported)"),
        },
    }

    def _left_out(self, verb: str, path: Any) -> bool:
        """CORS preflight, and by default a read-only method on a path that is not greedy."""
        verb = verb.upper()
        if verb == "OPTIONS":
            return True
        if verb not in READ_ONLY or self.config.get("report_read_only"):
            return False
        return not (isinstance(path, str) and "+}" in path)

    def _exempt(self, logical_id: str, path: Any) -> bool:
        if exempted(self.config.get("exempt_resources"), self.model, logical_id):  # id or construct path
            return True
        return isinstance(path, str) and any(re.fullmatch(p, path) for p in self.config.get("exempt_paths") or [])

    def findings(self, model: TemplateModel):
        yield from self._methods(model)
        yield from self._routes(model)
        yield from self._sam_events(model)

    # -- REST: AWS::ApiGateway::Method --------------------------------------------------------
    @staticmethod
    def _rest_path(model: TemplateModel, node: Any, depth: int = 0) -> str | None:
        ref = whole_reference(model.one(node))
        if ref is None or depth > 20:
            return None
        target, attr = ref
        if attr == "RootResourceId":
            return "/"
        res = model.resources.get(target)
        if attr or res is None or res.type != "AWS::ApiGateway::Resource":
            return None
        parent = UnauthenticatedRoute._rest_path(model, res.props.get("ParentId"), depth + 1)
        part = model.one(res.props.get("PathPart"))
        if parent is None or not isinstance(part, str):
            return None
        return parent.rstrip("/") + "/" + part

    @staticmethod
    def _restricted(model: TemplateModel, api) -> list[Branch]:
        """The scenarios in which a REST API (plain or SAM) may restrict who calls it: PRIVATE, a resource
        policy (its value, not the key: `AWS::NoValue` in a branch is none there), or an endpoint type
        that cannot be known."""
        out = [b for b in model.prop(api, "Policy") if b.value is not ABSENT]
        out += [b for b in model.prop(api, "Auth", "ResourcePolicy") if b.value is not ABSENT]
        key = ("EndpointConfiguration", "Types") if api.type == REST_API else ("EndpointConfiguration",)
        for br in model.prop(api, *key):
            value = br.value.get("Type") if isinstance(br.value, dict) else br.value
            if value is ABSENT:
                continue
            items = [model.one(v) for v in as_list(value)] if value is not UNKNOWN else [UNKNOWN]
            if any(v == "PRIVATE" or v is UNKNOWN for v in items):
                out.append(br)
        return out

    def _methods(self, model: TemplateModel):
        for res in model.of_type(METHOD):
            # a RestApiId under Fn::If (two REST APIs) is not resolved: the method is left alone (silent)
            api_id = model.lookup_node(res.props.get("RestApiId"), (REST_API,))
            api = model.resources.get(api_id) if api_id else None
            if api is None:
                continue
            restricted = self._restricted(model, api)
            path = self._rest_path(model, res.props.get("ResourceId"))
            if self._exempt(res.logical_id, path):
                continue
            verbs = model.strings(res, "HttpMethod")
            auths = model.strings(res, "AuthorizationType", default="NONE")
            keys = model.bools(res, "ApiKeyRequired", default=False)
            for (verb, auth, key), both in model.combine(verbs, auths, keys):
                if self._left_out(verb.value, path) or auth.value != "NONE" or key.value:
                    continue
                both = uncovered(model, both, restricted)  # where the API does not restrict its callers
                if both is None:
                    continue
                where = f"{verb.value.upper()} {path}" if path else verb.value.upper()
                yield (auth.path,
                       f"Method '{res.logical_id}' ({where}) of REST API '{api.logical_id}' has AuthorizationType "
                       f"NONE{' (the default)' if auth.path == res.path else ''} and no API key{both.describe()}: "
                       "anyone can call it. Set AuthorizationType (AWS_IAM, COGNITO_USER_POOLS or CUSTOM with an "
                       "AuthorizerId), or list it in exempt_paths if it is public on purpose.")
                break

    # -- HTTP and WebSocket APIs: AWS::ApiGatewayV2::Route --------------------------------------
    def _routes(self, model: TemplateModel):
        for res in model.of_type(ROUTE):
            key = model.one(res.props.get("RouteKey"))
            if not isinstance(key, str):
                continue
            # the API (and so its protocol) per branch of ApiId: each branch is judged in its scenario
            for api_br in model.prop(res, "ApiId"):
                api_id = model.lookup(api_br.value, (V2_API,)) if isinstance(api_br.value, str) else None
                api = model.resources.get(api_id) if api_id else None
                for protocol_br in model.prop(api, "ProtocolType") if api else []:
                    where = model.together(api_br, protocol_br)
                    if where is not None:
                        yield from self._route(model, res, api, protocol_br.value, key, where)

    def _route(self, model: TemplateModel, res, api, protocol, key: str, where):
        if protocol not in ("HTTP", "WEBSOCKET"):
            return
        if protocol == "WEBSOCKET" and key != "$connect":
            return  # only the $connect route of a WebSocket API takes an authorizer
        verb, _, path = key.partition(" ")
        if self._left_out(verb, path) or self._exempt(res.logical_id, path or key):
            return
        auths = model.strings(res, "AuthorizationType", default="NONE")
        keys = model.bools(res, "ApiKeyRequired", default=False)
        for (auth, needs_key, _), both in model.combine(auths, keys, [where]):
            if auth.value != "NONE" or (protocol == "WEBSOCKET" and needs_key.value):
                continue
            kind = "WebSocket API" if protocol == "WEBSOCKET" else "HTTP API"
            types = ("AWS_IAM, or CUSTOM with an AuthorizerId" if protocol == "WEBSOCKET"
                     else "AWS_IAM, or JWT or CUSTOM with an AuthorizerId")
            yield (auth.path,
                   f"Route '{res.logical_id}' ({key}) of {kind} '{api.logical_id}' has AuthorizationType NONE"
                   f"{' (the default)' if auth.path == res.path else ''}{both.describe()}: anyone can call it. "
                   f"Set AuthorizationType ({types}), or list it in "
                   "exempt_paths if it is public on purpose.")
            break

    # -- SAM: Api and HttpApi events of AWS::Serverless::Function -------------------------------
    def _sam_events(self, model: TemplateModel):
        globals_ = model.template.get("Globals")
        globals_ = globals_ if isinstance(globals_, dict) else {}
        # Events, an event or its Properties may be under Fn::If; so may RestApiId/ApiId, whose
        # `AWS::NoValue` branch is the implicit API (the value is read, not the key's presence)
        for event in model.sam_event_branches:
            res, kind, props = event.resource, event.type, event.props
            if kind not in ("Api", "HttpApi") or res.type != SAM_FUNCTION or not isinstance(props, dict):
                continue
            api_key = "RestApiId" if kind == "Api" else "ApiId"
            for api_br in model.get(props, api_key):
                scenario = model.together(api_br, event.scenario)
                if scenario is not None:
                    yield from self._sam_event(model, globals_, event, api_br.value, scenario)

    def _sam_event(self, model: TemplateModel, globals_: dict, event, api_value: Any, scenario):
        res, name, kind, props, base = event.resource, event.name, event.type, event.props, event.path
        method = model.one(props.get("Method"))
        path = model.one(props.get("Path"))
        if not isinstance(method, str) or self._left_out(method, path) or self._exempt(res.logical_id, path):
            return
        api_type = SAM_API if kind == "Api" else SAM_HTTP_API
        if api_value is not ABSENT:
            api_id = model.lookup(api_value, (api_type,)) if isinstance(api_value, str) else None
            api = model.resources.get(api_id) if api_id else None
            if api is None:
                return
            # the API's Auth read as one value: under Fn::If it cannot be known, and the event is left alone
            api_auth = model.one(api.props["Auth"]) if "Auth" in api.props else ABSENT
            api_name = f"'{api.logical_id}'"
            if "DefinitionBody" in api.props or "DefinitionUri" in api.props:
                return  # the OpenAPI document may carry the security
            if kind == "Api":
                scenario = uncovered(model, scenario, self._restricted(model, api))
                if scenario is None:
                    return
        else:
            implicit = globals_.get("Api" if kind == "Api" else "HttpApi")
            if isinstance(implicit, dict) and "Auth" in implicit:
                return
            api_auth, api_name = ABSENT, "the implicit API"
        if api_auth is UNKNOWN or (api_auth is not ABSENT and not isinstance(api_auth, dict)):
            return
        api_auth = api_auth if isinstance(api_auth, dict) else {}
        event_auth = model.one(props["Auth"]) if "Auth" in props else ABSENT
        if event_auth is UNKNOWN:
            return
        event_auth = event_auth if isinstance(event_auth, dict) else {}
        if as_bool(event_auth.get("ApiKeyRequired")) or as_bool(api_auth.get("ApiKeyRequired")):
            return
        authorizer = event_auth.get("Authorizer", ABSENT)
        if authorizer is ABSENT:
            default = api_auth.get("DefaultAuthorizer", ABSENT)
            if default is not ABSENT:
                return
            where, why = base[:-1], f"{api_name} has no DefaultAuthorizer and the event sets no Authorizer"
        elif authorizer == "NONE":
            where, why = base + ("Auth", "Authorizer"), "the event sets Authorizer: NONE"
        else:
            return
        yield (where,
               f"{kind} event '{name}' of function '{res.logical_id}' ({method.upper()} {path}) has no "
               f"authorization ({why}){scenario.describe()}: anyone can call it. Set an Authorizer (or the API's "
               "Auth.DefaultAuthorizer, AWS_IAM included), or list the path in exempt_paths if it is public on "
               "purpose.")
