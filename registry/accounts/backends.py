from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from registry.members.models import normalise_card_number


class IdentifierBackend(ModelBackend):
    """Sign in with a party card number, an email address or a username. A locked (inactive)
    account is refused like a wrong password: the answer never tells whether the guess was
    right."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            get_user_model()().set_password(password)  # same cost as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with their member record, which every page's
        navigation asks for (one query instead of two)."""
        User = get_user_model()
        try:
            user = User._default_manager.select_related("member").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def find_user_by_identifier(identifier: str):
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    card = normalise_card_number(identifier)
    if card:
        user = User.objects.filter(member__card_number=card).first()
        if user is not None:
            return user
    return User.objects.filter(username=identifier).first()


def throttle_key(request, credentials) -> str:
    """What sign-in throttling counts failures against: the account the identifier names
    (so "21.076.213", "21076213" and the account's email are one account), or the identifier
    as typed, folded to one spelling, when it names none."""
    typed = str((credentials or {}).get("username") or "").strip()
    user = find_user_by_identifier(typed)
    if user is not None:
        return user.get_username()
    return normalise_card_number(typed) or typed.lower()


def lockout_response(request, original_response=None, credentials=None):
    """A locked-out sign-in is answered exactly as a wrong password is: the page that the
    sign-in view already rendered (the form with its "do not match" message)."""
    return original_response
