"""Step Functions state machines, plain and SAM alike: their execution type per branch, their
definition (a Definition object or DefinitionString JSON), and the states inside it with whether
each runs in an Express execution."""

from __future__ import annotations

import json
from typing import Any, Iterator

from .template import Resource, TemplateModel
from .values import ABSENT, Branch

STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")


def execution_types(model: TemplateModel, machine: Resource) -> Iterator[tuple[Branch, str]]:
    """(branch, "STANDARD" or "EXPRESS" or what else is written) per branch of the machine's type
    (SAM `Type`, plain `StateMachineType`; STANDARD where absent); branches whose type is not a
    known string are left out."""
    key = "Type" if machine.type == "AWS::Serverless::StateMachine" else "StateMachineType"
    for br in model.prop(machine, key):
        kind = "STANDARD" if br.value is ABSENT else br.value
        if isinstance(kind, str):
            yield br, kind


def definition(model: TemplateModel, machine: Resource, sam_string: bool = True) -> tuple[dict, tuple, bool] | None:
    """(definition, path, inside a string): a Definition object, or DefinitionString parsed; None when
    neither is a readable object. With `sam_string` False a SAM machine's DefinitionString (SAM has no
    such property) is not read."""
    if "Definition" in machine.props:
        # a Definition under Fn::If (two whole state machines) is not read: the rules reading it stay silent
        value = model.one(machine.props["Definition"])
        return (value, machine.prop_path("Definition"), False) if isinstance(value, dict) else None
    if machine.type == "AWS::Serverless::StateMachine" and not sam_string:
        return None
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


def walk_states(states: Any, express: bool, path: tuple) -> Iterator[tuple[str, dict, bool, tuple]]:
    """(state name, state, runs in an Express execution, path) for each state of a `States` map, each
    followed by the states inside it: Parallel branches and Map processors (ItemProcessor or the
    older Iterator)."""
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = path + (name,)
        yield str(name), state, express, here
        kind = state.get("Type")
        if kind == "Parallel" and isinstance(state.get("Branches"), list):
            for i, branch in enumerate(state["Branches"]):
                if isinstance(branch, dict):
                    yield from walk_states(branch.get("States"), express, here + ("Branches", i, "States"))
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                processor = state.get(key)
                if not isinstance(processor, dict):
                    continue
                child = express
                config = processor.get("ProcessorConfig")
                if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                    child = config.get("ExecutionType") == "EXPRESS"  # a distributed map starts its own runs
                yield from walk_states(processor.get("States"), child, here + (key, "States"))
