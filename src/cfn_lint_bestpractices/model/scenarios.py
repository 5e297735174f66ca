"""What can happen: cfn-lint's condition solver, asked once per scenario and cached per template.

A scenario is what a value holds in: the truth values of named conditions (from `Fn::If` branches and
resource `Condition`s) and the values chosen for parameters. Two values may be judged together only
when their scenarios can hold at once. Condition names are not independent: `IsDev` and `IsProd` may
be two `Equals` on one parameter, `IsNotProd` may be `!Not [IsProd]`, a `Rules` assertion may forbid a
combination, and a parameter's value decides every `Equals` on it. cfn-lint's `Conditions` object
knows all of that; this module only asks it, and remembers the answers.
"""

from __future__ import annotations

import logging
from typing import Any

LOGGER = logging.getLogger("cfnlint")

Conditions = tuple  # ((name, bool), ...), sorted
Params = tuple  # ((name, value), ...)


class _TemplateShim:
    """The one attribute cfn-lint's Conditions reads, for a model built from a bare dict."""

    def __init__(self, template: dict) -> None:
        self.template = template


def _solver_for(template: dict, cfn: Any = None) -> Any:
    solver = getattr(cfn, "conditions", None)
    if solver is not None and hasattr(solver, "build_scenarios"):
        return solver
    try:
        from cfnlint.conditions import Conditions as CfnConditions

        return CfnConditions(_TemplateShim(template))
    except Exception as err:  # pylint: disable=broad-except
        LOGGER.debug("cfn-lint-bestpractices: no condition solver (%r)", err)
        return None


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Implications:
    """What a scenario says of one condition, from `possible` alone (Scenarios, and the application's
    AppScenarios in crossing.py, which answers `possible` across stacks)."""

    def possible(self, conditions: Conditions = (), params: Params = ()) -> bool:
        raise NotImplementedError

    def implies_false(self, conditions: Conditions, params: Params, name: str) -> bool:
        """Whether the scenario rules out condition `name` being true."""
        merged = dict(conditions)
        if merged.get(name) is False:
            return True
        if merged.get(name) is True:
            return False
        merged[name] = True
        return not self.possible(tuple(sorted(merged.items())), params)

    def implies_true(self, conditions: Conditions, params: Params, name: str) -> bool:
        merged = dict(conditions)
        if name in merged:
            return merged[name] is True
        merged[name] = False
        return not self.possible(tuple(sorted(merged.items())), params)


class Scenarios(Implications):
    """`possible(conditions, params)`: whether a scenario can happen, by cfn-lint's solver."""

    def __init__(self, template: dict, cfn: Any = None) -> None:
        raw = template.get("Conditions")
        self.names = frozenset(k for k in raw if isinstance(k, str)) if isinstance(raw, dict) else frozenset()
        self._solver = _solver_for(template, cfn) if (self.names or template.get("Rules")) else None
        self._cache: dict[tuple, bool] = {}

    def possible(self, conditions: Conditions = (), params: Params = ()) -> bool:
        """False only when the solver proves the scenario impossible; unknown condition names (a
        typo, a condition cfn-lint cannot parse) do not make a scenario impossible."""
        if self._solver is None or not (conditions or params):
            return True
        key = (conditions, params)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._ask(conditions, params)
        return hit

    def _ask(self, conditions: Conditions, params: Params) -> bool:
        known = {n: v for n, v in conditions if n in self.names and self._solver.get(n) is not None}
        if params:
            decided = self._with_parameters(known, params)
            if decided is not None:
                return decided
        if not known:
            return True
        try:
            if not any(True for _ in self._solver.build_scenarios({n: {v} for n, v in known.items()})):
                return False
            if params:
                # satisfiable() decides the Equals on the given parameters (it does not solve the
                # conditions alone: build_scenarios did that above)
                values = {n: _param_text(v) for n, v in params}
                return bool(self._solver.satisfiable(known, values))
        except Exception as err:  # pylint: disable=broad-except
            LOGGER.debug("cfn-lint-bestpractices: solver could not decide %r: %r", conditions, err)
        return True

    def _with_parameters(self, known: dict, params: Params) -> bool | None:
        """Whether conditions and parameter values can hold together, every `Equals` of the template's
        conditions and `Rules` on those parameters decided by the values; None when cfn-lint's solver
        does not expose what this needs (then the public calls decide)."""
        try:
            from sympy import Not, Symbol
            from sympy.logic.inference import satisfiable

            from cfnlint.conditions._utils import get_hash

            solver = self._solver
            cnf = solver._cnf.copy()  # pylint: disable=protected-access
            values = {get_hash({"Ref": n}): _param_text(v) for n, v in params}
            equals = [e for c in solver._conditions.values() for e in c.equals]  # pylint: disable=protected-access
            equals += [e for r in solver._rules for e in r.equals]  # pylint: disable=protected-access
            for equal in equals:
                for ref_hash, value in values.items():
                    # only an Equals of the parameter with a literal is decided by its value
                    literal = isinstance(equal.left, str) or isinstance(equal.right, str)
                    if ref_hash in equal.parameters and literal:
                        symbol = Symbol(equal.hash)
                        cnf.add_prop(symbol if equal.test({ref_hash: value}) else Not(symbol))
            for name, value in known.items():
                named = solver._conditions[name]  # pylint: disable=protected-access
                params_ = solver._solver_params  # pylint: disable=protected-access
                cnf.add_prop(named.build_true_cnf(params_) if value else named.build_false_cnf(params_))
            return satisfiable(cnf, all_models=False) is not False
        except Exception as err:  # pylint: disable=broad-except
            LOGGER.debug("cfn-lint-bestpractices: parameters not decided by the solver: %r", err)
            return None

