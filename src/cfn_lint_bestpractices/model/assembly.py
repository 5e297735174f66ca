"""Where the stacks of an application come from: CDK cloud assemblies and nested stack links.

A cloud assembly (`cdk.out/`) has a `manifest.json` whose `aws:cloudformation:stack` artifacts name their
template (`properties.templateFile`), their CloudFormation stack name (`properties.stackName`, else the
artifact id) and their environment (`aws://account/region`); a stage is a nested assembly
(`cdk:cloud-assembly`, `properties.directoryName`). A nested stack is an `AWS::CloudFormation::Stack`
resource of its parent: CDK names the child template in the resource's `Metadata` (`aws:asset:path`,
in the parent's folder); a hand-written parent names it in `TemplateURL` as a path relative to the parent
(before `aws cloudformation package` uploads it). SAM's `AWS::Serverless::Application` names it in
`Location`. A child on S3 or in the Serverless Application Repository cannot be followed.

Nothing here parses a template: this module reads manifests and reads links out of parsed templates.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
NESTED_STACK_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@dataclass(frozen=True)
class AssemblyStack:
    """A stack artifact of a cloud assembly."""

    file: str  # absolute path of its template
    display: str  # the artifact's displayName ("Staging/Queues"), else its id
    stack_name: str  # the CloudFormation stack name, which Fn::GetStackOutput uses
    region: str | None  # from the environment, None when env-agnostic
    account: str | None


@dataclass(frozen=True)
class Link:
    """A nested stack resource of a parent template and the child template it deploys."""

    logical_id: str
    kind: str  # the resource type
    child: str | None  # absolute path of the child template, None when it cannot be followed
    bindings: dict  # the resource's Parameters: child parameter -> the parent's value (raw node)
    condition: str | None
    name: str  # how the nested stack is named in its path from the root ("Workers" for CDK, else the id)
    where: str = ""  # why the child cannot be followed ("on S3", ...), when it cannot


@dataclass
class Assembly:
    """The stacks of a cloud assembly folder and of its nested assemblies (stages)."""

    root: str
    stacks: list[AssemblyStack] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)


def is_assembly(folder: str) -> bool:
    """A folder holding a cloud assembly: a manifest.json with artifacts."""
    manifest = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest):
        return False
    try:
        with open(manifest, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("artifacts"), dict)


def read_assembly(folder: str) -> Assembly:
    """Every stack artifact of the assembly in `folder` and of the assemblies nested in it (stages);
    a manifest that cannot be read contributes nothing."""
    out = Assembly(os.path.abspath(folder))
    _read(out.root, out, set())
    return out


def _read(folder: str, out: Assembly, seen: set) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    manifest = os.path.join(folder, "manifest.json")
    try:
        with open(manifest, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return
    artifacts = data.get("artifacts") if isinstance(data, dict) else None
    if not isinstance(artifacts, dict):
        return
    out.manifests.append(manifest)
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        props = artifact.get("properties") if isinstance(artifact.get("properties"), dict) else {}
        if artifact.get("type") == STACK_ARTIFACT and isinstance(props.get("templateFile"), str):
            account, region = _environment(artifact.get("environment"))
            out.stacks.append(AssemblyStack(
                file=os.path.normpath(os.path.join(folder, props["templateFile"])),
                display=str(artifact.get("displayName") or artifact_id),
                stack_name=str(props.get("stackName") or artifact_id),
                region=region, account=account))
        elif artifact.get("type") == NESTED_ASSEMBLY and isinstance(props.get("directoryName"), str):
            _read(os.path.join(folder, props["directoryName"]), out, seen)


def _environment(env: Any) -> tuple[str | None, str | None]:
    """(account, region) of `aws://account/region`; None for the unknown parts."""
    if not isinstance(env, str) or not env.startswith("aws://"):
        return None, None
    account, _, region = env[len("aws://"):].partition("/")
    known = lambda v: v if v and not v.startswith("unknown-") else None  # noqa: E731
    return known(account), known(region)


def find_assembly(template_file: str, levels: int = 3) -> str | None:
    """The folder of the outermost cloud assembly that holds `template_file`, looking in its own
    folder and up to `levels` folders above (a stage's templates are in `cdk.out/assembly-X/`)."""
    here = os.path.dirname(os.path.abspath(template_file))
    found = None
    for _ in range(levels):
        if is_assembly(here):
            found = here
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return found


def _local_path(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "://" not in value and not value.startswith("s3:")


def nested_links(template: Any, template_file: str) -> list[Link]:
    """The nested stacks of a parsed template, each with the child template it deploys when that is a
    file (CDK's asset, a local TemplateURL or Location), else why it cannot be followed."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return []
    folder = os.path.dirname(os.path.abspath(template_file))
    out = []
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in NESTED_STACK_TYPES or not isinstance(logical_id, str):
            continue
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        meta = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
        bindings = props.get("Parameters") if isinstance(props.get("Parameters"), dict) else {}
        condition = res.get("Condition") if isinstance(res.get("Condition"), str) else None
        name = _nested_name(logical_id, meta)
        child, where = None, ""
        asset = meta.get("aws:asset:path")
        if isinstance(asset, str) and asset.endswith(".json") and meta.get("aws:asset:property", "TemplateURL") == "TemplateURL":
            child = os.path.normpath(os.path.join(folder, asset))
        else:
            location = props.get("TemplateURL") if res.get("Type") == NESTED_STACK_TYPES[0] else props.get("Location")
            if _local_path(location):
                child = os.path.normpath(os.path.join(folder, location))
            elif isinstance(location, dict) and "ApplicationId" in location:
                where = "in the Serverless Application Repository"
            else:
                where = "on S3" if location is not None else "not named"
        if child is not None and not os.path.isfile(child):
            child, where = None, f"not found ({os.path.relpath(child)})"
        out.append(Link(logical_id, str(res.get("Type")), child, dict(bindings), condition, name, where))
    return out


def _nested_name(logical_id: str, meta: dict) -> str:
    """CDK's nested stack resource lives at `Parent/Workers.NestedStack/Workers.NestedStackResource`:
    the nested stack is `Workers`. A hand-written one is named by its logical id."""
    path = meta.get("aws:cdk:path")
    if isinstance(path, str):
        parts = path.split("/")
        for part in parts[1:]:
            if part.endswith(".NestedStack"):
                return part[: -len(".NestedStack")]
    return logical_id


def assembly_templates(folder: str) -> list[str] | None:
    """The templates a cloud assembly folder stands for on the command line (`cfn-lint-bestpractices
    cdk.out`): each stack's template, in the folder and in its stages' folders, and the nested stack
    templates CDK writes beside them. None when `folder` is not a cloud assembly."""
    if not os.path.isdir(folder) or not is_assembly(folder):
        return None
    found = read_assembly(folder)
    out = [s.file for s in found.stacks if os.path.isfile(s.file)]
    for manifest in found.manifests:
        here = os.path.dirname(manifest)
        try:
            names = sorted(os.listdir(here))
        except OSError:
            continue
        out += [os.path.join(here, n) for n in names if n.endswith(".nested.template.json")]
    rel = [os.path.relpath(p) if not os.path.isabs(folder) else p for p in out]
    return sorted(dict.fromkeys(os.path.normpath(p) for p in rel))
