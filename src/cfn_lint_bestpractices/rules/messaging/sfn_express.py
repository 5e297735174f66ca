"""E9609: an Express state machine (or Express child workflow) with .sync or .waitForTaskToken tasks."""

from __future__ import annotations

from typing import Any, Iterator

from ...model import TemplateModel, show
from ...model.stepfunctions import STATE_MACHINE_TYPES, definition, execution_types, walk_states
from .._base import BestPracticeRule

# service-integration patterns that Express workflows do not support
_UNSUPPORTED = (".sync", ".sync:2", ".waitForTaskToken")


def _tasks(states: Any, express: bool, path: tuple) -> Iterator[tuple[str, str, bool, tuple]]:
    """(state name, Resource, runs as Express, path) for every Task, through Parallel and Map states."""
    for name, state, runs_express, here in walk_states(states, express, path):
        if state.get("Type") == "Task" and isinstance(state.get("Resource"), str):
            yield name, state["Resource"], runs_express, here + ("Resource",)


class ExpressIntegrationPatterns(BestPracticeRule):
    id = "E9609"
    shortdesc = "Express workflow uses .sync or .waitForTaskToken"
    description = (
        "Express workflows support only request-response service integrations: a Task whose Resource ends in "
        ".sync, .sync:2 or .waitForTaskToken fails to create (or, in an Express child run of a distributed Map, "
        "to run). Plain and SAM state machines, Definition objects and DefinitionString JSON are read."
    )
    tags = ["stepfunctions", "express"]
    resource_types = STATE_MACHINE_TYPES

    def findings(self, model: TemplateModel):
        for machine in model.of_type(*STATE_MACHINE_TYPES):
            parsed = definition(model, machine)
            if parsed is None:
                continue
            document, path, in_string = parsed
            yield from self._machine(model, machine, document, path, in_string)

    @staticmethod
    def _machine(model: TemplateModel, machine, document: dict, path: tuple, in_string: bool):
        """The first unsupported task of one machine (one finding per machine)."""
        for br, kind in execution_types(model, machine):
            for name, resource, express, task_path in _tasks(document.get("States"), kind == "EXPRESS",
                                                            path + ("States",)):
                if not express or not resource.endswith(_UNSUPPORTED):
                    continue
                where = "this Express state machine" if kind == "EXPRESS" else \
                    "an Express child workflow of a distributed Map"
                yield (path if in_string else task_path,
                       f"State '{name}' of '{machine.logical_id}' calls {show(resource)} in {where}"
                       f"{br.describe()}, but Express workflows support only request-response integrations, "
                       "not .sync or .waitForTaskToken. Use the plain service ARN, or a STANDARD state machine.")
                return
