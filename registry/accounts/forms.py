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
    }
    # A locked account gets the same answer as a wrong password: it confirms nothing.
    error_messages["inactive"] = error_messages["invalid_login"]
