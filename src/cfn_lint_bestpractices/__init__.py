"""cfn-lint-bestpractices: cfn-lint rules for the architecture practices of the AWS study notes.

Use it with `cfn-lint --append-rules=cfn_lint_bestpractices.rules -- template.yaml`.
"""

__version__ = "0.1.0"
