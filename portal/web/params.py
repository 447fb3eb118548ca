"""Numbers taken from a request (ids, years, page numbers)."""

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
