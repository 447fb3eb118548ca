"""Who may do what with assignments."""
from portal.accounts import roles as R


def can_edit(user) -> bool:
    """Only the secretariat (and the admin standing in for it) changes assignments."""
    return user.is_authenticated and user.has_role(*R.MANAGERS)
