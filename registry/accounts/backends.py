from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from registry.members.models import normalise_card_number


class IdentifierBackend(ModelBackend):
    """Sign in with a party card number, an email address or a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            get_user_model()().set_password(password)  # same cost as a real check
            return None
        if user.check_password(password):
            # A locked account with the right password is returned so that the sign-in
            # form can say it is locked; `get_user` still refuses it any session.
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
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    card = normalise_card_number(identifier)
    if card:
        user = User.objects.filter(member__card_number=card).first()
        if user is not None:
            return user
    return User.objects.filter(username=identifier).first()
