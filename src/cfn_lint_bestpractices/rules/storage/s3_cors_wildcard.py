"""W9812: an S3 CORS rule that lets every origin send write requests (PUT, POST, DELETE)."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.values import Branch
from ...model.s3 import BUCKET
from .._base import BestPracticeRule

WRITE_METHODS = ("PUT", "POST", "DELETE")
# origins that match every site: "*", and a scheme followed by nothing but the wildcard
ANY_ORIGIN = ("*", "http://*", "https://*")


class S3CorsWildcard(BestPracticeRule):
    id = "W9812"
    shortdesc = "S3 CORS rule allows writes from any origin"
    description = (
        "A CORS rule with AllowedOrigins '*' and PUT, POST or DELETE among its AllowedMethods lets scripts on "
        "any web site send write requests to the bucket from a visitor's browser (with a presigned URL or "
        "credentials the page holds). List the origins of your own application instead. Read-only wildcard "
        "rules (GET, HEAD), common for public assets and fonts, are not reported."
    )
    tags = ["s3", "cors", "security"]
    resource_types = ("AWS::S3::Bucket",)
    conditions_at_defaults = True

    @staticmethod
    def _items(model: TemplateModel, rule, key: str, keep) -> list[Branch]:
        """Each item of a list field of a CORS rule that `keep` accepts, in the scenario in which it is
        there, with its absolute path."""
        out = []
        for lst in model.within(rule, key):
            if not isinstance(lst.value, list):
                continue
            for i, item in enumerate(lst.value):
                for br in model.branches(item):
                    if isinstance(br.value, str) and keep(br.value.strip()):
                        both = model.together(Branch(br.value, br.conditions, lst.path + (i,) + br.path,
                                                     br.params), lst)
                        if both is not None:
                            out.append(both)
        return out

    def findings(self, model: TemplateModel):
        for bucket in model.of_type(BUCKET):
            for rule in model.entries(bucket, "CorsConfiguration", "CorsRules"):
                wild = self._items(model, rule, "AllowedOrigins", lambda v: v in ANY_ORIGIN)
                if not wild:
                    continue
                writes = self._items(model, rule, "AllowedMethods", lambda v: v.upper() in WRITE_METHODS)
                for origin in wild:
                    scope = [w for w in writes if model.together(origin, w) is not None]
                    if not scope:
                        continue
                    both = model.together(origin, *scope) or model.together(origin, scope[0])
                    methods = sorted({w.value.upper() for w in scope if model.together(both, w) is not None})
                    yield (origin.path,
                           f"Bucket '{bucket.logical_id}' has a CORS rule that allows origin '{origin.value}' to send "
                           f"{', '.join(methods)} requests{both.describe()}: a script on any web site can then "
                           "write to or delete from the bucket from a visitor's browser with a presigned URL or "
                           "credentials the page holds. List your application's origins "
                           "(https://app.example.com) in AllowedOrigins instead of the wildcard.")
                    break
