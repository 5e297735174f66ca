"""W9516: secrets written into the environment variables of a function, a CodeBuild project, an ECS task
definition, an AWS Batch job definition or an Elastic Beanstalk environment."""

from __future__ import annotations

import re

from ...model import ABSENT, Branch, TemplateModel
from ...model.values import as_bool, intrinsic, is_literal
from .._base import BestPracticeRule

SECRET_NAME = r"(?i).*(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key).*"
# Names that carry a reference to a secret, or a setting about one, rather than the secret itself.
_NOT_A_SECRET = re.compile(r"(?i).*(_|-)?(arn|name|id|path|param|parameter|url|uri|endpoint|region|table|bucket|"
                           r"queue|topic|file|ttl|expiry|expiration|expires|length|header|enabled|type|version|"
                           r"key_id|keyid|secret_id|ssm|location)$")


# Values that stand in for a secret rather than being one: EXAMPLE, DUMMY, changeme, <your-token>,
# REPLACE_ME, xxxx, placeholder, TODO.
PLACEHOLDERS = (r"(?i)(.*(example|dummy|change[-_ ]?me|replace[-_ ]?(me|this|with)|placeholder|your|todo|"
                r"fixme|sample|fake).*|<.*>|\{.*\}|x{3,}|\*{3,}|-+|(none|null|empty|secret|password|token|test)\d*)")


def _literal_kind(model: TemplateModel, node, placeholder=None, no_echo: bool = False) -> str | None:
    """'literal' for a value written into the template, 'parameter P' for a Ref to a parameter without
    NoEcho, None for anything that is not a plain secret (dynamic references, references to resources,
    NoEcho parameters, unknowns, placeholders). With `no_echo`, a NoEcho parameter counts too (where its
    value is shown in clear anyway)."""
    name, args = intrinsic(node)
    if name == "Ref" and isinstance(args, str):
        param = model.parameter(args)
        if not isinstance(param, dict):
            return None
        if as_bool(param.get("NoEcho")) is True:
            return f"NoEcho parameter '{args}'" if no_echo else None
        if "Default" in param:
            value = param.get("Default")
            if _looks_secret(value, placeholder):
                return f"parameter '{args}' (not NoEcho)"
        return None
    if name is None and _looks_secret(node, placeholder):
        return "a literal value"
    return None


def _plain_values(model: TemplateModel, node, path: tuple = (), when: str = "", placeholder=None,
                  no_echo: bool = False):
    """(kind, path, condition text) for each Fn::If branch of `node` that holds a plain secret."""
    name, args = intrinsic(node)
    if name == "Fn::If" and isinstance(args, list) and len(args) == 3 and isinstance(args[0], str):
        for index, truth in ((1, "true"), (2, "false")):
            yield from _plain_values(model, args[index], path + ("Fn::If", index),
                                     (when + " and" if when else " when") + f" condition '{args[0]}' is {truth}",
                                     placeholder, no_echo)
        return
    kind = _literal_kind(model, node, placeholder, no_echo)
    if kind:
        yield kind, path, when


def _looks_secret(value, placeholder=None) -> bool:
    if not isinstance(value, str) or len(value.strip()) < 4 or "{{resolve:" in value or not is_literal(value):
        return False
    text = value.strip()
    if text.startswith(("arn:", "/", "http://", "https://", "${")) or text.lower() in ("true", "false", "none", "null"):
        return False
    if placeholder is not None and placeholder.fullmatch(text):
        return False
    return not text.replace(".", "", 1).isdigit()


# Elastic Beanstalk environment properties; `...:environmentsecrets` holds ARNs that Elastic Beanstalk
# resolves at bootstrap (platforms since March 2025), not plaintext values.
EB_NAMESPACE = "aws:elasticbeanstalk:application:environment"
_ADVICE = {
    "function": ("anyone who can read the template, the stack or the function's configuration can read it. "
                 "Store it in Secrets Manager or SSM Parameter Store (SecureString) and pass the secret's ARN or "
                 "name for the code to fetch at runtime."),
    "CodeBuild project": ("PLAINTEXT variables are shown in clear by the CodeBuild console and CLI. Store the value in "
                          "Secrets Manager or SSM Parameter Store and use Type: SECRETS_MANAGER or PARAMETER_STORE "
                          "with the secret's name or ARN as Value."),
    "task definition": ("environment variables of a task definition are readable by anyone allowed "
                        "ecs:DescribeTaskDefinition. Store it in Secrets Manager or SSM Parameter Store and pass it "
                        "in the container's Secrets (Name, ValueFrom) instead."),
    "job definition": ("AWS Batch advises against plaintext environment variables for sensitive data: they are part "
                       "of the job definition, which batch:DescribeJobDefinitions returns in clear. Store it in Secrets Manager or SSM Parameter Store and pass it in ContainerProperties.Secrets "
                       "(Name, ValueFrom) instead."),
    "Elastic Beanstalk": ("environment properties are shown in clear in the environment's configuration. Store it in "
                          "Secrets Manager or SSM Parameter Store and name its ARN in the "
                          "aws:elasticbeanstalk:application:environmentsecrets namespace instead."),
}


class PlaintextSecrets(BestPracticeRule):
    id = "W9516"
    shortdesc = "Secret-looking environment variable with a plain value"
    description = (
        "An environment variable whose name looks like a secret and whose value is written into the template, or "
        "comes from a parameter without NoEcho, is readable by anyone who can read the template or the resource's "
        "configuration: Lambda functions (plain or SAM, Globals included), CodeBuild projects (Type PLAINTEXT or "
        "absent), ECS task definitions, AWS Batch job definitions and Elastic Beanstalk environment properties. "
        "Dynamic references ({{resolve:secretsmanager:...}}), NoEcho parameters and obvious placeholders "
        "(EXAMPLE, DUMMY, changeme, <your-token>) are not reported; a NoEcho parameter copied into Elastic "
        "Beanstalk environment properties is, since the environment's configuration shows it in clear."
    )
    tags = ["lambda", "codebuild", "ecs", "batch", "elasticbeanstalk", "secrets", "security"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::CodeBuild::Project",
                      "AWS::ECS::TaskDefinition", "AWS::Batch::JobDefinition", "AWS::ElasticBeanstalk::Environment",
                      "AWS::ElasticBeanstalk::ConfigurationTemplate")
    options = {
        "name_pattern": {
            "default": SECRET_NAME,
            "type": "string",
            "format": "regex",
            "description": "Regular expression for variable names that hold secrets",
        },
        "placeholder_pattern": {
            "default": PLACEHOLDERS,
            "type": "string",
            "format": "regex",
            "description": ("Regular expression for values that are placeholders, not secrets (EXAMPLE, DUMMY, "
                            "changeme); an empty value reports them too"),
        },
    }

    def findings(self, model: TemplateModel):
        pattern = re.compile(self.config.get("name_pattern") or SECRET_NAME)
        placeholders = self.config.get("placeholder_pattern")
        self._placeholder = re.compile(placeholders) if placeholders else None

        def secret_name(name) -> bool:
            return isinstance(name, str) and bool(pattern.fullmatch(name)) and not _NOT_A_SECRET.fullmatch(name)

        for fn in model.functions:
            for var in model.prop(fn.resource, "Environment", "Variables"):
                if not isinstance(var.value, dict):
                    continue
                for name, node in var.value.items():
                    if not secret_name(name):
                        continue
                    for kind, sub, when in _plain_values(model, node, placeholder=self._placeholder):
                        yield (var.path + (name,) + sub,
                               f"Environment variable {name} of function '{fn.logical_id}' gets {kind}"
                               f"{var.describe() or when}: " + _ADVICE["function"])
        for project in model.of_type("AWS::CodeBuild::Project"):
            for entry in model.entries(project, "Environment", "EnvironmentVariables"):
                yield from self._pairs(model, entry, "Name", "Value", secret_name,
                                       f"of CodeBuild project '{project.logical_id}'", "CodeBuild project",
                                       plaintext_only=True)
        for task in model.of_type("AWS::ECS::TaskDefinition"):
            for container in model.entries(task, "ContainerDefinitions"):
                label = _container_label(model, container)
                for br in model.within(container, "Environment"):
                    yield from self._list(model, br, secret_name,
                                          f"of {label}in task definition '{task.logical_id}'", "task definition")
        for job in model.of_type("AWS::Batch::JobDefinition"):
            for entry in model.entries(job, "ContainerProperties", "Environment"):
                yield from self._pairs(model, entry, "Name", "Value", secret_name,
                                       f"of job definition '{job.logical_id}'", "job definition")
        for env in model.of_type("AWS::ElasticBeanstalk::Environment", "AWS::ElasticBeanstalk::ConfigurationTemplate"):
            for entry in model.entries(env, "OptionSettings"):
                namespaces = model.within(entry, "Namespace")
                if not any(ns.value == EB_NAMESPACE for ns in namespaces):
                    continue
                what = "environment" if env.type.endswith("Environment") else "configuration template"
                yield from self._pairs(model, entry, "OptionName", "Value", secret_name,
                                       f"of Elastic Beanstalk {what} '{env.logical_id}'", "Elastic Beanstalk",
                                       namespace=True)

    def _list(self, model, br, secret_name, where, advice):
        """Each {Name, Value} map of a list value (an ECS container's Environment)."""
        if not isinstance(br.value, list):
            return
        for i, item in enumerate(br.value):
            for sub in model.branches(item):
                both = model.together(sub, br)
                if isinstance(sub.value, dict) and both is not None:
                    entry = Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params)
                    yield from self._pairs(model, entry, "Name", "Value", secret_name, where, advice)

    def _pairs(self, model, entry, name_key, value_key, secret_name, where, advice, plaintext_only=False,
               namespace=False):
        """A finding for each scenario in which one {name, value} map holds a plain secret."""
        if not isinstance(entry.value, dict) or value_key not in entry.value:
            return
        names = [n for n in model.within(entry, name_key) if isinstance(n.value, str)]
        for name_br in names:
            name = name_br.value
            secret = secret_name(name)
            if not secret and not namespace:
                continue
            if namespace:
                spaces = model.within(entry, "Namespace")
                if not any(ns.value == EB_NAMESPACE for ns in spaces):
                    continue
            types = [k for k in model.within(entry, "Type") if k.value is ABSENT or k.value == "PLAINTEXT"] \
                if plaintext_only else [Branch(None)]
            for kind, sub, when in _plain_values(model, entry.value[value_key], placeholder=self._placeholder,
                                                 no_echo=namespace):
                if not secret and not kind.startswith("NoEcho"):
                    continue  # a NoEcho parameter is a secret whatever the property's name
                value_scenario = model.path_scenario(entry.path + (value_key,) + sub)
                scenario = next((both for both in (model.together(value_scenario, t, name_br) for t in types
                                                   if value_scenario is not None) if both is not None), None)
                if scenario is None:
                    continue
                label = f"Environment variable {name}" if not namespace else f"Environment property {name}"
                advice_text = _ADVICE[advice]
                if kind.startswith("NoEcho"):
                    advice_text = ("NoEcho hides the parameter in the stack's console and API, but Elastic Beanstalk "
                                   "shows environment properties in clear (console, DescribeConfigurationSettings). "
                                   "Store it in Secrets Manager or SSM Parameter Store and name its ARN in the "
                                   "aws:elasticbeanstalk:application:environmentsecrets namespace instead.")
                yield (entry.path + (value_key,) + sub,
                       f"{label} {where} gets {kind}{scenario.describe() or when}: " + advice_text)
            break


def _container_label(model: TemplateModel, container) -> str:
    names = [n.value for n in model.within(container, "Name") if isinstance(n.value, str)]
    return f"container '{names[0]}' " if len(names) == 1 else "a container "
