"""Whether a fix replaces a resource: it edits a property that CloudFormation sets only when it creates
the resource (`createOnlyProperties` in the resource schemas cfn-lint ships), so the next update
creates a new resource and deletes the old one (a new queue, an empty table). Such a fix is unsafe:
it is applied only with `--unsafe`, and the summary and diff say what it replaces."""

from __future__ import annotations

from functools import lru_cache

# SAM types whose properties are, name for name, those of the resource SAM generates
SAM_TYPES = {"AWS::Serverless::Function": "AWS::Lambda::Function"}


@lru_cache(maxsize=None)
def create_only(resource_type: str, region: str = "us-east-1") -> tuple:
    """The create-only property paths of a type, each as a tuple of keys ("*" for any list item)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, SAM_TYPES.get(resource_type, resource_type))
    except Exception:  # pylint: disable=broad-except  (no schema: a custom or SAM type)
        return ()
    paths = []
    for pointer in schema.schema.get("createOnlyProperties") or []:
        parts = pointer.strip("/").split("/")
        if parts and parts[0] == "properties":
            paths.append(tuple(parts[1:]))
    return tuple(paths)


def replaces(edit_path: tuple, resource_type: str) -> bool:
    """Whether an edit at this template path changes a create-only property of its resource."""
    if len(edit_path) < 4 or edit_path[0] != "Resources" or edit_path[2] != "Properties":
        return False
    # the property path, without the Fn::If steps that choose a branch
    props = []
    skip = 0
    for step in edit_path[3:]:
        if skip:
            skip -= 1
            continue
        if step == "Fn::If":
            skip = 1  # the branch index
            continue
        props.append(step)
    for pointer in create_only(resource_type):
        n = min(len(pointer), len(props))
        if all(p == "*" or str(p) == str(q) for p, q in zip(pointer[:n], props[:n])):
            return True
    return False
