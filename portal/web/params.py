"""Numbers taken from a request (ids, years, page numbers)."""
from werkzeug.routing import IntegerConverter

# PostgreSQL `integer` columns; SQLite refuses beyond 2**63 with an OverflowError.
DB_INT_MAX = 2**31 - 1


def db_int(value) -> int:
    """int() for a number the database will be asked about. A number no column can hold raises
    ValueError as a non-number does, so `request.args.get(name, type=db_int)` falls back to the
    default instead of the database refusing the query (a 500)."""
    number = int(str(value).strip())
    if not -DB_INT_MAX <= number <= DB_INT_MAX:
        raise ValueError(f"out of range: {value!r}")
    return number


class DbIntConverter(IntegerConverter):
    """`<int:…>` in a URL, up to what the database holds: /bien-ban/99999999999999999999.pdf does
    not match (a 404) instead of reaching a query SQLite refuses with an OverflowError (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
