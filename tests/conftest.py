import atexit
import os
import shutil
import tempfile

from cfn_lint_bestpractices.cache import NO_CACHE_ENV
from cfn_lint_bestpractices.rules._base import STRICT_ENV

# Every test runs the pack strict: a rule that raises fails the test instead of being logged.
os.environ[STRICT_ENV] = "1"

# The command's result cache stays off (a test that lints a file twice compares two lints, not a
# lint and a cache hit) and out of the user's cache folder; tests/test_cache.py turns it on.
os.environ[NO_CACHE_ENV] = "1"
_CACHE_HOME = tempfile.mkdtemp(prefix="cfn-lint-bestpractices-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--full-corpus", action="store_true", default=False,
                     help="also run the whole-corpus variants of sampled tests (minutes of CPU)")


def pytest_collection_modifyitems(config, items):
    # the whole-corpus variants are deselected (not skipped) unless asked for
    if config.getoption("--full-corpus"):
        return
    kept = [item for item in items if "full_corpus" not in item.keywords]
    dropped = [item for item in items if "full_corpus" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
