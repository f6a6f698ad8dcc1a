from django import forms
from django.contrib.auth import get_user_model

from registry.core.forms import BoundedTextMixin


class PreferencesForm(BoundedTextMixin, forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["email_reminders"]
