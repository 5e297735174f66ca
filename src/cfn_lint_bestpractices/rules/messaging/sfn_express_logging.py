"""W9619: an Express state machine without execution logs, or that waits longer than Express runs."""

from __future__ import annotations

import json
from typing import Any, Iterator

from ...model import ABSENT, TemplateModel, as_int
from .._base import BestPracticeRule

MACHINES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
EXPRESS_LIMIT = 300  # seconds: an Express execution runs for at most five minutes


def _waits(states: Any, express: bool, path: tuple) -> Iterator[tuple[str, int, tuple]]:
    """(state name, seconds, path) for each Wait state with a literal Seconds that runs in an Express
    execution, through Parallel branches and Map processors (a distributed Map's EXPRESS children too)."""
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = path + (name,)
        kind = state.get("Type")
        if kind == "Wait" and express:
            seconds = as_int(state.get("Seconds"))
            if seconds is not None:
                yield str(name), seconds, here + ("Seconds",)
        elif kind == "Parallel" and isinstance(state.get("Branches"), list):
            for i, branch in enumerate(state["Branches"]):
                if isinstance(branch, dict):
                    yield from _waits(branch.get("States"), express, here + ("Branches", i, "States"))
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                processor = state.get(key)
                if not isinstance(processor, dict):
                    continue
                child = express
                config = processor.get("ProcessorConfig")
                if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                    child = config.get("ExecutionType") == "EXPRESS"
                yield from _waits(processor.get("States"), child, here + (key, "States"))


class ExpressLoggingAndDuration(BestPracticeRule):
    id = "W9619"
    shortdesc = "Express workflow without logs, or waiting past five minutes"
    description = (
        "Step Functions records no execution history for Express workflows: without a LoggingConfiguration "
        "(Level other than OFF; OFF is the default) a failed run leaves no trace. An Express execution also runs "
        "for at most five minutes, so a TimeoutSeconds above 300, or a Wait state of more than 300 seconds, "
        "cannot complete as written."
    )
    tags = ["stepfunctions", "express", "logging"]
    resource_types = MACHINES
    options = {
        "check_logging": {
            "default": True, "type": "boolean",
            "description": "Report Express state machines that keep no execution logs",
        },
    }

    def findings(self, model: TemplateModel):
        for machine in model.of_type(*MACHINES):
            sam = machine.type == "AWS::Serverless::StateMachine"
            type_key = "Type" if sam else "StateMachineType"
            parsed = self._definition(model, machine, sam)
            for br in model.prop(machine, type_key):
                kind = "STANDARD" if br.value is ABSENT else br.value
                if not isinstance(kind, str):
                    continue
                express = kind == "EXPRESS"
                if express and self.config.get("check_logging", True):
                    yield from self._logging(model, machine, sam, br)
                if parsed is not None:
                    yield from self._duration(machine, parsed, express, br)

    @staticmethod
    def _definition(model: TemplateModel, machine, sam: bool) -> tuple[dict, tuple, bool] | None:
        key = "Definition" if sam or "Definition" in machine.props else None
        if key and key in machine.props:
            value = model.one(machine.props[key])
            return (value, machine.prop_path(key), False) if isinstance(value, dict) else None
        if not sam and "DefinitionString" in machine.props:
            text = model.one(machine.props["DefinitionString"])
            try:
                value = json.loads(text) if isinstance(text, str) else None
            except ValueError:
                return None
            return (value, machine.prop_path("DefinitionString"), True) if isinstance(value, dict) else None
        return None

    @staticmethod
    def _logging(model: TemplateModel, machine, sam: bool, kind):
        key = "Logging" if sam else "LoggingConfiguration"
        for config in model.prop(machine, key):
            scenario = model.together(kind, config)
            if scenario is None:
                continue
            if config.value is ABSENT:
                yield (machine.finding_path(config.path),
                       f"Express state machine '{machine.logical_id}' has no {key}{scenario.describe()}: Step "
                       "Functions keeps no execution history for Express workflows, so a failed execution leaves no "
                       f"record. Add {key} with Level: ERROR (or ALL) and a CloudWatch Logs destination.")
                continue
            if not isinstance(config.value, dict):
                continue
            for level in model.get(config.value, "Level"):
                both = model.together(scenario, level)
                value = "OFF" if level.value is ABSENT else level.value
                if both is None or value != "OFF":
                    continue
                path = config.path + level.path if level.value is not ABSENT else config.path
                yield (path,
                       f"Express state machine '{machine.logical_id}' logs at Level OFF{both.describe()}"
                       f"{' (the default when Level is absent)' if level.value is ABSENT else ''}: Step Functions "
                       "keeps no execution history for Express workflows, so a failed execution leaves no record. "
                       "Set Level: ERROR (or ALL) with a CloudWatch Logs destination.")

    @staticmethod
    def _duration(machine, parsed: tuple, express: bool, kind):
        definition, path, in_string = parsed
        timeout = as_int(definition.get("TimeoutSeconds"))
        if express and timeout is not None and timeout > EXPRESS_LIMIT:
            yield (path if in_string else path + ("TimeoutSeconds",),
                   f"Express state machine '{machine.logical_id}' sets TimeoutSeconds {timeout}{kind.describe()}, but "
                   "an Express execution stops after five minutes (300 seconds). Lower it to at most 300, or use a "
                   "STANDARD state machine.")
        for name, seconds, wait_path in _waits(definition.get("States"), express, path + ("States",)):
            if seconds > EXPRESS_LIMIT:
                where = "this Express state machine" if express else "an Express child workflow of a distributed Map"
                yield (path if in_string else wait_path,
                       f"Wait state '{name}' of '{machine.logical_id}' waits {seconds} seconds in {where}"
                       f"{kind.describe()}, but an Express execution stops after five minutes (300 seconds): every "
                       "run that reaches it fails. Wait less, or use a STANDARD workflow.")
