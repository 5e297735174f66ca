"""Where a template's policy documents are, and their statements with the path of each one.

The statements themselves are read by `policies.located_statements` (re-exported here), which keeps each
statement's absolute path so that the IAM rules can point at it.
"""

from __future__ import annotations

from typing import Iterator

from .policies import located_statements
from .template import Resource, TemplateModel
from .values import Branch, as_list

# Identity policies (what a principal may do): a document per resource, or a list of named policies.
IDENTITY_DOCUMENT = {
    "AWS::IAM::Policy": "PolicyDocument",
    "AWS::IAM::ManagedPolicy": "PolicyDocument",
    "AWS::IAM::RolePolicy": "PolicyDocument",
    "AWS::IAM::UserPolicy": "PolicyDocument",
    "AWS::IAM::GroupPolicy": "PolicyDocument",
}
IDENTITY_LISTS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
SAM_POLICIES = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")

# Resource-based and trust policies written as a JSON object in a property.
RESOURCE_DOCUMENT = {
    "AWS::IAM::Role": ("AssumeRolePolicyDocument",),
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::KMS::Key": ("KeyPolicy",),
    "AWS::ApiGateway::RestApi": ("Policy",),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy",),
    "AWS::ECR::Repository": ("RepositoryPolicyText",),
}


def _documents_in_list(model: TemplateModel, res: Resource) -> Iterator[Branch]:
    for entry in model.entries(res, "Policies"):
        for doc in model.within(entry, "PolicyDocument"):
            yield doc


def sam_documents(model: TemplateModel, res: Resource) -> Iterator[Branch]:
    """The inline policy documents (maps with a Statement) of a SAM function or state machine's
    Policies, which SAM copies as they are into the role it creates; policy names, ARNs and SAM policy
    templates are left out."""
    for br in model.prop(res, "Policies"):
        if isinstance(br.value, dict):
            if "Statement" in br.value:
                yield br
            continue
        if not isinstance(br.value, list):
            continue
        for i, item in enumerate(br.value):
            for sub in model.branches(item):
                both = model.together(br, sub)
                if both is not None and isinstance(sub.value, dict) and "Statement" in sub.value:
                    yield Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params)


def identity_documents(model: TemplateModel) -> Iterator[tuple[Resource, Branch]]:
    """(resource, document branch with its absolute path) for every identity policy document:
    IAM policies, the inline Policies of roles, users and groups, and SAM inline statements."""
    for rtype, key in IDENTITY_DOCUMENT.items():
        for res in model.of_type(rtype):
            for doc in model.prop(res, key):
                yield res, doc
    for res in model.of_type(*IDENTITY_LISTS):
        for doc in _documents_in_list(model, res):
            yield res, doc
    for res in model.of_type(*SAM_POLICIES):
        for doc in sam_documents(model, res):
            yield res, doc


def resource_documents(model: TemplateModel) -> Iterator[tuple[Resource, Branch]]:
    """(resource, document branch) for trust and resource-based policies written in the template."""
    for rtype, keys in RESOURCE_DOCUMENT.items():
        for res in model.of_type(rtype):
            for doc in model.prop(res, *keys):
                yield res, doc


def text_in(node) -> Iterator[str]:
    """Every literal string inside a raw node (keys and values), for a look at what a document
    spells out (policy variables)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, str):
            yield cur
        elif isinstance(cur, dict):
            for k, v in cur.items():
                if isinstance(k, str):
                    yield k
                stack.append(v)
        elif isinstance(cur, list):
            stack.extend(cur)


__all__ = ["identity_documents", "resource_documents", "sam_documents", "located_statements", "text_in",
           "as_list"]
