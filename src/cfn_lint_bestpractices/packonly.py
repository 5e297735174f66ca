"""`--pack-only`: the pack's findings of a full cfn-lint run, without running cfn-lint's own rules.

A full run of one template (cfnlint/runner/template/runner.py) is: decode the file; read the
template's `Metadata: cfn-lint: config`; build the template object (conditions, graph, context);
apply the transforms (SAM `Globals`, `AWS::LanguageExtensions`); run every rule, keeping the
matches of the enabled ones; drop what template and resource `Metadata` suppress; deduplicate.
`--pack-only` does exactly that with the pack's rules alone, so its findings are the pack's
findings of a full run (`tests/test_pack_only.py` compares the two over the corpus). What cfn-lint
builds for its own rules and no rule of the pack reads is left out:

- decoding goes through `decoding.py` (libyaml's nodes built straight into cfn-lint's objects);
- the template object skips the five deep key searches of `transform_pre` (computed only if read)
  and the resource graph (built only if read: `--build-graph`), both of which cfn-lint builds in
  its constructor under a catch-all, so that leaving them out cannot change what a run reports;
- the condition solver and the context are built as cfn-lint builds them: cheap (the solver only
  encodes the conditions; it solves when a rule asks), and a template on which they fail must fail
  as it does in a full run. After a transform, cfn-lint rebuilds the graph without a guard, so there
  it is rebuilt here too: a template that breaks it fails (E0000) in both runs;
- the transform does not format the whole template as JSON for a log line nobody reads;
- the rule loop reads the configuration once per template instead of once per rule and resource,
  and skips the per-resource calls of rules that have no resource types (cfn-lint's wrapper returns
  at once for them).

These are copies of cfn-lint functions with those changes. They are used only when cfn-lint's
source files are those they were copied from (hashes below); with any other cfn-lint, `--pack-only`
runs cfn-lint's own functions with the pack's rules (same findings, its speed).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path
from typing import Any, Iterator

import cfnlint
import cfnlint.conditions
import cfnlint.helpers
from cfnlint.config import ConfigMixIn
from cfnlint.context import create_context_for_template
from cfnlint.decode import decode as cfn_decode
from cfnlint.exceptions import InvalidRegionException
from cfnlint.graph import Graph
from cfnlint.helpers import REGIONS, TRANSFORM_SAM, format_json_string
from cfnlint.match import Match
from cfnlint.rules import CloudFormationLintRule, Rules
from cfnlint.rules._rule import _rule_match_to_match
from cfnlint.rules.errors import ParseError, TransformError
from cfnlint.runner.template import runner as cfn_runner
from cfnlint.template.template import Template
from cfnlint.template.transforms._sam_globals import merge_globals
from cfnlint.template.transforms.transform import Transform

from . import decoding, options, progress
from .cli import MODULE, IsolatingRunner

LOGGER = logging.getLogger("cfnlint")

# sha256 of the cfn-lint files whose functions are copied here (or, for the decoder, whose classes
# it builds), as verified by tests/test_pack_only.py and tests/test_decoding.py
VERIFIED_SOURCES = {
    "1.58.0": {
        "decode/cfn_yaml.py": "2f7dcc5dcde8acbb604f599c588f9217f573e5bb26d6bfa870d21f06eb6fcfd5",
        "decode/decode.py": "b6536d36e6233a40dbad059af3cc05d2e72dcec749871ab93195ba181836dd99",
        "decode/node.py": "bd012349d59bb4d3caaa877d6322c68791120c3b76f25c2643330976f0e0df7d",
        "rules/_rule.py": "985d08c50eb9280390ef748af816c3c620c4e8cb83fc82c9f1a90769c60fca18",
        "rules/_rules.py": "11f11c4d5a2fac69f5872e3666c230666450cffc1f13fcc4b41124c7eb2305a5",
        "runner/template/runner.py": "98f8b5818c4bb08108937e6b95fe4ff7f5b115c4a98ee91efdf52bbca598f836",
        "template/template.py": "27cdecd5767e1ba451e9183bf25320d64eb21ec85f3283c6caa5874d72953517",
        "template/transforms/transform.py": "294e2323450246e985012c55fa9ad05e92e9eb64dc8e6b9b2854ab8472158c0b",
    },
}


def source_hashes() -> dict[str, str]:
    root = Path(cfnlint.__file__).parent
    out = {}
    for name in next(iter(VERIFIED_SOURCES.values())):
        try:
            out[name] = hashlib.sha256((root / name).read_bytes()).hexdigest()
        except OSError:
            out[name] = ""
    return out


@functools.lru_cache(maxsize=1)
def fast_path() -> bool:
    """Whether the installed cfn-lint is one whose functions the copies here were verified against."""
    from cfnlint.version import __version__

    return VERIFIED_SOURCES.get(__version__) == source_hashes()


# --- the template object -------------------------------------------------------------------------

_PRE_SEARCHES = ("Ref", "Fn::Sub", "Fn::If", "Fn::FindInMap", cfnlint.helpers.FUNCTION_FOR_EACH)


class _TransformPre(dict):
    """`transform_pre` with its deep key searches done when first read (no rule of the pack reads
    them): on the template as it is then."""

    def __init__(self, cfn: "PackTemplate") -> None:
        super().__init__()
        self._cfn = cfn

    def __missing__(self, key: str) -> Any:
        if key not in _PRE_SEARCHES:
            raise KeyError(key)
        value = self._cfn._search_deep_keys(key, self._cfn.template, [])  # pylint: disable=protected-access
        self[key] = value
        return value


class PackTemplate(Template):
    """cfn-lint's Template (its `__init__` in cfnlint/template/template.py), without what only
    cfn-lint's own rules read; see the module's docstring."""

    # pylint: disable=super-init-not-called
    def __init__(self, filename: str | None, template: dict[str, Any], regions: list[str] | None = None,
                 parameter_sets: list | None = None) -> None:
        self.regions = regions or [cfnlint.helpers.REGION_PRIMARY]
        self.filename = filename
        self.template = template
        self.transform_pre = _TransformPre(self)
        self.transform_pre["Globals"] = {}
        self.transform_pre["Transform"] = cfnlint.helpers.ensure_list(self.template.get("Transform", []))
        self.yaml_aliases = list(getattr(template, "yaml_aliases", []))
        self._key_indexes: dict[int, tuple] = {}
        self.conditions = cfnlint.conditions.Conditions(self)
        self._graph: Any = None
        self._graph_built = False
        self.context = create_context_for_template(self)
        if parameter_sets:
            self.context = self.context.evolve(parameter_sets=parameter_sets)
        self.search_deep_keys = functools.lru_cache()(self.search_deep_keys)  # type: ignore

    def get_location_yaml(self, text: Any, path: Any):  # type: ignore[override]
        """cfn-lint's get_location_yaml, with the key of a large mapping found by lookup rather than by
        comparing every key in turn (a finding under Resources of a template with thousands of
        resources compared every one of them)."""
        result = None
        if not path:
            result = self._loc(text)
        elif len(path) > 1:
            try:
                result = self.get_location_yaml(text[path[0]], path[1:])
            except KeyError:
                pass
            except TypeError:
                pass
            if not result:
                result = self._key_location(text, path[0])
        else:
            if isinstance(text, list) and isinstance(path[0], int):
                try:
                    result = self._loc(text[path[0]])
                except (AttributeError, IndexError) as err:
                    LOGGER.debug(err)
            else:
                result = self._key_location(text, path[0])
        return result

    def _key_location(self, text: Any, wanted: Any) -> Any:
        """The location of the key of `text` equal to `wanted` (the last one, as cfn-lint's loop), or
        None; a key without marks is None too (cfn-lint's loop stops on its AttributeError)."""
        if isinstance(text, dict) and isinstance(wanted, str) and len(text) > 8:
            cached = self._key_indexes.get(id(text))
            if cached is None or cached[0] is not text or cached[1] != len(text):
                # a str never equals a key of another type, so the string keys are all it can match
                cached = (text, len(text), {k: k for k in text if isinstance(k, str)})
                self._key_indexes[id(text)] = cached
            key = cached[2].get(wanted)
            if key is None:
                return None
            try:
                return self._loc(key)
            except AttributeError as err:
                LOGGER.debug(err)
                return None
        result = None
        try:
            for key in text:
                if key == wanted:
                    result = self._loc(key)
        except AttributeError as err:
            LOGGER.debug(err)
        return result

    @property
    def graph(self) -> Any:  # type: ignore[override]
        if not self._graph_built:
            self._graph_built = True
            try:  # as cfn-lint's constructor does
                self._graph = Graph(self)
            except KeyError as err:
                LOGGER.debug("Encountered KeyError error while building graph: %s", err)
            except Exception as err:  # pylint: disable=broad-except
                LOGGER.info("Encountered unknown error while building graph: %s", err)
        return self._graph

    @graph.setter
    def graph(self, value: Any) -> None:
        self._graph = value
        self._graph_built = True


def transform(cfn: PackTemplate) -> list[Match]:
    """cfn-lint's Transform.transform, without formatting the template for a disabled log line."""
    matches: list[Match] = []
    declaration = cfn.template.get("Transform", [])
    transform_type = declaration if isinstance(declaration, list) else [declaration]
    if not transform_type:
        return matches
    if TRANSFORM_SAM in transform_type:
        merge_globals(cfn.template)
    cfn.transform_pre["Globals"] = cfn.template.get("Globals", {})
    transforms = Transform().transforms
    for name in transform_type:
        if not isinstance(name, str):
            continue
        function = transforms.get(name)
        if not function:
            continue
        matches, template = function(cfn)
        if LOGGER.isEnabledFor(logging.DEBUG):
            LOGGER.debug("Transformed template from %s: \n%s", name, format_json_string(cfn.template))
        if matches:
            return matches
        cfn.template = template
    if LOGGER.isEnabledFor(logging.INFO):
        LOGGER.info("Transformed template: \n%s", format_json_string(cfn.template))
    cfn.graph = Graph(cfn)  # unguarded, as in cfn-lint: a template that breaks it fails here too
    cfn.conditions = cfnlint.conditions.Conditions(cfn)
    cfn.context = create_context_for_template(cfn)
    return matches


def template_transform(cfn: PackTemplate) -> list[Match]:
    """cfn-lint's Template.transform."""
    results = transform(cfn)
    cfn._cache_clear()  # pylint: disable=protected-access
    return results


# --- the rules -------------------------------------------------------------------------------------

def _has_resource_checks(rule: CloudFormationLintRule) -> bool:
    return bool(rule.resource_property_types) or (
        type(rule).matchall_resource_properties is not CloudFormationLintRule.matchall_resource_properties)


def _matchall(rule: CloudFormationLintRule, filename: str | None, cfn: Template) -> Iterator[Match]:
    """CloudFormationLintRule.matchall (its `matching("match")` wrapper) without the wrapper's two
    clock readings and debug lines per rule and template."""
    for result in rule.match(cfn):
        yield from _rule_match_to_match(rule, filename, cfn, result)


def run_rules(rules: Rules, filename: str | None, cfn: Template, config: ConfigMixIn) -> Iterator[Match]:
    """cfn-lint's Rules.run: configure and initialize every rule, run each, keep the matches of the
    enabled ones; the configuration is read once (it does not change during a template's run)."""
    configure_rules = config.configure_rules
    experimental = config.include_experimental
    ignore, include, mandatory = config.ignore_checks, config.include_checks, config.mandatory_checks
    enabled: set[str] = set()
    for rule_id, rule in rules.data.items():
        rule.configure(configure_rules.get(rule_id, None), experimental)
        rule.initialize(cfn)
        if rule.is_enabled(include_experimental=experimental, ignore_rules=ignore, include_rules=include,
                           mandatory_rules=mandatory):
            enabled.add(rule_id)
    for rule_id, rule in rules.data.items():
        for key in rule.child_rules.keys():
            if key in rules.data:
                rule.child_rules[key] = rules.data.get(key)
        for parent_rule in rule.parent_rules:
            if parent_rule in rules.data:
                rules.data[parent_rule].child_rules[rule_id] = rule
    count = len(rules.data)
    showing = progress.current.enabled
    for number, (rule_id, rule) in enumerate(rules.data.items(), 1):
        if showing:
            progress.step(f"rule {rule_id} ({number}/{count})")
        check = rule.matchall
        if type(rule).matchall is CloudFormationLintRule.matchall:
            check = functools.partial(_matchall, rule)
        for match in rules.run_check(check, filename, rule_id, config, enabled, filename, cfn):
            if match.rule.id in enabled:
                yield match
    checking = [(rule_id, rule) for rule_id, rule in rules.data.items() if _has_resource_checks(rule)]
    if not checking:
        return
    for resource_name, resource_attributes in cfn.get_resources().items():
        resource_type = resource_attributes.get("Type")
        resource_properties = resource_attributes.get("Properties")
        if isinstance(resource_type, str) and isinstance(resource_properties, dict):
            path = ["Resources", resource_name, "Properties"]
            for rule_id, rule in checking:
                for match in rules.run_check(rule.matchall_resource_properties, filename, rule_id, config,
                                             enabled, filename, cfn, resource_properties, resource_type, path):
                    if match.rule.id in enabled:
                        yield match


# --- one template ----------------------------------------------------------------------------------

def _run_template_per_config(cfn: PackTemplate, config: ConfigMixIn, rules: Rules) -> Iterator[Match]:
    LOGGER.info("Run scan of template %s", cfn.filename)
    if not set(config.regions).issubset(set(REGIONS)):
        unsupported_regions = list(set(config.regions).difference(set(REGIONS)))
        raise InvalidRegionException(
            f"Regions {unsupported_regions!r} are unsupported. Supported regions are {REGIONS!r}", 32)
    if cfn.transform_pre["Transform"]:
        progress.step("applying the transform")
    matches = template_transform(cfn)
    if matches:
        if rules.is_rule_enabled(TransformError(), config):
            yield from iter(matches)
        return
    if cfn.template is not None:
        if config.build_graph:
            cfn.build_graph()
        yield from cfn_runner._check_metadata_directives(  # pylint: disable=protected-access
            run_rules(rules, cfn.filename, cfn, config), cfn=cfn, config=config)


def _run_template(filename: str | None, template: Any, config: ConfigMixIn, rules: Rules) -> Iterator[Match]:
    if not isinstance(template, dict):
        yield Match.create(filename=filename or "", rule=ParseError(), message="Template needs to be an object.")
        return
    config.set_template_args(template)
    progress.step("building the template object")
    cfn = PackTemplate(filename, template, config.regions, config.parameters)
    plain = all(type(rule).__eq__ is CloudFormationLintRule.__eq__ for rule in rules.data.values())
    dedup = _dedup if plain else cfn_runner._dedup  # pylint: disable=protected-access
    yield from dedup(_run_template_per_config(cfn, config, rules))


def _dedup(matches: Iterator[Match]) -> Iterator[Match]:
    """cfn-lint's _dedup (each match once, first occurrence first) in linear time: it compares every
    match with every one kept (a template with thousands of findings spent most of its run there).
    Two matches are equal when their fields are, the rule compared by id (CloudFormationLintRule's
    __eq__; `_run_template` uses cfn-lint's loop when a rule has another)."""
    seen: set = set()
    for match in matches:
        key = (match.message, match.rule.id, match.filename, match.linenumber, match.columnnumber,
               match.linenumberend, match.columnnumberend, match.id, match.parent_id)
        if key not in seen:
            seen.add(key)
            yield match


def run_template_by_file_path(filename: str | None, config: ConfigMixIn, rules: Rules,
                              ignore_bad_template: bool) -> Iterator[Match]:
    """cfn-lint's run_template_by_file_path for the pack's rules (the same arguments)."""
    if not fast_path():
        yield from cfn_runner.run_template_by_file_path(filename, config, rules, ignore_bad_template)
        return
    progress.step("decoding")
    template, matches = decoding.decode(filename)
    if matches:
        if ignore_bad_template or any("E0000".startswith(x) for x in config.ignore_checks):
            matches = [match for match in matches if match.rule.id != "E0000"]
        yield from iter(matches)
        return
    yield from _run_template(filename, template, config, rules)


# --- the command -----------------------------------------------------------------------------------

class _PackSettingsOnly:
    """The configuration as `options.check_rule_options` reads it, with only the settings of rules
    that this run has: a setting of one of cfn-lint's own rules (in a `.cfnlintrc` shared with full
    runs) is not an error here, only unused. The settings themselves are the configuration's own
    objects, so that their values are converted in place as in a full run."""

    def __init__(self, config: ConfigMixIn, rule_ids: set[str]) -> None:
        def only(settings: Any) -> Any:
            return {k: v for k, v in settings.items() if k in rule_ids} if isinstance(settings, dict) else settings

        class _Cli:
            configure_rules = only(getattr(config.cli_args, "configure_rules", None))

        self.cli_args = _Cli()
        self.file_args = dict(config.file_args)
        self.file_args["configure_rules"] = only(config.file_args.get("configure_rules"))


class PackOnlyRunner(IsolatingRunner):
    """The command's runner with the pack's rules alone (rules appended by the user, custom rules and
    cfn-lint's own rules are not loaded), each template run as above."""

    @staticmethod
    def decode(filename: str) -> tuple[Any, list[Match]]:
        if not fast_path():
            return cfn_decode(filename)
        progress.step("decoding")
        return decoding.decode(filename)

    @staticmethod
    def run_decoded(filename: str, template: Any, config: ConfigMixIn, rules: Rules) -> Iterator[Match]:
        if not fast_path():
            return cfn_runner._run_template(filename, template, config, rules)  # pylint: disable=protected-access
        return _run_template(filename, template, config, rules)

    def _get_rules(self) -> None:
        self.rules = Rules.create_from_module(MODULE)
        options.check_rule_options(_PackSettingsOnly(self.config, set(self.rules.data)), self.rules)
