"""E9715: a CloudFront distribution whose ACM certificate is not in us-east-1."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.values import arn_region
from .._base import BestPracticeRule

CERTIFICATE = "AWS::CertificateManager::Certificate"


class CloudFrontCertificateRegion(BestPracticeRule):
    id = "E9715"
    shortdesc = "CloudFront certificate outside us-east-1"
    description = (
        "CloudFront only uses ACM certificates from US East (N. Virginia), us-east-1, whatever region the "
        "stack is in. A certificate ARN from another region, or a certificate created by a stack linted for "
        "another region, makes the distribution fail to create."
    )
    tags = ["cloudfront", "acm", "tls"]
    resource_types = ("AWS::CloudFront::Distribution",)

    def findings(self, model: TemplateModel):
        for dist in model.of_type("AWS::CloudFront::Distribution"):
            for br in model.prop(dist, "DistributionConfig", "ViewerCertificate", "AcmCertificateArn"):
                region = arn_region(br.value, "acm")
                if region and region != "us-east-1":
                    yield (br.path,
                           f"Distribution '{dist.logical_id}' uses ACM certificate {br.value}{br.describe()}, which is in "
                           f"{region}: CloudFront only accepts certificates from us-east-1. Request or import the "
                           "certificate in us-east-1 and use that ARN.")
                    continue
                cert = model.lookup(br.value, (CERTIFICATE,)) if isinstance(br.value, str) else None
                if cert and model.region != "us-east-1":
                    yield (br.path,
                           f"Distribution '{dist.logical_id}' uses certificate '{cert}' of this stack{br.describe()}, "
                           f"which is created in the stack's region ({model.region} as linted): CloudFront only "
                           "accepts certificates from us-east-1. Create the certificate in a us-east-1 stack and pass "
                           "its ARN in.")
