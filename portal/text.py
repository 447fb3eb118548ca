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


def clean(value: str | None) -> str:
    """What every free-text field stores: NFC, trimmed, Windows line ends folded."""
    return nfc(value).replace("\r\n", "\n").strip()
