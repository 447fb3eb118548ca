"""Events raised by other areas' services, turned into notifications for the people concerned.

A service adds one line where something happens, e.g. ``events.emit("report_submitted", report)``;
who is told, what it says and where it links live in handlers.py. A handler's failure is logged
and never breaks the action that raised it (the action matters more than its message).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable

from portal.extensions import db

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable] = {}
_QUIET: ContextVar[bool] = ContextVar("notifications_quiet", default=False)


@contextmanager
def quiet():
    """Raise no notifications inside (loading the demo ward: history, not news)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def handles(name: str):
    """Register the handler of one event (handlers.py)."""
    def decorator(fn):
        HANDLERS[name] = fn
        return fn
    return decorator


def emit(name: str, *args, **kwargs) -> int:
    """Notify whoever `name` concerns. Returns how many notifications were new (0 when repeated).

    Runs inside the caller's transaction (flushes, never commits) in a savepoint, so a failing
    handler rolls back only its own notifications."""
    from . import handlers  # noqa: F401  (registers the handlers)

    if _QUIET.get():
        return 0
    handler = HANDLERS.get(name)
    if handler is None:
        log.error("no handler for event %r", name)
        return 0
    try:
        with db.session.begin_nested():
            return sum(1 for row in handler(*args, **kwargs) or () if row is not None)
    except Exception:
        log.exception("event %s failed to notify", name)
        return 0
