from django import forms
from django.utils.translation import gettext_lazy as _


def _area(rows):
    return forms.Textarea(attrs={"rows": rows})


class ReviewTextForm(forms.Form):
    """Everything of a review that people write: what the PDF prints besides the figures."""

    results = forms.CharField(label=_("Results and assessment"), required=False, widget=_area(6))
    limitations = forms.CharField(
        label=_("Limitations and causes"),
        required=False,
        widget=_area(4),
        help_text=_("Left empty, the section is not printed."),
    )
    next_tasks = forms.CharField(
        label=_("Tasks for the next period"), required=False, widget=_area(4)
    )
    on_behalf = forms.CharField(
        label=_("Signing on behalf of"),
        required=False,
        max_length=60,
        help_text=_("e.g. T/M CHI BỘ"),
    )
    signer_title = forms.CharField(
        label=_("Title of the signer"), required=False, max_length=60, help_text=_("e.g. BÍ THƯ")
    )
    signer_name = forms.CharField(label=_("Name of the signer"), required=False, max_length=120)
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        required=False,
        widget=_area(3),
        help_text=_("One per line."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(widget=forms.HiddenInput)
    confirm_early = forms.BooleanField(
        label=_("I understand, and issue the review now all the same."), required=False
    )


class ReplaceForm(forms.Form):
    reason = forms.CharField(label=_("What does the replacement correct?"), widget=_area(2))
