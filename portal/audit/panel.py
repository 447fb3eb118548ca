"""A record page's change-history panel, loaded only when the reader opens it.

The record page carries a closed <details> (the `lazy_history` macro in _macros.html), so the
page itself runs no change-log query. Opening the panel asks the record's own history route
(htmx), which answers the table alone; without JavaScript the panel's link opens the same route
as a page of its own. Each area's route loads the record through the record page's own
permission check (404 / 403 exactly as the page), then answers with `history_page`."""
from portal.web.htmx import render

from .names import describe
from .present import present


def history_page(obj, entries, back_url: str):
    """The history table of `obj` (its change-log `entries`, newest first): the fragment for the
    panel's htmx request, a page with the layout and a way back to the record otherwise."""
    return render("audit/history.html", "panel", views=present(entries), name=describe(obj), back=back_url)
