"""E9716: a private REST API without a resource policy."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel
from ...model.values import Branch, as_list
from ...model.invocation import uncovered
from .._base import BestPracticeRule

OPENAPI_POLICY = "x-amazon-apigateway-policy"


class PrivateApiPolicy(BestPracticeRule):
    id = "E9716"
    shortdesc = "Private REST API without a resource policy"
    description = (
        "A private REST API is reachable only through interface VPC endpoints, and only as its resource policy "
        "allows. Without a policy, deploying it fails ('Private REST API doesn't have a resource policy "
        "attached to it'). Plain RestApi (Policy, or x-amazon-apigateway-policy in the Body) and SAM "
        "AWS::Serverless::Api (Policy or Auth.ResourcePolicy) are read."
    )
    tags = ["apigateway", "vpc", "security"]
    resource_types = ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")

    @staticmethod
    def _private(model: TemplateModel, api, key: str | None) -> list[Branch]:
        """The branches (with their absolute path) in which the endpoint type includes PRIVATE: the
        EndpointConfiguration read per branch (an Fn::If may choose the whole map), then its `key`
        (Types, Type) per branch; SAM's EndpointConfiguration may also be the type itself (`key`
        None allows that)."""
        types = []
        for conf in model.prop(api, "EndpointConfiguration"):
            if isinstance(conf.value, dict):
                types += model.within(conf, key or "Type")
            elif key is None and conf.value is not ABSENT:
                types.append(conf)
        out = []
        for br in types:
            if br.value is UNKNOWN or br.value is ABSENT:
                continue
            for i, item in enumerate(as_list(br.value)):
                for sub in model.branches(item):
                    both = model.together(sub, br) if sub.value == "PRIVATE" else None
                    if both is not None:
                        where = br.path + ((i,) if isinstance(br.value, list) else ()) + sub.path
                        out.append(Branch(sub.value, both.conditions, where, both.params))
        return out

    @staticmethod
    def _policies(model: TemplateModel, api, *where: tuple, body_key: str) -> list[Branch]:
        """The scenarios in which the API has a resource policy (or may: a body we cannot read): each
        property path in `where` read per branch, its value and not only its key (`AWS::NoValue` in a
        branch is no policy there), and the OpenAPI body's x-amazon-apigateway-policy."""
        out = []
        for keys in where:
            out += [b for b in model.prop(api, *keys) if b.value is not ABSENT]
        for body in model.prop(api, body_key):
            if body.value is UNKNOWN or (isinstance(body.value, dict) and OPENAPI_POLICY in body.value):
                out.append(body)
        return out

    def findings(self, model: TemplateModel):
        for api in model.of_type("AWS::ApiGateway::RestApi"):
            private = self._private(model, api, "Types")
            if not private or "BodyS3Location" in api.props:
                continue
            covers = self._policies(model, api, ("Policy",), body_key="Body")
            for br in private:
                if model.together(br, model.exists(api)) is None:
                    continue
                missing = uncovered(model, model.together(br, model.exists(api)), covers)
                if missing is not None:
                    yield (br.path, self._message("REST API", api.logical_id, missing, "a Policy property"))
                    break
        for api in model.of_type("AWS::Serverless::Api"):
            private = self._private(model, api, None)
            if not private or "DefinitionUri" in api.props:
                continue
            auth = [b for b in model.prop(api, "Auth") if b.value is UNKNOWN]  # an Auth we cannot read
            covers = auth + self._policies(model, api, ("Policy",), ("Auth", "ResourcePolicy"),
                                           body_key="DefinitionBody")
            for br in private:
                if model.together(br, model.exists(api)) is None:
                    continue
                missing = uncovered(model, model.together(br, model.exists(api)), covers)
                if missing is not None:
                    yield (br.path, self._message("SAM API", api.logical_id, missing, "Auth.ResourcePolicy"))
                    break

    @staticmethod
    def _message(kind: str, name: str, br, where: str) -> str:
        return (f"{kind} '{name}' is PRIVATE{br.describe()} but has no resource policy, so its deployment fails "
                "and no VPC endpoint may call it. Add "
                f"{where} that allows execute-api:Invoke from your VPC endpoint (a Condition on aws:SourceVpce).")
