import os

from cfn_lint_bestpractices.rules._base import STRICT_ENV

# Every test runs the pack strict: a rule that raises fails the test instead of being logged.
os.environ[STRICT_ENV] = "1"
