"""Text helpers for Vietnamese: normalisation and accent-insensitive search keys."""
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "")


def fold(value: str | None) -> str:
    """Lower-case, accent-free form: "Hồ sơ ĐẤT đai" -> "ho so dat dai".

    "đ" is a letter of its own in Unicode, not d plus a mark, so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def search_key(value: str | None) -> str:
    """What a searchable row stores: folded words, punctuation as spaces, a leading space so
    that `phrase_filter` can anchor a phrase at the start of a word."""
    text = "".join(ch if ch.isalnum() else " " for ch in fold(value))
    return " " + " ".join(text.split())


def phrase_filter(column, query: str | None):
    """SQL condition: the query, folded, begins a word of the column ("ho so" finds "hồ sơ"
    but not "họ số"… only where the words follow each other). None for an empty query."""
    key = search_key(query)
    if not key.strip():
        return None
    return column.contains(key, autoescape=True)


def clean(value: str | None) -> str:
    """What every free-text field stores: NFC, trimmed, Windows line ends folded."""
    return nfc(value).replace("\r\n", "\n").strip()
