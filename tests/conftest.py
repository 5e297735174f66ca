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


# The files whose tests take minutes, longest first (CI durations). Under `-n 2 --dist loadfile` the
# workers take whole files in collection order: started first, the long files run beside the many short
# ones instead of after them, and neither worker waits alone at the end.
LONG_FIRST = ["test_fix_corpus.py", "test_corpus.py", "test_pack_only.py", "test_oracle_variants.py",
              "test_oracle.py", "test_cdk_npm.py", "test_bench_speed.py", "test_fuzz.py", "test_scale_out.py",
              "test_action.py", "test_precommit.py", "test_cdk_plugin.py"]


def _long_first(items) -> None:
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    order = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), order[id(item)]))


def pytest_collection_modifyitems(config, items):
    _long_first(items)
    # the whole-corpus variants are deselected (not skipped) unless asked for
    if config.getoption("--full-corpus"):
        return
    kept = [item for item in items if "full_corpus" not in item.keywords]
    dropped = [item for item in items if "full_corpus" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
