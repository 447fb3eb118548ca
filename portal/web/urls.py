"""URLs for the rows of a long list, built once per request instead of once per row.

Flask's url_for walks the URL map and quotes every value each time (~10-20 µs); a list of 50 rows
with two links each spent a tenth of its page there. row_url() builds the URL once with a stand-in
id (kept for the rest of the request) and returns a function that puts each row's id in its
place: `row_url("assignments.detail", "criterion_id")(c.id)` in a template's loop."""
from collections.abc import Callable

from flask import g, url_for

_STAND_IN = 987654321987  # an id no row has: a 12-digit number, unlike any other part of a URL


def row_url(endpoint: str, key: str, **values) -> Callable[[int], str]:
    """A function of one id equal to url_for(endpoint, **{key: id}, **values)."""
    cache = g.setdefault("row_urls", {})
    name = (endpoint, key, *sorted(values.items()))
    if name not in cache:
        head, found, tail = url_for(endpoint, **values, **{key: _STAND_IN}).partition(str(_STAND_IN))
        if not found or str(_STAND_IN) in tail:
            raise ValueError(f"{endpoint}: {key} is not a plain part of the URL")
        cache[name] = lambda value: f"{head}{int(value)}{tail}"
    return cache[name]
