"""W9701: a network ACL that lets requests in (or out) but drops their responses."""

from __future__ import annotations

import itertools

from ...model import Resource, TemplateModel
from ...model.values import Branch
from ...model.nacl import PROTOCOL_NAMES, evaluate, parse_entry, show_ranges
from .._base import BestPracticeRule

# An allow entry whose ports reach up into this range is taken to be a return-traffic entry itself
# (1024-65535, 32768-65535, 49152-65535 ...), not a service that clients connect to.
_RETURN_TRAFFIC_MARK = (49152, 65535)


_NOVALUE = object()


def _if_names(node) -> set:
    """The conditions of the `Fn::If`s inside a node."""
    out: set = set()
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            args = cur.get("Fn::If") if len(cur) == 1 else None
            if isinstance(args, list) and len(args) == 3 and isinstance(args[0], str):
                out.add(args[0])
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return out


def _render(node, truth: dict):
    """A node with each `Fn::If` replaced by the branch `truth` chooses and `AWS::NoValue` left out."""
    if isinstance(node, dict):
        if len(node) == 1:
            (key, args), = node.items()
            if key == "Fn::If" and isinstance(args, list) and len(args) == 3 and isinstance(args[0], str) \
                    and args[0] in truth:
                return _render(args[1] if truth[args[0]] else args[2], truth)
            if key == "Ref" and args == "AWS::NoValue":
                return _NOVALUE
        out = {}
        for key, value in node.items():
            value = _render(value, truth)
            if value is not _NOVALUE:
                out[key] = value
        return out
    if isinstance(node, list):
        return [v for v in (_render(item, truth) for item in node) if v is not _NOVALUE]
    return node


class NaclReturnTraffic(BestPracticeRule):
    id = "W9701"
    shortdesc = "Network ACL blocks return traffic on ephemeral ports"
    description = (
        "Network ACLs are stateless: for each allow entry that admits TCP or UDP traffic in one direction, "
        "the responses need the other direction to allow the same protocol and peer on the ephemeral ports "
        "(1024-65535 by default). Entries are evaluated as AWS does: lowest rule number first, first match "
        "wins, implicit deny."
    )
    tags = ["vpc", "nacl", "networking"]
    resource_types = ("AWS::EC2::NetworkAclEntry",)
    options = {
        "ephemeral_port_from": {"default": 1024, "type": "integer",
                                "description": "Lowest ephemeral port clients may use"},
        "ephemeral_port_to": {"default": 65535, "type": "integer",
                              "description": "Highest ephemeral port clients may use"},
    }

    def findings(self, model: TemplateModel):
        ephemeral = (int(self.config.get("ephemeral_port_from", 1024)), int(self.config.get("ephemeral_port_to", 65535)))
        for acl, resources in sorted(model.nacl_entries.items()):
            # an entry with its own Condition exists only where it holds, and a field under Fn::If takes its
            # branch: the ACL is judged in each scenario of those conditions, and a finding that does not
            # hold in all of them names its scenario
            names = sorted({r.condition for r in resources if r.condition} | {n for r in resources for n in _if_names(r.props)})
            if len(names) > 8:
                continue  # too many scenarios to walk: not judged
            scenarios = []
            for values in itertools.product((True, False), repeat=len(names)):
                scenario = Branch(None, tuple(zip(names, values)))
                if model.together(Branch(None), scenario) is not None:
                    scenarios.append(scenario)
            per_scenario = []
            for scenario in scenarios:
                truth = dict(scenario.conditions)
                present = [Resource(r.logical_id, r.type, _render(r.props, truth), r.condition) for r in resources
                           if not r.condition or truth[r.condition]]
                entries = [parse_entry(model, r) for r in present]
                if any(e is None for e in entries):
                    per_scenario = None
                    break  # a field we cannot know: we do not guess what the ACL does
                per_scenario.append((scenario, entries))
            if per_scenario is None:
                continue
            found: dict = {}
            for scenario, present in per_scenario:
                for key, path, message in self._judge(acl, present, ephemeral):
                    found.setdefault(key, (path, message, []))[2].append(scenario)
            for path, message, where in found.values():
                scenario = where[0] if len(where) < len(scenarios) else Branch(None)
                yield (path, message(scenario))

    @staticmethod
    def _judge(acl: str, entries: list, ephemeral: tuple):
        """(key, path, message for a scenario) for each group of requests whose responses are dropped."""
        by_direction = {True: [e for e in entries if e.egress], False: [e for e in entries if not e.egress]}
        groups: dict[tuple, list] = {}
        for e in sorted(entries, key=lambda x: (x.egress, x.number)):
            if not e.allow or e.protocol not in (6, 17):
                continue
            if e.ports[0] <= _RETURN_TRAFFIC_MARK[0] and e.ports[1] >= _RETURN_TRAFFIC_MARK[1]:
                continue
            # Skip entries that lower-numbered rules already decide entirely: they admit nothing.
            earlier = [x for x in by_direction[e.egress] if x.number < e.number]
            if not evaluate(earlier, e.protocol, e.network, e.ports).unmatched:
                continue
            groups.setdefault((e.egress, e.protocol, e.network), []).append(e)
        for (egress, protocol, peer), requests in groups.items():
            verdict = evaluate(by_direction[not egress], protocol, peer, ephemeral)
            if not verdict.blocked:
                continue
            first = requests[0]
            proto = PROTOCOL_NAMES[protocol]
            ports = show_ranges(sorted({r.ports for r in requests}))
            asked = "inbound" if not egress else "outbound"
            answer = "outbound" if not egress else "inbound"
            toward = "from" if not egress else "to"
            back = "to" if not egress else "from"
            causes = [f"rule {d.number} ('{d.resource.logical_id}') denies {show_ranges(r)}" for d, r in verdict.denied]
            if verdict.unmatched:
                causes.append(f"no rule allows {show_ranges(verdict.unmatched)}, so the implicit deny drops them")
            entries_named = ", ".join(f"entry '{r.resource.logical_id}', rule {r.number}" for r in requests)

            def message(scenario, proto=proto, ports=ports, asked=asked, answer=answer, toward=toward, back=back,
                        causes=causes, entries_named=entries_named, peer=peer):
                return (f"Network ACL '{acl}' allows {asked} {proto} port {ports} {toward} {peer} ({entries_named})"
                        f"{scenario.describe()}, but its {answer} rules drop the responses {back} {peer} on ephemeral "
                        f"ports {show_ranges([ephemeral])}: {'; '.join(causes)}. NACLs are stateless: add an {answer} "
                        f"allow entry for {proto} {show_ranges([ephemeral])} {back} {peer}, numbered below any "
                        "deny that overlaps it.")
            yield (egress, protocol, peer, first.resource.logical_id), first.resource.path, message
