"""W9619: an Express state machine without execution logs, or that waits longer than Express runs."""

from __future__ import annotations

from typing import Any, Iterator

from ...model import ABSENT, TemplateModel, as_int
from ...model.stepfunctions import STATE_MACHINE_TYPES as MACHINES, definition, execution_types, walk_states
from .._base import BestPracticeRule

EXPRESS_LIMIT = 300  # seconds: an Express execution runs for at most five minutes


def _waits(states: Any, express: bool, path: tuple) -> Iterator[tuple[str, int, tuple]]:
    """(state name, seconds, path) for each Wait state with a literal Seconds that runs in an Express
    execution, through Parallel branches and Map processors (a distributed Map's EXPRESS children too)."""
    for name, state, runs_express, here in walk_states(states, express, path):
        if state.get("Type") == "Wait" and runs_express:
            seconds = as_int(state.get("Seconds"))
            if seconds is not None:
                yield name, seconds, here + ("Seconds",)


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
            parsed = definition(model, machine, sam_string=False)
            for br, kind in execution_types(model, machine):
                express = kind == "EXPRESS"
                if express and self.config.get("check_logging", True):
                    yield from self._logging(model, machine, sam, br)
                if parsed is not None:
                    yield from self._duration(machine, parsed, express, br)

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
        document, path, in_string = parsed
        timeout = as_int(document.get("TimeoutSeconds"))
        if express and timeout is not None and timeout > EXPRESS_LIMIT:
            yield (path if in_string else path + ("TimeoutSeconds",),
                   f"Express state machine '{machine.logical_id}' sets TimeoutSeconds {timeout}{kind.describe()}, but "
                   "an Express execution stops after five minutes (300 seconds). Lower it to at most 300, or use a "
                   "STANDARD state machine.")
        for name, seconds, wait_path in _waits(document.get("States"), express, path + ("States",)):
            if seconds > EXPRESS_LIMIT:
                where = "this Express state machine" if express else "an Express child workflow of a distributed Map"
                yield (path if in_string else wait_path,
                       f"Wait state '{name}' of '{machine.logical_id}' waits {seconds} seconds in {where}"
                       f"{kind.describe()}, but an Express execution stops after five minutes (300 seconds): every "
                       "run that reaches it fails. Wait less, or use a STANDARD workflow.")
