"""E9609: an Express state machine (or Express child workflow) with .sync or .waitForTaskToken tasks."""

from __future__ import annotations

import json
from typing import Any, Iterator

from ...model import ABSENT, UNKNOWN, TemplateModel, show
from .._base import BestPracticeRule

# service-integration patterns that Express workflows do not support
_UNSUPPORTED = (".sync", ".sync:2", ".waitForTaskToken")


def _tasks(states: Any, express: bool, path: tuple) -> Iterator[tuple[str, str, bool, tuple]]:
    """(state name, Resource, runs as Express, path) for every Task, through Parallel and Map states."""
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = path + (name,)
        kind = state.get("Type")
        if kind == "Task" and isinstance(state.get("Resource"), str):
            yield str(name), state["Resource"], express, here + ("Resource",)
        elif kind == "Parallel" and isinstance(state.get("Branches"), list):
            for i, branch in enumerate(state["Branches"]):
                if isinstance(branch, dict):
                    yield from _tasks(branch.get("States"), express, here + ("Branches", i, "States"))
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                processor = state.get(key)
                if not isinstance(processor, dict):
                    continue
                child = express
                config = processor.get("ProcessorConfig")
                if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                    child = config.get("ExecutionType") == "EXPRESS"  # a distributed map starts its own runs
                yield from _tasks(processor.get("States"), child, here + (key, "States"))


class ExpressIntegrationPatterns(BestPracticeRule):
    id = "E9609"
    shortdesc = "Express workflow uses .sync or .waitForTaskToken"
    description = (
        "Express workflows support only request-response service integrations: a Task whose Resource ends in "
        ".sync, .sync:2 or .waitForTaskToken fails to create (or, in an Express child run of a distributed Map, "
        "to run). Plain and SAM state machines, Definition objects and DefinitionString JSON are read."
    )
    tags = ["stepfunctions", "express"]
    resource_types = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")

    def _definition(self, model: TemplateModel, machine) -> tuple[Any, tuple, bool] | None:
        """(definition, path, inside a string): a Definition object, or DefinitionString parsed."""
        if "Definition" in machine.props:
            value = model.one(machine.props["Definition"])
            return (value, machine.prop_path("Definition"), False) if isinstance(value, dict) else None
        if "DefinitionString" in machine.props:
            text = model.one(machine.props["DefinitionString"])
            if not isinstance(text, str):
                return None
            try:
                value = json.loads(text)
            except ValueError:
                return None
            return (value, machine.prop_path("DefinitionString"), True) if isinstance(value, dict) else None
        return None

    def findings(self, model: TemplateModel):
        for machine in model.of_type("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"):
            type_key = "Type" if machine.type == "AWS::Serverless::StateMachine" else "StateMachineType"
            parsed = self._definition(model, machine)
            if parsed is None:
                continue
            definition, path, in_string = parsed
            yield from self._machine(model, machine, type_key, definition, path, in_string)

    @staticmethod
    def _machine(model: TemplateModel, machine, type_key: str, definition: dict, path: tuple, in_string: bool):
        """The first unsupported task of one machine (one finding per machine)."""
        for br in model.prop(machine, type_key):
            kind = "STANDARD" if br.value is ABSENT else br.value
            if kind is UNKNOWN or not isinstance(kind, str):
                continue
            for name, resource, express, task_path in _tasks(definition.get("States"), kind == "EXPRESS",
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
