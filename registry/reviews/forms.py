from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewTextForm(forms.Form):
    results = forms.CharField(
        label=_("Results and assessment"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    limitations = forms.CharField(
        label=_("Limitations and causes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_tasks = forms.CharField(
        label=_("Tasks for the next period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
