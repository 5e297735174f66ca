"""Queues, their dead-letter queues and their consumers, plain and SAM alike."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterator

from .template import Resource, TemplateModel
from .values import ABSENT, Branch, merge_conditions

QUEUE = ("AWS::SQS::Queue",)

# Keys under which any resource names a dead-letter queue or failure destination: SQS and SNS
# RedrivePolicy, Lambda DeadLetterConfig, SAM DeadLetterQueue, EventBridge and Scheduler target
# DeadLetterConfig, SAM event DeadLetterConfig, on-failure destinations of async invocation and of
# event source mappings, Pipes dead-letter settings.
_DEAD_LETTER_KEYS = {"deadLetterTargetArn", "DeadLetterConfig", "DeadLetterQueue", "OnFailure"}


def _node_at(node: Any, path: tuple) -> Any:
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def redrive_targets(model: TemplateModel, res: Resource, *prop_keys: Any) -> Iterator[tuple[Branch, Any]]:
    """(branch of deadLetterTargetArn, raw node or None) for a RedrivePolicy given as a map or as the
    older JSON text, at `prop_keys` below the resource's properties."""
    for rp in model.prop(res, *prop_keys):
        policy = rp.value
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except ValueError:
                continue
            if isinstance(policy, dict) and "deadLetterTargetArn" in policy:
                yield Branch(policy["deadLetterTargetArn"], rp.conditions, rp.path, rp.params), None
            continue
        if not isinstance(policy, dict):
            continue
        for br in model.get(policy, "deadLetterTargetArn"):
            conds = merge_conditions(rp.conditions, br.conditions)
            if conds is not None:
                yield Branch(br.value, conds, rp.path + br.path, rp.params + br.params), _node_at(policy, br.path)


def dead_letter_queues(model: TemplateModel) -> set[str]:
    """In-template queues that serve as a dead-letter queue (or failure destination) of anything."""
    out: set[str] = set()
    for res in model.resources.values():
        stack: list[tuple[Any, bool]] = [(res.props, False)]
        while stack:
            node, inside = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    below = inside or key in _DEAD_LETTER_KEYS
                    if key == "RedrivePolicy" and isinstance(value, str):  # the JSON-text form
                        try:
                            value = json.loads(value)
                        except ValueError:
                            continue
                    if below:
                        for br in model.branches(value):
                            queue = model.lookup(br.value, QUEUE)
                            if queue:
                                out.add(queue)
                    stack.append((value, below))
            elif isinstance(node, list):
                stack.extend((item, inside) for item in node)
    return out


def queue_consumers(model: TemplateModel) -> dict[str, list[tuple[str, Resource, tuple]]]:
    """queue -> [(what consumes it, the consuming resource, path of the reference)]: Lambda event
    source mappings, SAM `SQS` events, EventBridge Pipes."""
    out: dict[str, list[tuple[str, Resource, tuple]]] = defaultdict(list)

    def add(kind: str, res: Resource, node: Any, path: tuple) -> None:
        for br in model.branches(node):
            queue = model.lookup(br.value, QUEUE)
            if queue:
                out[queue].append((kind, res, path))

    for esm in model.of_type("AWS::Lambda::EventSourceMapping"):
        add("event source mapping", esm, esm.props.get("EventSourceArn"), esm.prop_path("EventSourceArn"))
    for pipe in model.of_type("AWS::Pipes::Pipe"):
        add("pipe", pipe, pipe.props.get("Source"), pipe.prop_path("Source"))
    for fn in model.functions:
        for name, (etype, props, path) in fn.events().items():
            if etype == "SQS" and isinstance(props, dict):
                add(f"SQS event '{name}'", fn.resource, props.get("Queue"), path + ("Queue",))
    return out


def retention(model: TemplateModel, queue: Resource) -> list[Branch]:
    """MessageRetentionPeriod branches of a queue, the default (4 days) where absent."""
    out = []
    for br in model.prop(queue, "MessageRetentionPeriod", every_param_value=True):
        out.append(Branch(345600, br.conditions, br.path, br.params) if br.value is ABSENT else br)
    return out
