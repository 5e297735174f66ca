"""E9607: a queue or topic that AWS services publish to, encrypted with a key they cannot use."""

from __future__ import annotations


from ...model import ABSENT, UNKNOWN, TemplateModel, show
from ...model.messaging import publisher_edges
from ...model.policies import grants_service, statements, uncovered
from ...model.values import Branch
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
    def _keys_of(model: TemplateModel, value: str) -> list[tuple[str | None, Branch]]:
        """(in-template key, scenario) for each key a KmsMasterKeyId value may name: directly, or through
        an alias per branch of its AliasName and TargetKeyId (None: a key we cannot judge there)."""
        key = model.lookup(value, KEY)
        if key:
            return [(key, Branch(None))]
        out: list[tuple[str | None, Branch]] = []
        for alias in model.of_type(ALIAS):
            for name in model.prop(alias, "AliasName"):
                if not isinstance(name.value, str) or not (value == name.value or value.endswith(":" + name.value)):
                    continue
                for target in model.prop(alias, "TargetKeyId"):
                    where = model.together(Branch(None, name.conditions, (), name.params), target)
                    if where is not None:
                        found = model.lookup(target.value, KEY) if isinstance(target.value, str) else None
                        out.append((found, where))
        return out

    @staticmethod
    def _key_grants(model: TemplateModel, key: str, service: str) -> list[list[Branch]] | None:
        """For each needed action (kms:GenerateDataKey*, kms:Decrypt), the scenarios of the key policy's
        statements that allow it to the service; None if the policy cannot be read."""
        found = statements(model, model.prop(model.resources[key], "KeyPolicy"))
        if found is None:
            return None
        out: list[list[Branch]] = [[] for _ in NEEDED]
        for stmt in found:
            effect = stmt.effect(model)
            if effect == "Deny":
                continue
            if effect != "Allow":
                return None
            allowed = grants_service(model, stmt, service)
            if allowed is None:
                return None
            if not allowed:
                continue
            actions = stmt.strings(model, "Action")
            if actions is None:
                return None
            granted = {a.lower() for a in actions}
            for i, options in enumerate(NEEDED):
                if granted & ({"kms:*", "*"} | set(options)):
                    out[i].append(stmt.scenario)
        return out

    def findings(self, model: TemplateModel):
        reported = set()
        for edge in publisher_edges(model, alarms=True):
            dest = model.resources[edge.dest]
            used = model.together(edge.scenario, model.exists(dest))
            if used is None:
                continue
            for br in model.prop(dest, "KmsMasterKeyId"):
                value = br.value
                if value is ABSENT or value is UNKNOWN or not isinstance(value, str):
                    continue
                need = model.together(br, used)
                if need is None:
                    continue
                kind = "Queue" if dest.type == "AWS::SQS::Queue" else "Topic"
                if value.endswith(("alias/aws/sqs", "alias/aws/sns")):
                    problem = (f"is encrypted with the AWS managed key {show(value)}, whose key policy cannot be "
                               f"changed to let {edge.service} use it")
                    scenario = need
                else:
                    scenario = None
                    for key, where in self._keys_of(model, value):
                        both = model.together(need, where)
                        grants = self._key_grants(model, key, edge.service) if key and both else None
                        if grants is None:
                            continue
                        scenario = next((s for g in grants if (s := uncovered(model, both, g)) is not None), None)
                        if scenario is not None:
                            break
                    if scenario is None:
                        continue
                    problem = (f"is encrypted with key '{key}', whose key policy does not let {edge.service} use "
                               "it (kms:GenerateDataKey* and kms:Decrypt)")
                if (edge.dest, edge.service, br.path) in reported:
                    continue
                reported.add((edge.dest, edge.service, br.path))
                yield (br.path,
                       f"{kind} '{edge.dest}' {problem}{scenario.describe()}, so what {edge.label} sends through "
                       f"{edge.service} is never delivered. Use a customer managed key whose policy allows "
                       f"Principal {{Service: {edge.service}}} kms:GenerateDataKey* and kms:Decrypt.")
