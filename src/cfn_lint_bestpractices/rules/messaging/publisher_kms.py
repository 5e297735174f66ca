"""E9607: a queue or topic that AWS services publish to, encrypted with a key they cannot use."""

from __future__ import annotations


from ...model import ABSENT, UNKNOWN, TemplateModel, as_list, show
from ...model.messaging import publisher_edges
from ...model.policies import grants_service, statements
from .._base import BestPracticeRule

KEY, ALIAS = ("AWS::KMS::Key",), "AWS::KMS::Alias"
NEEDED = (("kms:generatedatakey", "kms:generatedatakey*"), ("kms:decrypt",))


class PublisherKmsKey(BestPracticeRule):
    id = "E9607"
    shortdesc = "Service publisher cannot use the queue's or topic's KMS key"
    description = (
        "An AWS service that publishes to an encrypted queue or topic (SNS, S3, EventBridge, CloudWatch alarms) "
        "must be able to use its KMS key: the AWS managed keys alias/aws/sqs and alias/aws/sns cannot grant it, "
        "and a customer managed key's policy must allow that service kms:GenerateDataKey* and kms:Decrypt."
    )
    tags = ["sqs", "sns", "kms", "encryption"]
    resource_types = ("AWS::SQS::Queue", "AWS::SNS::Topic")

    @staticmethod
    def _key_of(model: TemplateModel, value: str) -> str | None:
        """The in-template key a KmsMasterKeyId value names: directly, or through an alias."""
        key = model.lookup(value, KEY)
        if key:
            return key
        for alias in model.of_type(ALIAS):
            name = model.string(alias.props.get("AliasName"))
            if name and (value == name or value.endswith(":" + name)):
                return model.lookup_node(alias.props.get("TargetKeyId"), KEY)
        return None

    @staticmethod
    def _key_allows(model: TemplateModel, key: str, service: str) -> bool | None:
        """Whether the key policy lets the service generate data keys and decrypt; None if unreadable."""
        found = statements(model, model.prop(model.resources[key], "KeyPolicy"))
        if found is None:
            return None
        granted: set[str] = set()
        for stmt in found:
            if stmt.effect(model) != "Allow":
                continue
            allowed = grants_service(model, stmt, service)
            if allowed is None:
                return None
            if not allowed:
                continue
            actions = stmt.strings(model, "Action")
            if actions is None:
                return None
            granted.update(a.lower() for a in actions)
        if granted & {"kms:*", "*"}:
            return True
        return all(granted & set(options) for options in NEEDED)

    def findings(self, model: TemplateModel):
        reported = set()
        for edge in publisher_edges(model, alarms=True):
            dest = model.resources[edge.dest]
            for br in model.prop(dest, "KmsMasterKeyId"):
                value = br.value
                if value is ABSENT or value is UNKNOWN or not isinstance(value, str):
                    continue
                kind = "Queue" if dest.type == "AWS::SQS::Queue" else "Topic"
                if value.endswith(("alias/aws/sqs", "alias/aws/sns")):
                    problem = (f"is encrypted with the AWS managed key {show(value)}, whose key policy cannot be "
                               f"changed to let {edge.service} use it")
                else:
                    key = self._key_of(model, value)
                    if not key or self._key_allows(model, key, edge.service) is not False:
                        continue
                    problem = (f"is encrypted with key '{key}', whose key policy does not let {edge.service} use "
                               "it (kms:GenerateDataKey* and kms:Decrypt)")
                if (edge.dest, edge.service, br.path) in reported:
                    continue
                reported.add((edge.dest, edge.service, br.path))
                yield (br.path,
                       f"{kind} '{edge.dest}' {problem}{br.describe()}, so what {edge.label} sends through "
                       f"{edge.service} is never delivered. Use a customer managed key whose policy allows "
                       f"Principal {{Service: {edge.service}}} kms:GenerateDataKey* and kms:Decrypt.")
