"""E9504 and W9505: an SQS queue's visibility timeout against the function that consumes it."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import ABSENT, Branch, TemplateModel, as_int
from ...model.invocation import QUEUE, Mapping, invocations
from ...model.crossing import is_local
from ...model.lambda_config import DEFAULT_VISIBILITY_TIMEOUT, int_branches, node_int_branches, timeouts
from ...model.template import referenced_id

from .._base import BestPracticeRule


def _direct_ref(model: TemplateModel, node, rtype: str) -> bool:
    res = model.resources.get(referenced_id(node) or "")
    return res is not None and res.type == rtype


def _first_branch(node):
    """What stock cfn-lint reads for a value under `Fn::If`: the first branch, all the way down."""
    while isinstance(node, dict) and len(node) == 1 and isinstance(node.get("Fn::If"), list) \
            and len(node["Fn::If"]) == 3:
        node = node["Fn::If"][1]
    return node


def _seconds(node) -> int | None:
    return None if isinstance(node, bool) or not isinstance(node, (int, str)) else as_int(node)


def e3505_reading(model: TemplateModel, mapping: Mapping) -> tuple | None:
    """(queue, function, visibility, timeout) that stock E3505 compares for a plain mapping, or None when
    it compares nothing. E3505 lints one template at a time, follows only direct references to the queue
    and to an AWS::Lambda::Function, takes the first branch of every `Fn::If` on the way, does not resolve
    a parameter and does not fill in an absent Timeout (an absent VisibilityTimeout is 30 s)."""
    if mapping.resource.type != "AWS::Lambda::EventSourceMapping" or not is_local(model, mapping.resource):
        return None
    fn_node = _first_branch(mapping.props.get("FunctionName"))
    queue_node = _first_branch(mapping.props.get("EventSourceArn"))
    if not (_direct_ref(model, fn_node, "AWS::Lambda::Function") and _direct_ref(model, queue_node, QUEUE)):
        return None
    fn, queue = model.resources[referenced_id(fn_node)], model.resources[referenced_id(queue_node)]
    vis = (_seconds(_first_branch(queue.props["VisibilityTimeout"])) if "VisibilityTimeout" in queue.props
           else DEFAULT_VISIBILITY_TIMEOUT)
    timeout = _seconds(_first_branch(fn.props.get("Timeout")))
    if vis is None or timeout is None:
        return None
    return queue.logical_id, fn.logical_id, vis, timeout


def reported_by_e3505(model: TemplateModel, mapping: Mapping, queue=None, fn=None, visibility=None,
                      timeout=None) -> bool:
    """Whether stock E3505 reports this very pair with these values (what it reads: `e3505_reading`), so
    that it is not reported twice; a pair it misreads (another `Fn::If` branch, a parameter, a SAM
    function, an alias) is judged here."""
    reading = e3505_reading(model, mapping)
    if reading is None or reading[2] >= reading[3]:
        return False
    if queue is None:
        return True
    return reading == (queue.logical_id, fn.logical_id, visibility, timeout)


def pairs(model: TemplateModel):
    """(mapping, queue resource, function resource, combination branch, (timeout, visibility, window))
    for every SQS mapping whose queue and function are in the template."""
    for mapping in invocations(model).mappings:
        if mapping.kind != "sqs" or mapping.target is None:
            continue
        queue_id = model.lookup(mapping.source, (QUEUE,))
        if not queue_id:
            continue
        queue = model.resources[queue_id]
        fn = model.resources[mapping.target.function]
        vis = int_branches(model, queue, "VisibilityTimeout", default=DEFAULT_VISIBILITY_TIMEOUT)
        window = node_int_branches(model, mapping.props, mapping.path, "MaximumBatchingWindowInSeconds", default=0)
        for (_, v, t, w), both in model.combine([mapping.scenario], vis, timeouts(model, fn), window):
            yield (mapping, queue, fn, Branch(v.value, both.conditions, v.path, both.params),
                   (t.value, v.value, w.value), v)


MAX_VISIBILITY = 43200  # 12 hours, the longest SQS allows


def _all_known(model: TemplateModel, node) -> bool:
    # a value from a parameter is not known either: the next deployment may pass another
    return node is None or all((b.value is ABSENT or as_int(b.value) is not None) and not b.params
                               for b in model.branches(node))


def visibility_fix(model: TemplateModel, queue, vis, factor: int):
    """VisibilityTimeout = factor x the function's Timeout + the batching window, the largest over every
    consumer of the queue and every scenario of their values, written in the branch `vis` read; NoFix
    when a consumer's timeout or window cannot be known, or the value exceeds the 12-hour maximum."""
    def build():
        wanted: dict = {}
        for mapping, q, fn, _, (timeout, _, window), v in pairs(model):
            key = (q.logical_id, tuple(v.path))
            known = (_all_known(model, fn.props.get("Timeout"))
                     and _all_known(model, mapping.props.get("MaximumBatchingWindowInSeconds")))
            old = wanted.get(key, (0, True))
            wanted[key] = (max(old[0], timeout, window), old[1] and known)
            wanted.setdefault(("parts",) + key, []).append((timeout, window))
        return wanted
    table = model.memo("sqs_visibility_fix", build)
    parts = table.get(("parts", queue.logical_id, tuple(vis.path)), [])
    known = table.get((queue.logical_id, tuple(vis.path)), (0, False))[1]
    if not parts or not known:
        return NoFix("a consuming function's Timeout or the mapping's batching window is not known "
                     "(a parameter, or a value the template does not set)")
    value = max(factor * t + w for t, w in parts)
    if value > MAX_VISIBILITY:
        return NoFix(f"{factor} x the function's Timeout plus the batching window is {value} s, above the "
                     f"{MAX_VISIBILITY} s maximum visibility timeout")
    path = (queue.prop_path("VisibilityTimeout") if tuple(vis.path) == queue.path
            else model.fix_path(queue.prop_path(), ("VisibilityTimeout",), vis))
    return Fix(f"set VisibilityTimeout: {value}", [Set(path, value)])


class SqsVisibilityBelowTimeout(BestPracticeRule):
    id = "E9504"
    shortdesc = "SQS visibility timeout shorter than the consuming function's timeout"
    description = (
        "Lambda refuses an SQS event source mapping whose queue's VisibilityTimeout (default 30 s) is shorter "
        "than the function's Timeout (default 3 s). Covers SAM SQS events and mappings that name the function "
        "through an alias or version, the other Fn::If branches and parameters, which stock E3505 does not follow; the pair E3505 reads and reports is left to it."
    )
    tags = ["lambda", "sqs", "serverless"]
    resource_types = ("AWS::SQS::Queue",)
    fixable = "safe"

    def findings(self, model: TemplateModel):
        seen = set()
        for mapping, queue, fn, both, (timeout, visibility, _), vis in pairs(model):
            if visibility >= timeout or reported_by_e3505(model, mapping, queue, fn, visibility, timeout):
                continue
            key = (mapping.label, both.conditions, both.params)
            if key in seen:
                continue
            seen.add(key)
            yield (queue.finding_path(both.path),
                   f"Queue '{queue.logical_id}' has a visibility timeout of {visibility} s, shorter than the "
                   f"{timeout} s Timeout of function '{fn.logical_id}' that consumes it through "
                   f"{mapping.label}{both.describe()}: Lambda rejects the mapping, so the stack fails. Set the "
                   f"queue's VisibilityTimeout to at least six times the function's Timeout ({6 * timeout} s).",
                   visibility_fix(model, queue, vis, 6))


class SqsVisibilityBelowGuidance(BestPracticeRule):
    id = "W9505"
    shortdesc = "SQS visibility timeout below six times the consuming function's timeout"
    description = (
        "AWS advises a queue visibility timeout of at least six times the consuming function's Timeout, so that "
        "batches retried after throttling are not received twice; the pack adds the mapping's "
        "MaximumBatchingWindowInSeconds, the time a batch can wait before the function even starts. Plain "
        "mappings (also through aliases and versions) and SAM SQS events."
    )
    tags = ["lambda", "sqs", "serverless"]
    resource_types = ("AWS::SQS::Queue",)
    fixable = "safe"
    options = {
        "multiplier": {
            "default": 6,
            "type": "integer",
            "description": "How many function timeouts the visibility timeout should cover (AWS advises 6)",
        },
    }

    def findings(self, model: TemplateModel):
        factor = int(self.config.get("multiplier", 6))
        seen = set()
        for mapping, queue, fn, both, (timeout, visibility, window), vis in pairs(model):
            wanted = factor * timeout + window
            if visibility < timeout or visibility >= wanted:
                continue  # below the timeout is E9504's (or E3505's) error
            key = (mapping.label, both.conditions, both.params)
            if key in seen:
                continue
            seen.add(key)
            extra = f" plus its {window} s batching window" if window else ""
            yield (queue.finding_path(both.path),
                   f"Queue '{queue.logical_id}' has a visibility timeout of {visibility} s, less than {factor} times "
                   f"the {timeout} s Timeout of function '{fn.logical_id}'{extra} ({wanted} s), which consumes it "
                   f"through {mapping.label}{both.describe()}: a batch that is retried after throttling can "
                   f"become visible again while it is still being processed and be handled twice. Set "
                   f"VisibilityTimeout to at least {wanted}.", visibility_fix(model, queue, vis, factor))
