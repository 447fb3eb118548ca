"""Rules for a NEW password (set, changed or reset). Existing passwords are not re-checked at
login, so accounts keep working; the rules bite the next time a password is chosen.

A password is refused when it is shorter than MIN_LENGTH, is or contains the username, or its
core (lower-case, accents and digits/symbols around it removed) is on the list of common
passwords and Vietnamese patterns below, or is the ward's name. "ThanhSen@2026" has the core
"thanhsen" (the ward) and "12345678" is a keyboard run: both refused.
"""
import re

from portal.text import fold

MIN_LENGTH = 8
MAX_LENGTH = 128

# Words that, with digits or symbols around them, make most guessed passwords. English top
# lists plus Vietnamese: "mật khẩu", "anh yêu em", common names, places and office words.
COMMON_CORES = {
    "password", "passw0rd", "pass", "admin", "administrator", "root", "user", "login", "welcome",
    "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn", "zxcvbnm", "abc", "abcd", "abcdef",
    "abcdefgh", "iloveyou", "letmein", "monkey", "dragon", "master", "sunshine", "princess",
    "football", "baseball", "shadow", "superman", "batman", "trustno", "secret", "changeme",
    "test", "guest", "default", "hello", "freedom", "whatever", "starwars", "computer",
    # Vietnamese
    "matkhau", "mk", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "anhyeu", "iloveu", "vietnam",
    "vietnamvodich", "hanoi", "saigon", "hochiminh", "danang", "haiphong", "cantho", "hue",
    "ubnd", "ubndphuong", "phuong", "xaphuong", "cchc", "caicachhanhchinh", "kiemtra",
    "vanphong", "congchuc", "canbo", "thanhsen", "hatinh", "tinhhatinh", "nguyen", "tran", "le",
    "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly",
    "minh", "anh", "linh", "huong", "lan", "hoa", "mai", "thu", "trang", "hung", "dung", "tuan",
    "nam", "long", "quang", "thanh", "hai", "son", "duc", "khanh", "ngoc", "phuong", "yen",
    "baby", "honey", "conyeu", "bame", "giadinh", "hanhphuc", "tinhyeu", "muaxuan", "tet",
}
KEYBOARD_RUNS = ("1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _core(password: str) -> str:
    folded = fold(password).replace(" ", "")
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", folded)


def _is_run_or_repeat(text: str) -> bool:
    if len(set(text)) <= 2:
        return True  # "aaaaaaaa", "12121212"
    return any(text in run or text in run[::-1] for run in KEYBOARD_RUNS)


def problems(password: str, username: str = "", ward_name: str = "") -> list[str]:
    """Vietnamese messages, empty when the password is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        return [f"Mật khẩu phải có từ {MIN_LENGTH} đến {MAX_LENGTH} ký tự."]
    folded = fold(password).replace(" ", "")
    user = fold(username).replace(" ", "")
    if user and len(user) >= 3 and (user in folded or folded in user):
        return ["Mật khẩu không được chứa tên đăng nhập."]
    core = _core(password)
    ward = re.sub(r"[^a-z]", "", fold(ward_name).removeprefix("phuong"))
    digits_only = re.sub(r"\D", "", folded)
    if (_is_run_or_repeat(folded) or (digits_only == folded and _is_run_or_repeat(digits_only))
            or core in COMMON_CORES or (ward and core in (ward, f"phuong{ward}"))
            or (core and _is_run_or_repeat(core) and len(core) >= 3)):
        return ["Mật khẩu quá dễ đoán (mật khẩu phổ biến, tên phường, tên người, dãy phím liền nhau). "
                "Hãy dùng một cụm từ dài hơn, ví dụ ghép ba, bốn từ không liên quan."]
    if digits_only == folded and len(set(folded)) < 5:
        return ["Mật khẩu chỉ gồm chữ số thì phải ít lặp lại hơn; tốt hơn hãy thêm chữ."]
    return []


def current_problems(password: str, username: str = "") -> list[str]:
    """problems() with the ward's name from the settings (inside a request or app context)."""
    from portal.settings.models import get_settings

    return problems(password, username, get_settings().ward_name)
