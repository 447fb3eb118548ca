"""One access decorator for every kind of request.

Every endpoint requires a logged-in user unless marked @public (enforced app-wide in
create_app), so a forgotten decorator fails closed. @require(...) adds a role check; object
checks (is this your report?) belong in each area's policy functions, called by the view.
"""
from functools import wraps

from flask import abort, request
from flask_login import current_user

from portal.extensions import login_manager


def public(view):
    view.is_public = True
    return view


def require(*roles: str):
    """Allow the view only to users holding at least one of the roles (any user if none given)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def deny_unless(condition: bool) -> None:
    """Object-level check in a view: a 403 unless the condition holds."""
    if not condition:
        abort(403)


def is_public_endpoint(app) -> bool:
    if request.endpoint is None:
        return True  # 404s are answered by the error handler
    if request.endpoint == "static":
        return True
    view = app.view_functions.get(request.endpoint)
    return bool(getattr(view, "is_public", False))
