"""W9701: a network ACL that lets requests in (or out) but drops their responses."""

from __future__ import annotations

import itertools

from ...model import TemplateModel
from ...model.values import Branch
from ...model.nacl import PROTOCOL_NAMES, evaluate, parse_entry, show_ranges
from .._base import BestPracticeRule

# An allow entry whose ports reach up into this range is taken to be a return-traffic entry itself
# (1024-65535, 32768-65535, 49152-65535 ...), not a service that clients connect to.
_RETURN_TRAFFIC_MARK = (49152, 65535)


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
            entries = [parse_entry(model, r) for r in resources]
            if any(e is None for e in entries):
                continue  # a field we cannot know (a value under Fn::If too): we do not guess what the ACL does
            # an entry with its own Condition exists only where it holds: the ACL is judged in each scenario
            # of its entries' conditions, and a finding that does not hold in all of them names its scenario
            names = sorted({e.resource.condition for e in entries if e.resource.condition})
            if len(names) > 8:
                continue  # too many scenarios to walk: not judged
            scenarios = []
            for values in itertools.product((True, False), repeat=len(names)):
                scenario = Branch(None, tuple(zip(names, values)))
                if model.together(Branch(None), scenario) is not None:
                    scenarios.append(scenario)
            found: dict = {}
            for scenario in scenarios:
                chosen = dict(scenario.conditions)
                present = [e for e in entries if not e.resource.condition or chosen[e.resource.condition]]
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
