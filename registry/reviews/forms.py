from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin, confirm_field

# A section of a review may run to a few pages.
SECTION_MAX = 15_000


def _area(rows):
    return forms.Textarea(attrs={"rows": rows})


class ReviewTextForm(BoundedTextMixin, forms.Form):
    """Everything of a review that people write: what the PDF prints besides the figures."""

    results = forms.CharField(
        label=_("Results and assessment"), required=False, widget=_area(6), max_length=SECTION_MAX
    )
    limitations = forms.CharField(
        label=_("Limitations and causes"),
        required=False,
        max_length=SECTION_MAX,
        widget=_area(4),
        help_text=_("Left empty, the section is not printed."),
    )
    next_tasks = forms.CharField(
        label=_("Tasks for the next period"),
        required=False,
        widget=_area(4),
        max_length=SECTION_MAX,
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


class IssueForm(BoundedTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(widget=forms.HiddenInput)
    confirm_early = forms.BooleanField(
        label=_("I understand, and issue the review now all the same."), required=False
    )
    confirm = confirm_field(
        _("I have looked at the preview: issue the number and lock the review."),
        _("A number once issued is never given again; a mistake is corrected by a replacement."),
    )


class ReplaceForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(label=_("What does the replacement correct?"), widget=_area(2))


class TermReviewForm(BoundedTextMixin, forms.Form):
    """A review of several years: mid-term (sơ kết) or closing the term (tổng kết), and its
    first and last years (the service says which spans it takes)."""

    stage = forms.ChoiceField(
        label=_("Kind of review"),
        choices=[
            ("mid", _("Mid-term review (sơ kết)")),
            ("closing", _("Review that closes the term (tổng kết)")),
        ],
        initial="mid",
        widget=forms.RadioSelect,
    )
    first_year = forms.IntegerField(
        label=_("First year"), widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5})
    )
    last_year = forms.IntegerField(
        label=_("Last year"), widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5})
    )
