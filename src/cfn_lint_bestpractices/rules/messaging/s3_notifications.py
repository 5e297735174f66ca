"""E9610: S3 event notifications that S3 refuses: FIFO queues, and overlapping configurations."""

from __future__ import annotations

from typing import Any, Iterator

from ...model import ABSENT, Branch, TemplateModel
from ...model.messaging import QUEUE_TYPE, fifo_kinds
from ...model.s3 import s3_notifications
from ...model.values import as_list
from .._base import BestPracticeRule



class _Config:
    def __init__(self, label: str, events: list[str], prefix: str, suffix: str, path: tuple,
                 dest: Any, scenario: Branch) -> None:
        self.label, self.events, self.prefix, self.suffix, self.path = label, events, prefix, suffix, path
        self.dest, self.scenario = dest, scenario


def _label(path: tuple) -> str:
    """A configuration named by its list and index (`QueueConfigurations[0]`), also when an Fn::If
    chooses it or the whole list (the path then goes on through `Fn::If` before or after the index)."""
    for k in range(len(path) - 1, -1, -1):
        if isinstance(path[k], str) and path[k].endswith("Configurations"):
            j = k + 1
            while j + 1 < len(path) and path[j] == "Fn::If":
                j += 2
            if j < len(path) and isinstance(path[j], int):
                return f"{path[k]}[{path[j]}]"
            break
    return ".".join(str(p) for p in path[3:]) or str(path[-1])


def _events_overlap(a: str, b: str) -> bool:
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if x.endswith("*") and y.startswith(x[:-1]):
            return True
    return False


def _filters(model: TemplateModel, rules: list[Branch]) -> list[tuple[str, str, Branch]]:
    """(prefix, suffix, scenario) of an S3 key filter per branch of its rules (`rules`: the branches
    of the Rules node), '' when absent; branches whose prefix or suffix cannot be known are left out.
    A filter under `Fn::If` (`!If [C, !Ref AWS::NoValue, [suffix .jpg]]`) filters only where it holds."""
    out: list[tuple[str, str, Branch]] = []
    for br in rules:
        scenario = Branch(None, br.conditions, (), br.params)
        if br.value is ABSENT or br.value is None:
            out.append(("", "", scenario))
            continue
        if not isinstance(br.value, list):
            continue
        partial = [("", "", scenario)]
        for item in br.value:
            grown = []
            for prefix, suffix, where in partial:
                for rule in model.branches(item):
                    at = model.together(where, rule)
                    if at is None:
                        continue
                    at = Branch(None, at.conditions, (), at.params)
                    if rule.value is ABSENT:
                        grown.append((prefix, suffix, at))
                        continue
                    if not isinstance(rule.value, dict):
                        continue
                    for (name, val), both in model.combine(model.branches(rule.value.get("Name")),
                                                            model.branches(rule.value.get("Value"))):
                        both = model.together(at, both)
                        if both is None or not isinstance(name.value, str) or not isinstance(val.value, str):
                            continue
                        both = Branch(None, both.conditions, (), both.params)
                        if name.value.lower() == "prefix":
                            grown.append((val.value, suffix, both))
                        elif name.value.lower() == "suffix":
                            grown.append((prefix, val.value, both))
                        else:
                            grown.append((prefix, suffix, both))
            partial = grown
        out.extend(partial)
    return out


def _event_branches(model: TemplateModel, node: Any, where: Branch) -> Iterator[tuple[list[str], Branch]]:
    """The event types of a configuration (one `Event`, or a list of `Events`) per branch, each with
    the scenario it holds in (within `where`, the configuration's own); branches whose events cannot
    be known are left out."""
    for br in model.branches(node):
        both = model.together(br, where)
        if both is None or br.value is ABSENT:
            continue
        events = [model.one(e) for e in as_list(br.value)]
        if events and all(isinstance(e, str) for e in events):
            yield events, Branch(None, both.conditions, where.path, both.params)


class S3NotificationCompatibility(BestPracticeRule):
    id = "E9610"
    shortdesc = "S3 event notification that S3 refuses"
    description = (
        "S3 sends event notifications only to standard SQS queues, and refuses two notification configurations "
        "of one bucket whose event types overlap and whose key filters (prefix and suffix) overlap. Plain "
        "NotificationConfiguration entries and SAM S3 events on the same bucket are compared."
    )
    tags = ["s3", "sqs", "notifications"]
    resource_types = ("AWS::S3::Bucket", "AWS::Serverless::Function")

    def _configs(self, model: TemplateModel, bucket) -> Iterator[_Config]:
        for note in s3_notifications(model):
            if note.bucket != bucket.logical_id:
                continue
            if note.events is None:
                continue
            keys = _filters(model, model.branches(note.rules) if note.rules is not None else [Branch(ABSENT)])
            # a destination that is not one value (`!If [C, QueueA, QueueB]`) is UNKNOWN here, and two
            # UNKNOWN destinations count as the same one: not judged (silence, never a false clash)
            target = model.one(note.dest)
            dest = model.lookup(target, ("AWS::Lambda::Function", "AWS::Serverless::Function")) or target
            label = _label(note.path) if not note.cdk else f"{_label(note.path)} of '{note.source.logical_id}'"
            for events, scenario in _event_branches(model, note.events, note.scenario):
                for prefix, suffix, where in keys:
                    both = model.together(scenario, where)
                    if both is not None:
                        yield _Config(label, events, prefix, suffix, note.path, dest, both)
        for fn in model.functions:
            for name, (etype, props, path) in fn.events().items():
                if etype != "S3" or not isinstance(props, dict):
                    continue
                if model.lookup_node(props.get("Bucket"), ("AWS::S3::Bucket",)) != bucket.logical_id:
                    continue
                keys = _filters(model, model.get(props, "Filter", "S3Key", "Rules"))
                for events, scenario in _event_branches(model, props.get("Events"), model.exists(fn.resource)):
                    for prefix, suffix, where in keys:
                        both = model.together(scenario, where)
                        if both is not None:
                            yield _Config(f"S3 event '{name}' of '{fn.logical_id}'", events, prefix, suffix, path,
                                          fn.logical_id, both)

    def findings(self, model: TemplateModel):
        for bucket in model.of_type("AWS::S3::Bucket"):
            yield from self._fifo_queues(model, bucket)
            configs = list(self._configs(model, bucket))
            reported: set = set()  # a configuration comes once per branch of its events and filter
            for j, later in enumerate(configs):
                if later.path in reported:
                    continue
                for earlier in configs[:j]:
                    if earlier.dest is not None and earlier.dest == later.dest:
                        continue  # the same destination twice: SAM may merge them, we do not judge
                    both = model.together(earlier.scenario, later.scenario)
                    if both is None:
                        continue  # never together: conditions that exclude each other
                    events = [(a, b) for a in earlier.events for b in later.events if _events_overlap(a, b)]
                    if not events:
                        continue
                    if not (earlier.prefix.startswith(later.prefix) or later.prefix.startswith(earlier.prefix)):
                        continue
                    if not (earlier.suffix.endswith(later.suffix) or later.suffix.endswith(earlier.suffix)):
                        continue
                    when = both.describe()
                    reported.add(later.path)
                    yield (later.path,
                           f"S3 bucket '{bucket.logical_id}' has two notification configurations{when}, {earlier.label} and "
                           f"{later.label}, for overlapping events ({events[0][0]} / {events[0][1]}) with overlapping "
                           f"key filters (prefix '{earlier.prefix}' / '{later.prefix}', suffix '{earlier.suffix}' / "
                           f"'{later.suffix}'): S3 refuses them ('Configurations overlap'). Give them disjoint "
                           "prefixes or suffixes, or send both to one destination.")
                    break

    @staticmethod
    def _fifo_queues(model: TemplateModel, bucket):
        for note in s3_notifications(model):
            if note.bucket != bucket.logical_id or note.kind != "queue":
                continue
            for q in model.branches(note.dest):
                q = model.together(q, note.scenario)
                fifo = next((k for k in fifo_kinds(model, q.value, QUEUE_TYPE) if k.fifo), None) if q else None
                both = model.together(q, fifo.branch) if fifo else None
                if both is None:
                    continue
                yield (note.dest_path,
                       f"{note.label[0].upper() + note.label[1:]} sends event notifications to FIFO queue "
                       f"{fifo.label}{both.describe()}, but S3 can notify only standard queues, so the notification "
                       "cannot be created. Use a standard queue (or EventBridge, which can feed a FIFO queue).")
                break
