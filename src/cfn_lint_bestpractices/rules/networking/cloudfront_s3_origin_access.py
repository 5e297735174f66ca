"""W9718: a CloudFront origin on an S3 REST endpoint without origin access control."""

from __future__ import annotations

import re

from ...model import ABSENT, UNKNOWN, TemplateModel, as_bool
from ...model.s3 import BUCKET
from ...model.values import TOKEN_RE, whole_reference
from .._base import BestPracticeRule

DISTRIBUTION = "AWS::CloudFront::Distribution"
# attributes of AWS::S3::Bucket that are REST endpoints (WebsiteURL is the website endpoint)
REST_ATTRIBUTES = ("DomainName", "RegionalDomainName", "DualStackDomainName")
# bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com,
# bucket.s3.dualstack.eu-west-1.amazonaws.com (and .com.cn)
_REST_HOST = re.compile(r"(?i)^[a-z0-9.\-]+\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")
_WEBSITE_HOST = re.compile(r"(?i)\.s3-website[.-]")


def _kind(model: TemplateModel, domain) -> str | None:
    """'rest', 'website' or 'other' for an origin's resolved DomainName; None when unknown."""
    if not isinstance(domain, str):
        return None
    ref = whole_reference(domain)
    if ref and ref[0] in model.resources and model.resources[ref[0]].type == BUCKET:
        if ref[1] in REST_ATTRIBUTES:
            return "rest"
        if ref[1] == "WebsiteURL":
            return "website"
        return None
    host = TOKEN_RE.sub("x", domain).strip().lower()
    if host.startswith(("http://", "https://")):
        host = host.split("://", 1)[1]
    if _WEBSITE_HOST.search(host):
        return "website"
    if TOKEN_RE.search(domain) and not _REST_HOST.match(host):
        return None  # a name built at deploy time we cannot classify
    return "rest" if _REST_HOST.match(host) else "other"


def _set(value) -> bool | None:
    """Whether an identifier property is set (a non-empty value); None when unknown."""
    if value is UNKNOWN:
        return None
    if value is ABSENT or value == "":
        return False
    return True


class CloudFrontS3OriginAccess(BestPracticeRule):
    id = "W9718"
    shortdesc = "CloudFront S3 origin without origin access control"
    description = (
        "A CloudFront origin on an S3 bucket's REST endpoint should sign its requests with an origin access "
        "control (OAC), so the bucket can stay private and allow only this distribution. Without OAC or a "
        "legacy origin access identity (OAI) CloudFront reads the bucket anonymously, which works only if the "
        "bucket is public. AWS recommends OAC over OAI (OAI does not support SSE-KMS, opt-in Regions launched "
        "after December 2022, or PUT/DELETE). Website endpoints are custom origins and need no OAC; an origin "
        "access control attached to a website endpoint cannot sign its requests and is reported."
    )
    tags = ["cloudfront", "s3", "security"]
    resource_types = (DISTRIBUTION,)
    options = {
        "report_legacy_oai": {
            "default": True, "type": "boolean",
            "description": "Also report S3 origins that use a legacy origin access identity (OAI) instead of OAC",
        },
    }

    @staticmethod
    def _kms_bucket(model: TemplateModel, domain) -> str | None:
        """The in-template bucket behind the domain when its default encryption is SSE-KMS."""
        for bucket in model.refers_to(domain):
            res = model.resources[bucket]
            if res.type != BUCKET:
                continue
            for rule in model.entries(res, "BucketEncryption", "ServerSideEncryptionConfiguration"):
                algs = model.within(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm")
                if any(isinstance(a.value, str) and a.value.startswith("aws:kms") for a in algs):
                    return bucket
        return None

    def findings(self, model: TemplateModel):
        report_oai = as_bool(self.config.get("report_legacy_oai"))
        report_oai = True if report_oai is None else report_oai
        website_refs = None
        for dist in model.of_type(DISTRIBUTION):
            for origin in model.entries(dist, "DistributionConfig", "Origins"):
                domains = model.within(origin, "DomainName")
                oacs = model.within(origin, "OriginAccessControlId")
                oais = model.within(origin, "S3OriginConfig", "OriginAccessIdentity")
                for (dom, oac, oai), both in model.combine(domains, oacs, oais):
                    kind = _kind(model, dom.value)
                    if kind is None and _set(oac.value):
                        if website_refs is None:
                            website_refs = model.attribute_references("WebsiteURL")
                        if any(src == dist.logical_id and tuple(path[:len(dom.path)]) == tuple(dom.path)
                               for src, _, path in website_refs):
                            kind = "website"  # a host cut out of the bucket's WebsiteURL
                    if kind == "website" and _set(oac.value):
                        yield (oac.path,
                               f"Distribution '{dist.logical_id}' attaches origin access control to an S3 website "
                               f"endpoint{both.describe()}: a website endpoint is a custom origin that takes only "
                               "anonymous HTTP requests, so CloudFront cannot sign them with the OAC and the "
                               "bucket stays public for the site to work. Point the origin at the bucket's REST "
                               "endpoint (RegionalDomainName) with S3OriginConfig and the OAC, or drop "
                               "OriginAccessControlId and keep the website endpoint as a custom origin.")
                        continue
                    if kind != "rest":
                        continue
                    has_oac, has_oai = _set(oac.value), _set(oai.value)
                    if has_oac is None or has_oac:
                        continue
                    if has_oai is None:
                        continue
                    domain = dom.value
                    shown = f"'{TOKEN_RE.sub(lambda m: '${' + m.group(1) + '}', domain)}'"
                    if not has_oai:
                        yield (origin.path,
                               f"Distribution '{dist.logical_id}' reads S3 origin {shown} without origin access "
                               f"control or identity{both.describe()}: CloudFront's requests to the bucket are "
                               "anonymous, so they fail with 403 unless the bucket is public, and a public bucket "
                               "can be read around CloudFront. Add an AWS::CloudFront::OriginAccessControl "
                               "(SigningBehavior always, OriginAccessControlOriginType s3), set the origin's "
                               "OriginAccessControlId to it, and allow cloudfront.amazonaws.com s3:GetObject in "
                               "the bucket policy with AWS:SourceArn equal to the distribution's ARN.")
                        break
                    if not report_oai:
                        continue
                    kms = self._kms_bucket(model, domain)
                    note = (f" Bucket '{kms}' encrypts with SSE-KMS, which an OAI cannot read without "
                            "workarounds.") if kms else ""
                    yield (oai.path,
                           f"Distribution '{dist.logical_id}' reads S3 origin {shown} through a legacy origin "
                           f"access identity (OAI){both.describe()}: AWS recommends origin access control (OAC), "
                           "which also supports SSE-KMS, every Region (OAI does not work in opt-in Regions "
                           f"launched after December 2022) and PUT/DELETE requests.{note} Create an "
                           "AWS::CloudFront::OriginAccessControl, set OriginAccessControlId, set "
                           "S3OriginConfig.OriginAccessIdentity to '' and grant the distribution (Service "
                           "cloudfront.amazonaws.com, AWS:SourceArn) in the bucket policy.")
                    break
