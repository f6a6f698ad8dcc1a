from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin


class TokenForm(BoundedTextMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
            }
        ),
        help_text=_("The 6 digits your authenticator app shows now, or one recovery code."),
    )


class SetupForm(BoundedTextMixin, forms.Form):
    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class ResetWithCodeForm(BoundedTextMixin, forms.Form):
    card_number = forms.CharField(
        label=_("Party card number or user name"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label=_("Reset code"),
        max_length=20,
        help_text=_("The 8 digits the secretary of your cell gave you."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two passwords differ."))
        return data
