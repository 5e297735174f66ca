"""Network ACL entries and their evaluation the way AWS does it: lowest rule number first, the first
matching rule decides, and what no rule matches is denied."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable

from .template import Resource, TemplateModel
from .values import ABSENT, UNKNOWN, as_bool, as_int

ALL_PORTS = (0, 65535)
PROTOCOL_NAMES = {6: "TCP", 17: "UDP", -1: "all traffic"}

Ranges = list  # list[tuple[int, int]], sorted, disjoint


@dataclass(frozen=True)
class Entry:
    resource: Resource
    number: int
    protocol: int
    allow: bool
    egress: bool
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    ports: tuple[int, int]


def _value(model: TemplateModel, res: Resource, key: str, default=ABSENT):
    node = res.props.get(key, ABSENT)
    if node is ABSENT:
        return default
    return model.resolver.one(node)


def parse_entry(model: TemplateModel, res: Resource) -> Entry | None:
    """The entry with every field known, or None when any field cannot be known."""
    number = as_int(_value(model, res, "RuleNumber"))
    protocol = as_int(_value(model, res, "Protocol"))
    action = _value(model, res, "RuleAction")
    egress = _value(model, res, "Egress", False)
    egress = as_bool(egress) if egress is not False else False
    cidr = _value(model, res, "CidrBlock")
    if cidr is ABSENT:
        cidr = _value(model, res, "Ipv6CidrBlock")
    if None in (number, protocol, egress) or not isinstance(action, str) or not isinstance(cidr, str):
        return None
    if action.lower() not in ("allow", "deny"):
        return None
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None
    ports = ALL_PORTS
    if protocol in (6, 17):
        port_range = _value(model, res, "PortRange")
        if not isinstance(port_range, dict):
            return None
        lo = as_int(model.resolver.one(port_range.get("From")))
        hi = as_int(model.resolver.one(port_range.get("To")))
        if lo is None or hi is None or lo > hi:
            return None
        ports = (lo, hi)
    return Entry(res, number, protocol, action.lower() == "allow", egress, network, ports)


def subtract(ranges: Ranges, cut: tuple[int, int]) -> Ranges:
    out = []
    for lo, hi in ranges:
        if cut[1] < lo or cut[0] > hi:
            out.append((lo, hi))
            continue
        if lo < cut[0]:
            out.append((lo, cut[0] - 1))
        if hi > cut[1]:
            out.append((cut[1] + 1, hi))
    return out


def intersect(ranges: Ranges, cut: tuple[int, int]) -> Ranges:
    out = []
    for lo, hi in ranges:
        a, b = max(lo, cut[0]), min(hi, cut[1])
        if a <= b:
            out.append((a, b))
    return out


@dataclass
class Verdict:
    denied: list[tuple[Entry, Ranges]]  # lower-numbered deny entries and the ports they take
    unmatched: Ranges  # ports no rule matches: the implicit deny
    uncertain: bool  # partial entries span the peer's addresses between them: we do not judge

    @property
    def blocked(self) -> bool:
        return not self.uncertain and bool(self.denied or self.unmatched)


def evaluate(entries: Iterable[Entry], protocol: int, peer, ports: tuple[int, int]) -> Verdict:
    """What the entries (one direction of one ACL) do to `protocol` traffic with `peer` on `ports`."""
    remaining: Ranges = [ports]
    denied: list[tuple[Entry, Ranges]] = []
    partial = []  # networks of allow entries that cover only part of the peer's addresses
    for entry in sorted(entries, key=lambda e: e.number):
        if not remaining:
            break
        if entry.protocol not in (protocol, -1) or entry.network.version != peer.version:
            continue
        if not peer.subnet_of(entry.network):
            if entry.network.overlaps(peer) and entry.allow and intersect(remaining, entry.ports):
                partial.append(entry.network)
            continue
        hit = intersect(remaining, entry.ports)
        if not hit:
            continue
        remaining = subtract(remaining, entry.ports)
        if not entry.allow:
            denied.append((entry, hit))
    # The verdict holds for the peer's addresses outside every partial allow. Only when partial
    # allows together span the whole peer range is there no such address: then we do not judge.
    uncertain = any(peer.subnet_of(net) for net in ipaddress.collapse_addresses(partial)) if partial else False
    return Verdict(denied, remaining, uncertain)


def show_ranges(ranges: Ranges) -> str:
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)


__all__ = ["Entry", "Verdict", "evaluate", "parse_entry", "show_ranges", "PROTOCOL_NAMES", "UNKNOWN"]
