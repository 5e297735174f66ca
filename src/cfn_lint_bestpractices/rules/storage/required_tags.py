"""W9823: a taggable resource without one of the tag keys a team requires (off until configured)."""

from __future__ import annotations

import re
from functools import lru_cache

from ...fixes import NoFix
from ...model import ABSENT, UNKNOWN, TemplateModel
from .._base import BestPracticeRule


@lru_cache(maxsize=None)
def tag_property(region: str, rtype: str) -> str | None:
    """The top-level property that holds a resource type's tags, from its resource schema (cfn-lint's
    copy): `tagging.tagProperty` when the schema says the type is taggable, `Tags` for schemas
    without a tagging section (SAM resources); None when the type cannot be tagged this way."""
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, rtype).schema
    except Exception:  # pylint: disable=broad-except  (custom resources, modules, unknown types)
        return None
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return None
    tagging = schema.get("tagging")
    if isinstance(tagging, dict):
        if tagging.get("taggable") is not True:
            return None
        pointer = tagging.get("tagProperty", "/properties/Tags")
        name = pointer[len("/properties/"):] if isinstance(pointer, str) and pointer.startswith("/properties/") else ""
        return name if name and "/" not in name and name in props else None
    if schema.get("taggable") is False:
        return None
    return "Tags" if "Tags" in props else None


class RequiredTags(BestPracticeRule):
    id = "W9823"
    shortdesc = "Resource without a required tag"
    description = (
        "Off until configured: with the option tags (the tag keys a team requires, e.g. Owner, Environment) it "
        "reports each taggable resource (its resource schema has a tag property; SAM resources' Tags map) that "
        "lacks one of the keys, per Fn::If branch. resource_types limits it to matching types. Tags given to the "
        "stack itself are not visible in the template: set them in the template, or leave the rule off."
    )
    tags = ["tagging", "operations", "cost"]
    # the commonest taggable types; the rule checks every type whose schema says it is taggable
    resource_types = ("AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::Serverless::Function",
                      "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::EC2::Instance", "AWS::EC2::VPC",
                      "AWS::RDS::DBInstance", "AWS::IAM::Role", "AWS::ECS::Cluster", "AWS::Logs::LogGroup")
    options = {
        "tags": {
            "default": [], "type": "list", "itemtype": "string",
            "description": "Tag keys every taggable resource must have (empty: the rule reports nothing)",
        },
        "resource_types": {
            "default": [], "type": "list", "itemtype": "string", "format": "regex",
            "description": ("Regular expressions; only resource types matching one are checked "
                            "(empty: every taggable type)"),
        },
    }

    def _keys(self, model: TemplateModel, res, prop: str):
        """(set of keys or None when unknown, path, scenario) per branch of the tag property."""
        for br in model.prop(res, prop):
            if br.value is ABSENT:
                yield set(), res.finding_path(br.path), br
            elif isinstance(br.value, dict):
                keys = set()
                for key in br.value:
                    if not isinstance(key, str) or key.startswith("Fn::") or key == "Ref":
                        keys = None
                        break
                    keys.add(key)
                yield keys, br.path, br
            elif isinstance(br.value, list):
                # each item may hide behind Fn::If: the keys per combination of item branches
                combos = [(set(), br)]
                for i, item in enumerate(br.value):
                    nxt = []
                    for keys, scenario in combos:
                        for sub in model.branches(item):
                            both = model.together(scenario, sub)
                            if both is None:
                                continue
                            if sub.value is ABSENT:
                                nxt.append((keys, both))
                                continue
                            key = model.one(sub.value.get("Key")) if isinstance(sub.value, dict) else UNKNOWN
                            if not isinstance(key, str):
                                nxt.append((None, both))
                            else:
                                nxt.append((None if keys is None else keys | {key}, both))
                    combos = nxt[:64]
                for keys, scenario in combos:
                    yield keys, br.path, scenario
            # anything else (a parameter, an unknown value): cannot tell

    def findings(self, model: TemplateModel):
        required = [t for t in (self.config.get("tags") or []) if isinstance(t, str) and t]
        if not required:
            return
        patterns = [p for p in (self.config.get("resource_types") or []) if isinstance(p, str)]
        seen = set()
        for res in model.resources.values():
            if patterns and not any(re.fullmatch(p, res.type) for p in patterns):
                continue
            prop = tag_property(model.region, res.type)
            if not prop:
                continue
            for keys, path, scenario in self._keys(model, res, prop):
                if keys is None:
                    continue
                missing = [t for t in required if t not in keys]
                if not missing:
                    continue
                names = ", ".join(missing)
                noun = "tags" if len(missing) > 1 else "tag"
                message = (f"{res.type} '{res.logical_id}' lacks the required {noun} {names}{scenario.describe()}: "
                           f"the team requires the tag{'s' if len(required) > 1 else ''} {', '.join(required)} on "
                           f"every taggable resource. Add the missing {noun} to {prop}.")
                if (path, message) in seen:
                    continue
                seen.add((path, message))
                yield path, message, NoFix("the tag's value is the team's to choose")
