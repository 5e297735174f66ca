"""`python -m cfn_lint_bestpractices ...` is the `cfn-lint-bestpractices` command (for a CDK plugin or a
script that names the Python rather than relying on the PATH)."""

from .cli import entry

entry()
