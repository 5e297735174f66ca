"""E9813: a Cognito app client callback URL that Cognito refuses (http:// other than localhost, a fragment)."""

from __future__ import annotations

import re
from typing import Iterator

from ...model import ABSENT, Branch, TemplateModel, show
from ...model.policies import uncovered
from ...model.values import is_literal
from .._base import BestPracticeRule

CLIENT = "AWS::Cognito::UserPoolClient"
# AWS documents http://localhost as the one exception; loopback addresses are left alone (we cannot
# confirm that Cognito refuses them, and a false error is worse than a miss)
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
_HTTP = re.compile(r"(?i)http://([^/?#]*)")


def _host(authority: str) -> str:
    """The host of a URL authority: without user info and port."""
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.split(":", 1)[0].lower()


def problem(url: str) -> str | None:
    """Why Cognito refuses this redirect URL, or None (also when a deploy-time part hides it)."""
    m = _HTTP.match(url)
    if m:
        authority = m.group(1)
        if is_literal(authority) and _host(authority) not in LOOPBACK:
            return "uses http:// with a host other than localhost (Cognito requires HTTPS except for http://localhost)"
    # a fragment: a '#' written in the URL itself, not inside a stand-in for a deploy-time value
    if "#" in re.sub("\u27e6[^\u27e7]*\u27e7", "", url):
        return "contains a fragment ('#'), and a redirect URI must not"
    return None


class CognitoCallbackUrls(BestPracticeRule):
    id = "E9813"
    shortdesc = "Cognito callback URL that Cognito refuses"
    description = (
        "A user pool app client's CallbackURLs and DefaultRedirectURI must be absolute URIs without a fragment, "
        "and HTTPS except http://localhost (app schemes such as myapp:// are allowed); DefaultRedirectURI must "
        "be one of the CallbackURLs. Cognito rejects the client otherwise, and the stack fails."
    )
    tags = ["cognito", "oauth", "security"]
    resource_types = (CLIENT,)

    @staticmethod
    def _items(model: TemplateModel, res, key: str) -> Iterator[tuple[Branch, list]]:
        """(list branch, [(item branch with absolute path)]) for a list property; an absent list (in a
        scenario, `AWS::NoValue`) has no items."""
        for br in model.prop(res, key):
            if br.value is ABSENT:
                yield br, []
                continue
            if not isinstance(br.value, list):
                continue
            items = []
            for i, item in enumerate(br.value):
                for sub in model.branches(item):
                    both = model.together(br, sub)
                    if both is not None:
                        items.append(Branch(sub.value, both.conditions, br.path + (i,) + sub.path, both.params))
            yield br, items

    def findings(self, model: TemplateModel):
        for res in model.of_type(CLIENT):
            seen: set = set()
            callbacks = list(self._items(model, res, "CallbackURLs"))
            for _, items in callbacks:
                for item in items:
                    yield from self._judge(res, "CallbackURLs", item, seen)
            for br in model.prop(res, "DefaultRedirectURI"):
                if not isinstance(br.value, str):
                    continue
                before = len(seen)
                yield from self._judge(res, "DefaultRedirectURI", br, seen)
                if len(seen) > before:
                    continue
                yield from self._in_callbacks(model, res, br, callbacks)

    @staticmethod
    def _judge(res, key: str, br: Branch, seen: set):
        if not isinstance(br.value, str):
            return
        why = problem(br.value)
        if why and br.path not in seen:
            seen.add(br.path)
            yield (br.path,
                   f"{key} of app client '{res.logical_id}' includes {show(br.value)}{br.describe()}, which {why}: "
                   "Cognito rejects the client and the stack fails. Use an https:// URL (or http://localhost "
                   "for local testing, or an app scheme such as myapp://) without '#'.")

    @staticmethod
    def _in_callbacks(model: TemplateModel, res, br: Branch, callbacks: list):
        """DefaultRedirectURI must be one of the CallbackURLs, in every scenario where both are known: an
        item that exists only in some scenarios (under `Fn::If`) matches only there."""
        for lst, items in callbacks:
            need = model.together(br, lst)
            if need is None:
                continue
            values = [i for i in items if i.value is not ABSENT and model.together(i, need) is not None]
            if not is_literal(br.value) or not all(is_literal(i.value) for i in values):
                continue  # a deploy-time value (or one we cannot know) may be the one that matches
            scenario = uncovered(model, need, [i for i in values if i.value == br.value])
            if scenario is None:
                continue
            if lst.value is ABSENT:
                yield (br.path,
                       f"App client '{res.logical_id}' sets DefaultRedirectURI {show(br.value)} but no CallbackURLs"
                       f"{scenario.describe()}: the default redirect URI must be one of the CallbackURLs, so Cognito "
                       "rejects the client. Add it to CallbackURLs.")
            else:
                yield (br.path,
                       f"DefaultRedirectURI {show(br.value)} of app client '{res.logical_id}' is not one of its "
                       f"CallbackURLs{scenario.describe()}: Cognito rejects the client. Add it to CallbackURLs "
                       "or choose one of them.")
            return
