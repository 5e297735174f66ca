"""E9717: an API Gateway custom domain whose certificate does not fit its endpoint type."""

from __future__ import annotations

from ...model import ABSENT, UNKNOWN, TemplateModel
from ...model.values import arn_region, as_list
from .._base import BestPracticeRule


class ApiDomainCertificate(BestPracticeRule):
    id = "E9717"
    shortdesc = "API Gateway domain certificate does not fit the endpoint type"
    description = (
        "An edge-optimized custom domain (the default) is served by CloudFront: it takes CertificateArn, and the "
        "certificate must be in us-east-1. A regional domain takes RegionalCertificateArn, from the API's own "
        "region. Giving one endpoint type the other's certificate property fails the stack."
    )
    tags = ["apigateway", "acm", "tls"]
    resource_types = ("AWS::ApiGateway::DomainName", "AWS::Serverless::Api")

    def findings(self, model: TemplateModel):
        for dom in model.of_type("AWS::ApiGateway::DomainName"):
            for br in model.prop(dom, "EndpointConfiguration", "Types"):
                if br.value is UNKNOWN:
                    continue
                types = ["EDGE"] if br.value is ABSENT else [model.one(v) for v in as_list(br.value)]
                if types == ["EDGE"]:
                    yield from self._edge(model, dom, br)
                elif types == ["REGIONAL"] and "CertificateArn" in dom.props and "RegionalCertificateArn" not in dom.props:
                    yield (dom.prop_path("CertificateArn"),
                           f"Domain name '{dom.logical_id}' is REGIONAL{br.describe()} but sets CertificateArn, which "
                           "only edge-optimized domains use, and no RegionalCertificateArn. Rename the property to "
                           "RegionalCertificateArn (a certificate in the API's region).")
        for api in model.of_type("AWS::Serverless::Api"):
            domain = api.props.get("Domain")
            if not isinstance(domain, dict):
                continue
            kind = model.one(domain.get("EndpointConfiguration", "REGIONAL"))
            if kind != "EDGE":
                continue
            for br in model.get(domain, "CertificateArn"):
                region = arn_region(br.value, "acm")
                if region and region != "us-east-1":
                    yield (api.prop_path("Domain", "CertificateArn") + br.path[1:],
                           self._region_message(f"SAM API '{api.logical_id}' (Domain)", br, region))

    def _edge(self, model: TemplateModel, dom, types_branch):
        if "RegionalCertificateArn" in dom.props and "CertificateArn" not in dom.props:
            default = " (the default)" if types_branch.value is ABSENT else ""
            yield (dom.prop_path("RegionalCertificateArn"),
                   f"Domain name '{dom.logical_id}' is edge-optimized{default}{types_branch.describe()} but sets only "
                   "RegionalCertificateArn; edge-optimized domains take CertificateArn (a us-east-1 certificate). "
                   "Use CertificateArn, or set EndpointConfiguration Types: [REGIONAL].")
            return
        for br in model.prop(dom, "CertificateArn"):
            region = arn_region(br.value, "acm")
            if region and region != "us-east-1" and model.together(br, types_branch) is not None:
                yield (br.path, self._region_message(f"Domain name '{dom.logical_id}'", br, region,
                                                     types_branch.describe()))

    @staticmethod
    def _region_message(what: str, br, region: str, when: str = "") -> str:
        return (f"{what} is edge-optimized{when} but its certificate {br.value}{br.describe()} is in {region}: edge-optimized "
                "domains are served by CloudFront, which only uses certificates from us-east-1. Use a us-east-1 "
                "certificate, or make the domain REGIONAL with RegionalCertificateArn.")
