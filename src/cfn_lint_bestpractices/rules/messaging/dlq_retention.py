"""W9603: a dead-letter queue that does not keep messages longer than its standard source queue."""

from __future__ import annotations

from ...fixes import Fix, Set
from ...model import ABSENT, TemplateModel, as_bool, as_int
from ...model.messaging import QUEUE, redrive_targets, retention
from ...model.values import Branch, merge_conditions
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
        for source in model.of_type(*QUEUE):
            seen = set()
            for target, _ in redrive_targets(model, source, "RedrivePolicy"):
                dlq_id = model.lookup(target.value, QUEUE)
                if not dlq_id or dlq_id in seen:
                    continue
                dlq = model.resources[dlq_id]
                finding = self._compare(model, source, dlq, target)
                if finding:
                    seen.add(dlq_id)
                    yield finding

    @staticmethod
    def _compare(model: TemplateModel, source, dlq, target: Branch):
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
                    # every known branch of the DLQ's retention that is short of the maximum: the maximum is
                    # the one value longer than any source's (a DLQ may serve several)
                    keys = ("MessageRetentionPeriod",)
                    edits = [Set(model.fix_path(dlq.prop_path(), keys, b), MAX_RETENTION) for b in retention(model, dlq)
                             if as_int(b.value) is not None and as_int(b.value) < MAX_RETENTION]
                    edits += [Set(model.fix_path(dlq.prop_path(), keys, dst), MAX_RETENTION)] if not edits else []
                    fix = Fix(f"set the dead-letter queue's MessageRetentionPeriod: {MAX_RETENTION}", edits)
                    return (dlq.finding_path(dst.path),
                            f"Dead-letter queue '{dlq.logical_id}' keeps messages {d} s, not longer than its "
                            f"standard source queue '{source.logical_id}' ({s} s){when}: moved messages keep their "
                            "original enqueue time, so they can expire in the dead-letter queue almost at once. "
                            "Set the dead-letter queue's MessageRetentionPeriod longer than the source's "
                            f"(at most {MAX_RETENTION}, 14 days).", fix)
        return None
