"""htmx helpers: the same URL serves the page, or just the fragment that changes."""
from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    # A boosted link or a history restore wants the whole page, not a fragment.
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str | None = None, status: int = 200, **context):
    """Render the page, or only `block` of it for an htmx request (Vary keeps caches honest)."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def hx_redirect(url: str, status: int = 200):
    """Send the browser elsewhere: a real redirect, or HX-Redirect for an htmx request."""
    from flask import redirect

    if is_htmx():
        response = make_response("", status)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def trigger(response, event: str):
    """Ask the page to react to an event (e.g. refresh a counter) after this response."""
    existing = response.headers.get("HX-Trigger")
    response.headers["HX-Trigger"] = f"{existing}, {event}" if existing else event
    return response
