"""Fixes: the edit a rule offers for the finding it made, and the machinery that applies it.

A rule yields `(path, message, fix)`: `fix` is a `Fix` (edits to the template) or a `NoFix`
(why this finding has no single right answer). `cfn-lint-bestpractices fix` applies them (command.py)
on a round-trip copy of the file (document.py), so that only the lines of the fix change.
"""

from .edits import Append, Fix, NoFix, Remove, Set

__all__ = ["Append", "Fix", "NoFix", "Remove", "Set"]
