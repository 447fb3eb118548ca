"""Navigation and home-page panels, contributed by each area's blueprint.

Areas register their own entries so that adding an area never edits the base layout.
"""
from dataclasses import dataclass, field

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...] = ()  # empty: every logged-in user
    order: int = 50
    section: str = "main"  # "main" or "admin"


@dataclass
class Registry:
    items: list[NavItem] = field(default_factory=list)
    # (order, template, roles, context function) shown on the home page
    panels: list[tuple] = field(default_factory=list)


REGISTRY = Registry()


def nav(label: str, endpoint: str, roles=(), order: int = 50, section: str = "main") -> None:
    item = NavItem(label, endpoint, tuple(roles), order, section)
    if item not in REGISTRY.items:
        REGISTRY.items.append(item)


def home_panel(template: str, roles=(), order: int = 50, context=None) -> None:
    entry = (order, template, tuple(roles), context)
    if entry not in REGISTRY.panels:
        REGISTRY.panels.append(entry)


def _mark_current(items: list[dict], endpoint: str | None) -> None:
    """Highlight the item of this exact page; on a page without its own item (a detail page),
    the first item of the same blueprint (nested blueprints included)."""
    if not endpoint:
        return
    exact = [i for i in items if i["endpoint"] == endpoint]
    if exact:
        exact[0]["current"] = True
        return
    blueprint = endpoint.rsplit(".", 1)[0]
    for item in items:
        if item["endpoint"] != "home.index" and item["endpoint"].rsplit(".", 1)[0] == blueprint:
            item["current"] = True
            return


def visible_items(user, section: str = "main") -> list[dict]:
    from flask import request

    out = []
    for item in sorted(REGISTRY.items, key=lambda i: i.order):
        if item.section != section:
            continue
        if item.roles and not user.has_role(*item.roles):
            continue
        out.append({"label": item.label, "url": url_for(item.endpoint), "endpoint": item.endpoint,
                    "current": False})
    _mark_current(out, request.endpoint)
    return out


def visible_panels(user) -> list[tuple[str, dict]]:
    out = []
    for _order, template, roles, context in sorted(REGISTRY.panels, key=lambda p: p[0]):
        if roles and not user.has_role(*roles):
            continue
        out.append((template, context(user) if context else {}))
    return out
