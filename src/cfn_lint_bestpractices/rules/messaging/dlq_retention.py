"""W9603: a dead-letter queue that does not keep messages longer than its standard source queue."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import ABSENT, TemplateModel, as_bool, as_int
from ...model.messaging import QUEUE, redrive_targets, retention
from ...model.values import Branch
from .._base import BestPracticeRule

MAX_RETENTION = 1209600  # 14 days, the longest SQS allows


class DeadLetterRetention(BestPracticeRule):
    id = "W9603"
    shortdesc = "Dead-letter queue keeps messages no longer than its source queue"
    description = (
        "A message moved from a standard queue to its dead-letter queue keeps its original enqueue time, so a "
        "dead-letter queue whose MessageRetentionPeriod is not longer than the source's can drop it almost at "
        "once. FIFO queues reset the time on the move and are not checked."
    )
    tags = ["sqs", "dead-letter-queue"]
    resource_types = ("AWS::SQS::Queue",)
    fixable = "safe"

    def findings(self, model: TemplateModel):
        # every redrive edge once: (source, its target branch, the dead-letter queue's id); the fix reads
        # the sources of a dead-letter queue from them (asking every queue again per finding would make
        # a template of n queues cost n * n)
        edges = [(source, target, model.lookup(target.value, QUEUE)) for source in model.of_type(*QUEUE)
                 for target, _ in redrive_targets(model, source, "RedrivePolicy")]
        senders: dict[str, list] = {}
        for source, target, dlq_id in edges:
            if dlq_id:
                senders.setdefault(dlq_id, []).extend(
                    (fifo, target, retention(model, source)) for fifo in model.prop(source, "FifoQueue"))
        reported: set = set()  # (source, dead-letter queue): one finding per pair
        for source, target, dlq_id in edges:
            if not dlq_id or (source.logical_id, dlq_id) in reported:
                continue
            dlq = model.resources[dlq_id]
            finding = self._compare(model, source, dlq, target, senders[dlq_id])
            if finding:
                reported.add((source.logical_id, dlq_id))
                yield finding

    @staticmethod
    def _compare(model: TemplateModel, source, dlq, target: Branch, senders: list):
        for fifo in model.prop(source, "FifoQueue"):
            if fifo.value is not ABSENT and as_bool(fifo.value) is not False:
                continue  # FIFO (or unknown): the enqueue time resets on the move
            for src in retention(model, source):
                for dst in retention(model, dlq):
                    s, d = as_int(src.value), as_int(dst.value)
                    if s is None or d is None or d > s or d >= MAX_RETENTION:
                        continue
                    both = model.together(fifo, target, src, dst)
                    if both is None:
                        continue
                    when = both.describe()
                    fix = _retention_fix(model, dlq, senders)
                    return (dlq.finding_path(dst.path),
                            f"Dead-letter queue '{dlq.logical_id}' keeps messages {d} s, not longer than its "
                            f"standard source queue '{source.logical_id}' ({s} s){when}: moved messages keep their "
                            "original enqueue time, so they can expire in the dead-letter queue almost at once. "
                            "Set the dead-letter queue's MessageRetentionPeriod longer than the source's "
                            f"(at most {MAX_RETENTION}, 14 days).", fix)
        return None


def _retention_fix(model: TemplateModel, dlq, senders: list) -> Fix:
    """Each branch of the dead-letter queue's retention that is too short gets its own value, from the
    source queues' retention in that branch's scenario: twice the longest (a message can wait that long
    in its source before it moves, and then still has as long in the dead-letter queue), at most the
    14-day maximum; the maximum where a source's retention is not known. A branch that is long enough
    is left as it is, so an `Fn::If` keeps what each of its branches means."""
    keys = ("MessageRetentionPeriod",)
    edits = []
    for branch in retention(model, dlq):
        d = as_int(branch.value)
        if d is None or d >= MAX_RETENTION:
            continue
        longest, unknown = 0, False
        # (FIFO flag branch, redrive target branch, retention branches) of each queue that sends to `dlq`
        for fifo, target, periods in senders:
            if fifo.value is not ABSENT and as_bool(fifo.value) is not False:
                continue
            for src in periods:
                if model.together(branch, fifo, target, src) is None:
                    continue
                s = as_int(src.value)
                if s is None:
                    unknown = True
                else:
                    longest = max(longest, s)
        if not unknown and d > longest:
            continue  # long enough in this scenario
        value = MAX_RETENTION if unknown else min(MAX_RETENTION, 2 * longest)
        edits.append(Set(model.fix_path(dlq.prop_path(), keys, branch), value))
    values = sorted({e.value for e in edits})
    title = ("set the dead-letter queue's MessageRetentionPeriod: " + ", ".join(str(v) for v in values)
             + (" (each branch from its scenario's source retention)" if len(values) > 1 else ""))
    return Fix(title, edits)
