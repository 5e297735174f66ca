"""W9822: a policy document without a Version element."""

from __future__ import annotations

import re

from ...fixes import Fix, NoFix, Set
from ...model import TemplateModel
from ...model.iam_documents import identity_documents, resource_documents, text_in
from ...model.values import ABSENT, Branch, node_at
from .._base import BestPracticeRule

# A policy variable (${aws:username}, ${s3:prefix}; ${!aws:username} inside Fn::Sub), not a
# CloudFormation reference (${AWS::Region}, ${Bucket.Arn}).
_VARIABLE = re.compile(r"\$\{!?([A-Za-z0-9-]+):(?!:)[^}]*\}")


def _label(model: TemplateModel, res, path: tuple) -> str:
    """'the trust policy of Role 'R'', 'policy 'P' of Role 'R'', 'an inline policy of SAM function 'F''."""
    kind = res.type.rsplit("::", 1)[-1]
    if res.type.startswith("AWS::Serverless::"):
        kind = "SAM function" if kind == "Function" else "SAM state machine"
    owner = f"{kind} '{res.logical_id}'"
    prop = path[3] if len(path) > 3 else None
    if prop == "AssumeRolePolicyDocument":
        return f"The trust policy of {owner}"
    if prop == "Policies" and not res.type.startswith("AWS::Serverless::"):
        # the policy item the document's path went through (inside the Fn::If branch it took, if any)
        item = node_at(model.template, path[:-1]) if path[-1:] == ("PolicyDocument",) else None
        # a PolicyName under Fn::If has no single value: the label stays generic
        name = model.one(item.get("PolicyName")) if isinstance(item, dict) else None
        if isinstance(name, str):
            return f"Policy '{name}' of {owner}"
    if prop == "Policies":
        return f"An inline policy of {owner}"
    return f"The policy document of {owner}"


def _without_version(model: TemplateModel, doc: Branch):
    """(document branch, fix) for each scenario in which the document has no Version: the key is
    absent, or an `Fn::If` on it takes `AWS::NoValue` (then in that branch's scenario only)."""
    if "Version" not in doc.value:
        yield doc, Fix('add Version: "2012-10-17"', [Set(doc.path + ("Version",), "2012-10-17", first=True)])
        return
    for version in model.get(doc.value, "Version"):
        if version.value is not ABSENT:
            continue
        both = model.together(doc, version)
        if both is not None:
            yield (Branch(doc.value, both.conditions, doc.path, both.params),
                   NoFix("the Version sits under Fn::If: write Version: \"2012-10-17\" in the branch "
                         "that leaves it out"))


class IamPolicyVersion(BestPracticeRule):
    id = "W9822"
    shortdesc = "Policy document without Version"
    description = (
        "A policy document (identity, trust or resource policy) without a Version element is read with the "
        "2008-10-17 policy language: policy variables such as ${aws:username} stay literal text and newer features "
        "do not work. AWS says to always include Version 2012-10-17. An explicit 2008-10-17 is cfn-lint's W2511, "
        "an invalid value its E3510."
    )
    tags = ["iam", "security", "policy"]
    resource_types = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy",
                      "AWS::IAM::GroupPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group",
                      "AWS::Serverless::Function", "AWS::Serverless::StateMachine", "AWS::S3::BucketPolicy",
                      "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::KMS::Key", "AWS::ApiGateway::RestApi",
                      "AWS::SecretsManager::ResourcePolicy", "AWS::ECR::Repository")
    fixable = "safe"

    def findings(self, model: TemplateModel):
        seen = set()
        for source in (identity_documents(model), resource_documents(model)):
            for res, doc in source:
                if not isinstance(doc.value, dict) or "Statement" not in doc.value:
                    continue
                for missing, fix in _without_version(model, doc):
                    yield from self._finding(model, res, missing, fix, seen)

    def _finding(self, model: TemplateModel, res, doc, fix, seen):
        variables = sorted({m.group(0).replace("${!", "${") for text in text_in(doc.value)
                            for m in _VARIABLE.finditer(text)})
        if variables:
            effect = (f"it uses the policy variable {variables[0]}, which without Version 2012-10-17 is "
                      "literal text, so the statement does not match what it was written for")
        else:
            effect = ("it is read with the 2008-10-17 policy language, in which policy variables and newer "
                      "features do not work")
        where = doc.path
        message = (f"{_label(model, res, where)} has no Version"
                   f"{doc.describe()}: {effect}. Add Version: \"2012-10-17\".")
        if (where, message) in seen:
            return
        seen.add((where, message))
        yield where, message, fix
