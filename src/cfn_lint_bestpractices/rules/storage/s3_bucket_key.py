"""W9802: an SSE-KMS bucket without an S3 Bucket Key."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel, as_bool

from ...fixes import Fix, Set
from .._base import BestPracticeRule

BUCKET = "AWS::S3::Bucket"


class S3BucketKey(BestPracticeRule):
    id = "W9802"
    shortdesc = "SSE-KMS bucket without an S3 Bucket Key"
    description = (
        "With default encryption aws:kms and no Bucket Key, S3 calls KMS for every object written or read; "
        "busy buckets hit KMS request quotas (throttling) and pay per call. BucketKeyEnabled: true lets S3 "
        "use a short-lived bucket-level key and cuts those calls by up to 99%. DSSE-KMS (aws:kms:dsse) does "
        "not support Bucket Keys and is not reported."
    )
    tags = ["s3", "kms", "encryption"]
    resource_types = ("AWS::S3::Bucket",)
    fixable = "safe"

    def findings(self, model: TemplateModel):
        for bucket in model.of_type(BUCKET):
            for rule in model.entries(bucket, "BucketEncryption", "ServerSideEncryptionConfiguration"):
                algorithm = model.within(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm")
                keys = model.within(rule, "BucketKeyEnabled")
                for (alg, br), both in model.combine(algorithm, keys):
                    value = br.value
                    flag = False if value is ABSENT else as_bool(value)
                    if alg.value == "aws:kms" and flag is False:
                        where = br.path if value is not ABSENT else rule.path
                        target = model.fix_path(rule.path, ("BucketKeyEnabled",), br)
                        fix = Fix("set BucketKeyEnabled: true", [Set(target, True)])
                        yield (where,
                               f"Bucket '{bucket.logical_id}' encrypts with SSE-KMS (aws:kms) without an S3 Bucket Key"
                               f"{both.describe()}: every object request calls KMS, which costs per call and can throttle "
                               "under load. Set BucketKeyEnabled: true in this ServerSideEncryptionConfiguration rule.", fix)
