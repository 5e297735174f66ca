"""W9516: secrets written into a function's environment variables."""

from __future__ import annotations

import re

from ...model import TemplateModel
from ...model.values import as_bool, intrinsic, is_literal
from .._base import BestPracticeRule

SECRET_NAME = r"(?i).*(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key).*"
# Names that carry a reference to a secret, or a setting about one, rather than the secret itself.
_NOT_A_SECRET = re.compile(r"(?i).*(_|-)?(arn|name|id|path|param|parameter|url|uri|endpoint|region|table|bucket|"
                           r"queue|topic|file|ttl|expiry|expiration|expires|length|header|enabled|type|version|"
                           r"key_id|keyid|secret_id|ssm|location)$")


def _literal_kind(model: TemplateModel, node) -> str | None:
    """'literal' for a value written into the template, 'parameter P' for a Ref to a parameter without
    NoEcho, None for anything that is not a plain secret (dynamic references, references to resources,
    NoEcho parameters, unknowns)."""
    name, args = intrinsic(node)
    if name == "Ref" and isinstance(args, str):
        param = model.parameter(args)
        if isinstance(param, dict) and as_bool(param.get("NoEcho")) is not True and "Default" in param:
            value = param.get("Default")
            if _looks_secret(value):
                return f"parameter '{args}' (not NoEcho)"
        return None
    if name is None and _looks_secret(node):
        return "a literal value"
    return None


def _plain_values(model: TemplateModel, node, path: tuple = (), when: str = ""):
    """(kind, path, condition text) for each Fn::If branch of `node` that holds a plain secret."""
    name, args = intrinsic(node)
    if name == "Fn::If" and isinstance(args, list) and len(args) == 3 and isinstance(args[0], str):
        for index, truth in ((1, "true"), (2, "false")):
            yield from _plain_values(model, args[index], path + ("Fn::If", index),
                                     (when + " and" if when else " when") + f" condition '{args[0]}' is {truth}")
        return
    kind = _literal_kind(model, node)
    if kind:
        yield kind, path, when


def _looks_secret(value) -> bool:
    if not isinstance(value, str) or len(value.strip()) < 4 or "{{resolve:" in value or not is_literal(value):
        return False
    text = value.strip()
    if text.startswith(("arn:", "/", "http://", "https://", "${")) or text.lower() in ("true", "false", "none", "null"):
        return False
    return not text.replace(".", "", 1).isdigit()


class PlaintextSecrets(BestPracticeRule):
    id = "W9516"
    shortdesc = "Secret-looking environment variable with a plain value"
    description = (
        "An environment variable of a Lambda function (plain or SAM, Globals included) whose name looks like a "
        "secret and whose value is written into the template, or comes from a parameter without NoEcho, is "
        "readable by anyone who can read the template or the function's configuration. Dynamic references "
        "({{resolve:secretsmanager:...}}) and NoEcho parameters are not reported."
    )
    tags = ["lambda", "secrets", "security"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    options = {
        "name_pattern": {
            "default": SECRET_NAME,
            "type": "string",
            "format": "regex",
            "description": "Regular expression for variable names that hold secrets",
        },
    }

    def findings(self, model: TemplateModel):
        pattern = re.compile(self.config.get("name_pattern") or SECRET_NAME)
        for fn in model.functions:
            for var in model.prop(fn.resource, "Environment", "Variables"):
                if not isinstance(var.value, dict):
                    continue
                for name, node in var.value.items():
                    if not isinstance(name, str) or not pattern.fullmatch(name) or _NOT_A_SECRET.fullmatch(name):
                        continue
                    for kind, sub, when in _plain_values(model, node):
                        yield (var.path + (name,) + sub,
                               f"Environment variable {name} of function '{fn.logical_id}' gets {kind}"
                               f"{var.describe() or when}: "
                               "anyone who can read the template, the stack or the function's configuration can "
                               "read it. Store it in Secrets Manager or SSM Parameter Store (SecureString) and pass "
                               "the secret's ARN or name for the code to fetch at runtime.")
