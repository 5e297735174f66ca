"""W9719: a CloudFront cache behavior that serves viewers over plain HTTP (allow-all)."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import TemplateModel
from .._base import BestPracticeRule

DISTRIBUTION = "AWS::CloudFront::Distribution"


class CloudFrontViewerHttps(BestPracticeRule):
    id = "W9719"
    shortdesc = "CloudFront behavior serves viewers over plain HTTP"
    description = (
        "ViewerProtocolPolicy allow-all lets viewers fetch content over HTTP, unencrypted and open to "
        "tampering on the way. redirect-to-https answers an HTTP request with a 301 to the HTTPS URL; "
        "https-only answers it with 403."
    )
    tags = ["cloudfront", "tls", "security"]
    resource_types = (DISTRIBUTION,)
    fixable = "safe"

    def _behaviors(self, model: TemplateModel, dist):
        yield "default cache behavior", model.prop(dist, "DistributionConfig", "DefaultCacheBehavior",
                                                   "ViewerProtocolPolicy"), dist.prop_path(
            "DistributionConfig", "DefaultCacheBehavior")
        for entry in model.entries(dist, "DistributionConfig", "CacheBehaviors"):
            pattern = model.one(entry.value.get("PathPattern"))
            label = f"cache behavior '{pattern}'" if isinstance(pattern, str) else "a cache behavior"
            yield label, model.within(entry, "ViewerProtocolPolicy"), entry.path

    def findings(self, model: TemplateModel):
        for dist in model.of_type(DISTRIBUTION):
            for label, branches, base in self._behaviors(model, dist):
                for br in branches:
                    if not isinstance(br.value, str) or br.value.strip().lower() != "allow-all":
                        continue
                    target = model.fix_path(base, ("ViewerProtocolPolicy",), br)
                    fix = Fix("set ViewerProtocolPolicy: redirect-to-https", [Set(target, "redirect-to-https")])
                    yield (br.path,
                           f"Distribution '{dist.logical_id}' serves its {label} over plain HTTP too "
                           f"(ViewerProtocolPolicy allow-all){br.describe()}: those requests and responses travel "
                           "unencrypted and can be read or altered on the way. Set ViewerProtocolPolicy to "
                           "redirect-to-https (HTTP requests get a 301 to the HTTPS URL) or https-only.", fix)
