"""The result cache: a template linted before, with the same configuration, is not linted again.

One entry per template and configuration, a small JSON file under the cache directory
(`--cache-dir`, default `$XDG_CACHE_HOME/cfn-lint-bestpractices` or the platform's cache folder).
Its name is the sha256 of everything the template's findings depend on:

- the template's bytes and the name it is linted under (findings carry the file name);
- the bytes of the templates it depends on in an application (`dependencies`);
- the pack's version and a fingerprint of its installed files (an editable install changes without
  a new version), cfn-lint's version and the resource schemas it loads (bundled or updated);
- the effective configuration, as cfn-lint computed it from the command line, `.cfnlintrc` and
  the environment: rules checked, ignored, mandatory, experimental, rule options, regions,
  parameters, the rules loaded (with the source of any rules the user appends), override specs and
  registry schemas (by content), and whether the run is `--pack-only`.

A template's own `Metadata: cfn-lint: config` is part of its bytes. The entry holds the findings as
plain rows (what `--jobs` workers send back too) and the rules that ran. Writes go to a temporary
file that is renamed into place, so a reader sees a whole entry or none; an entry that does not parse,
or whose checksum or key does not match, is a miss. The directory is kept under `MAX_ENTRIES`
entries and `MAX_BYTES` bytes by deleting the least recently used (a hit touches its entry).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__
from .rules._base import STRICT_ENV

FORMAT = 1
# set (to anything but "" or "0"), the cache is off as with --no-cache
NO_CACHE_ENV = "CFN_LINT_BESTPRACTICES_NO_CACHE"
MAX_ENTRIES = 20_000
MAX_BYTES = 256 * 1024 * 1024
_STALE_TEMP_SECONDS = 3600


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def default_directory() -> Path:
    """The user's cache folder for this tool, as the platform names it."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cfn-lint-bestpractices"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | os.PathLike) -> str:
    try:
        return _sha(Path(path).read_bytes())
    except OSError as err:
        return f"unreadable: {type(err).__name__}"


def tree_digest(path: str | os.PathLike) -> str:
    """The content of a file, or of every file under a folder (names and bytes)."""
    root = Path(path)
    if not root.is_dir():
        return file_digest(root)
    digest = hashlib.sha256()
    for item in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(item.relative_to(root)).encode() + b"\0" + file_digest(item).encode())
    return digest.hexdigest()


def _package_fingerprint() -> str:
    """The pack's installed files by name, size and modification time (cheap, and it changes
    whenever an editable install's code does)."""
    root = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for item in sorted(root.rglob("*.py")):
        try:
            stat = item.stat()
        except OSError:
            continue
        digest.update(f"{item.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def versions() -> dict[str, str]:
    from cfnlint.version import __version__ as cfn_lint_version

    out = {"pack": __version__, "pack_files": _package_fingerprint(), "cfn-lint": cfn_lint_version}
    try:  # which schemas cfn-lint loads: its bundled ones or newer ones from --update-specs
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        providers = Path(PROVIDER_SCHEMA_MANAGER._providers_dir)  # pylint: disable=protected-access
        version_file = providers.parent / "version.json"
        out["schemas"] = f"{providers}:{file_digest(version_file)}"
    except Exception as err:  # pylint: disable=broad-except
        out["schemas"] = f"unknown: {type(err).__name__}"
    return out


def _rule_sources(rules: Any) -> list:
    """Every rule loaded (id, class), and the source of the modules of rules that are neither
    cfn-lint's nor the pack's (a user's own rules can change without any version changing)."""
    out = []
    sources: dict[str, str] = {}
    for rule_id, rule in sorted(rules.data.items()):
        cls = type(rule)
        out.append([rule_id, f"{cls.__module__}.{cls.__qualname__}"])
        module = sys.modules.get(cls.__module__)
        name = cls.__module__
        if name.startswith(("cfnlint.", "cfn_lint_bestpractices.")) or name in sources:
            continue
        sources[name] = file_digest(getattr(module, "__file__", "") or "")
    return [out, sorted(sources.items())]


def configuration(config: Any, rules: Any, pack_only: bool) -> dict:
    """What the findings of a template depend on besides its bytes (see the module's docstring);
    read before any template is linted, so no template's own Metadata is mixed in."""
    def paths(value: Any) -> list:
        if not value:
            return []
        return [[str(p), tree_digest(p)] for p in ([value] if isinstance(value, (str, os.PathLike)) else value)]

    return {
        "format": FORMAT,
        "versions": versions(),
        "pack_only": pack_only,
        # tests run the rules strict (a rule that raises is an E0002 finding rather than a log line)
        "strict": os.environ.get(STRICT_ENV, ""),
        "ignore_checks": list(config.ignore_checks),
        "include_checks": list(config.include_checks),
        "mandatory_checks": list(config.mandatory_checks),
        "include_experimental": bool(config.include_experimental),
        "ignore_bad_template": bool(config.ignore_bad_template),
        "configure_rules": config.configure_rules,
        "regions": list(config.regions),
        "parameters": repr(config.parameters),
        "override_spec": paths(config.override_spec),
        "custom_rules": paths(config.custom_rules),
        "registry_schemas": paths(config.registry_schemas),
        "rules": _rule_sources(rules),
    }


def digest(value: Any) -> str:
    return _sha(json.dumps(value, sort_keys=True, default=repr).encode())


def dependencies(filename: str) -> list[str]:
    """The templates that `filename`'s findings depend on, when the cache is not told (`depends_on`;
    the command passes the run's application, batch.py): none."""
    del filename
    return []


class ResultCache:
    """Entries under `directory`, keyed by `key(filename, config_digest)`."""

    def __init__(self, directory: str | os.PathLike, config_digest: str,
                 depends_on: Callable[[str], Iterable[str]] | None = None) -> None:
        self.directory = Path(directory) / f"v{FORMAT}"
        self.config_digest = config_digest
        self.depends_on = depends_on
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self.usable = True

    def key(self, filename: str) -> str | None:
        """The entry name of `filename` now, or None when it cannot be read (cfn-lint reports that)."""
        try:
            content = Path(filename).read_bytes()
        except OSError:
            return None
        parts = [self.config_digest, filename, _sha(content)]
        for dependency in (self.depends_on or dependencies)(filename):
            parts += [str(dependency), file_digest(dependency)]
        return _sha("\0".join(parts).encode())

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            body = entry["body"]
            if entry.get("key") != key or entry.get("checksum") != digest(body):
                raise ValueError("entry does not match its key or checksum")
            rows, used = body["rows"], body["used_rules"]
            if not isinstance(rows, list) or not isinstance(used, list):
                raise ValueError("entry of the wrong shape")
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        self.hits += 1
        return body

    def put(self, key: str, rows: list[dict], used_rules: list[str]) -> None:
        if not self.usable:
            return
        body = {"rows": rows, "used_rules": sorted(used_rules)}
        text = json.dumps({"key": key, "checksum": digest(body), "body": body}, sort_keys=True)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, path)
            except BaseException:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
                raise
        except OSError:
            self.usable = False  # a read-only or full disk: lint on without caching
            return
        self.writes += 1

    def evict(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> int:
        """Delete the least recently used entries beyond the bounds, and temporary files left by
        runs that were killed; the number of files deleted."""
        entries = []
        now = time.time()
        removed = 0
        try:
            folders = [f for f in os.scandir(self.directory) if f.is_dir()]
        except OSError:
            return 0
        for folder in folders:
            try:
                items = list(os.scandir(folder.path))
            except OSError:
                continue
            for item in items:
                try:
                    stat = item.stat()
                except OSError:
                    continue
                if item.name.endswith(".tmp"):
                    if now - stat.st_mtime > _STALE_TEMP_SECONDS:
                        removed += _unlink(item.path)
                    continue
                entries.append((stat.st_mtime, stat.st_size, item.path))
        total = sum(size for _, size, _ in entries)
        entries.sort()
        excess = len(entries) - max_entries
        for index, (_, size, path) in enumerate(entries):
            if index >= excess and total <= max_bytes:
                break
            removed += _unlink(path)
            total -= size
        return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0
