from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin


class SignInForm(BoundedTextMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Party card number, email or user name"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    error_messages = {
        "invalid_login": _(
            "The party card number (or email) and password do not match. Check both and try again; "
            "the password is case-sensitive."
        ),
        "inactive": _(
            "This account has been locked. Ask your cell secretary or the administrator."
        ),
    }
