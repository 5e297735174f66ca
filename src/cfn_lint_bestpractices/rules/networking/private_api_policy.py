"""E9716: a private REST API without a resource policy."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel
from ...model.values import Branch, as_list, merge_conditions
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
    def _private(model: TemplateModel, node, base: tuple) -> list[Branch]:
        """The branches (with their path below `base`) in which the endpoint type includes PRIVATE."""
        out = []
        for br in model.branches(node):
            if br.value is UNKNOWN or br.value is ABSENT:
                continue
            for i, item in enumerate(as_list(br.value)):
                for sub in model.branches(item):
                    both = model.together(sub, br) if sub.value == "PRIVATE" else None
                    if both is not None:
                        where = base + br.path + ((i,) if isinstance(br.value, list) else ()) + sub.path
                        out.append(Branch(sub.value, both.conditions, where, both.params))
        return out

    def findings(self, model: TemplateModel):
        for api in model.of_type("AWS::ApiGateway::RestApi"):
            endpoint = api.props.get("EndpointConfiguration")
            private = self._private(model, endpoint.get("Types") if isinstance(endpoint, dict) else None,
                                    api.prop_path("EndpointConfiguration", "Types"))
            if not private or "BodyS3Location" in api.props:
                continue
            body = model.one(api.props.get("Body"))
            if "Policy" in api.props or body is UNKNOWN or (isinstance(body, dict) and OPENAPI_POLICY in body):
                continue
            yield (private[0].path, self._message("REST API", api.logical_id, private[0], "a Policy property"))
        for api in model.of_type("AWS::Serverless::Api"):
            endpoint = api.props.get("EndpointConfiguration")
            node = endpoint.get("Type") if isinstance(endpoint, dict) else endpoint
            path = api.prop_path("EndpointConfiguration", "Type") if isinstance(endpoint, dict) else api.prop_path("EndpointConfiguration")
            private = self._private(model, node, path)
            if not private or "DefinitionUri" in api.props:
                continue
            auth = api.props.get("Auth")
            body = model.one(api.props.get("DefinitionBody"))
            if "Policy" in api.props or (isinstance(auth, dict) and "ResourcePolicy" in auth) or body is UNKNOWN or \
                    (isinstance(body, dict) and OPENAPI_POLICY in body):
                continue
            yield (private[0].path, self._message("SAM API", api.logical_id, private[0], "Auth.ResourcePolicy"))

    @staticmethod
    def _message(kind: str, name: str, br, where: str) -> str:
        return (f"{kind} '{name}' is PRIVATE{br.describe()} but has no resource policy, so its deployment fails "
                "and no VPC endpoint may call it. Add "
                f"{where} that allows execute-api:Invoke from your VPC endpoint (a Condition on aws:SourceVpce).")
