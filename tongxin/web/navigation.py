"""Each app announces its own top-bar links and home-page actions; the shell only shows them.

An app registers two functions in its `AppConfig.ready()`: one giving the top-bar links a user may use, one the
home-page cards. Both are asked per request, so what a person sees follows their roles and scope.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    description: str = ""


LinkProvider = Callable[[object], list[Link]]
_nav: list[tuple[int, LinkProvider]] = []
_actions: list[tuple[int, LinkProvider]] = []


def register(*, order: int, nav: LinkProvider | None = None, actions: LinkProvider | None = None) -> None:
    """Register an app's providers; `order` sorts the apps (lower first)."""
    if nav is not None and all(p is not nav for _, p in _nav):
        _nav.append((order, nav))
        _nav.sort(key=lambda item: item[0])
    if actions is not None and all(p is not actions for _, p in _actions):
        _actions.append((order, actions))
        _actions.sort(key=lambda item: item[0])


def _collect(providers: list[tuple[int, LinkProvider]], user) -> list[Link]:
    seen, links = set(), []
    for _, provider in providers:
        for link in provider(user):
            if link.url not in seen:
                seen.add(link.url)
                links.append(link)
    return links


def nav_for(user) -> list[Link]:
    if not getattr(user, "is_authenticated", False):
        return []
    return _collect(_nav, user)


def actions_for(user) -> list[Link]:
    if not getattr(user, "is_authenticated", False):
        return []
    return _collect(_actions, user)


def role_cards(table, roles) -> list[Link]:
    """Home-page cards from an app's table of (role, title, description, url name): one per role held."""
    return [Link(title, reverse(url), text) for role, title, text, url in table if role in roles]
