"""The vocabulary of a fix: a few edits on paths of the template, as cfn-lint's template has them.

Paths are the ones a finding carries (`("Resources", "Bucket", "Properties", "BucketKeyEnabled")`,
with `"Fn::If", 1` to step into a branch). Values are plain JSON values in CloudFormation's long form
(`{"Ref": "AWS::NoValue"}`); a YAML file that writes short-form tags gets them in short form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Set:
    """Give the key at `path` this value, adding the key (and any missing mapping on the way) when
    absent. An edit never overwrites a value that an intrinsic function computes (`!Ref Param`,
    `!Sub`, `!FindInMap`): that value comes from elsewhere, and the fix is left to the user.
    `first`: a key that is added goes first in its mapping (a policy document's Version before its
    Statement), not last."""

    path: tuple
    value: Any
    first: bool = False

    def describe(self) -> str:
        return f"set {_where(self.path)} to {_short(self.value)}"


@dataclass(frozen=True)
class Append:
    """Add `value` at the end of the list at `path` (made a list when it is one item, created when
    absent); nothing happens when the list already holds it."""

    path: tuple
    value: Any

    def describe(self) -> str:
        return f"add {_short(self.value)} to {_where(self.path)}"


@dataclass(frozen=True)
class Remove:
    """Remove the key at `path` (a property whose only valid values are "true" and absent). A fix
    never removes a resource or a statement: the applier refuses paths that end at either."""

    path: tuple

    def describe(self) -> str:
        return f"remove {_where(self.path)}"


Edit = Union[Set, Append, Remove]


@dataclass(frozen=True)
class Fix:
    """What a finding's rule would change: a title for the summary, the edits, and (for a fix that
    changes behaviour a team may rely on) why it is unsafe even where no resource is replaced."""

    title: str
    edits: tuple = field(default=())
    unsafe: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", tuple(self.edits))


@dataclass(frozen=True)
class NoFix:
    """Why a finding has no automatic fix: no single right answer, or a value the template does not
    know (a parameter without default, an imported value)."""

    reason: str


def _where(path: tuple) -> str:
    if len(path) >= 4 and path[0] == "Resources" and path[2] == "Properties":
        return f"{path[1]}." + ".".join(str(p) for p in path[3:])
    return "/".join(str(p) for p in path)


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, sort_keys=False)
    return text if len(text) <= 60 else text[:57] + "..."
