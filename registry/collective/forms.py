from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin, VietnameseDecimalField
from registry.members.models import Member, Membership
from registry.pledges.forms import NUMBER_LIMITS, DateInput, MultipleFileField
from registry.pledges.models import OTHER_UNIT, TARGET_UNITS, ProgressReport, canonical_unit

from .models import Content


class RegistrationForm(BoundedTextMixin, forms.Form):
    plan_number = forms.CharField(
        label=_("Number of the action plan"),
        required=False,
        max_length=40,
        help_text=_("As on the document, e.g. 06-KH/CB"),
    )
    plan_date = forms.DateField(
        label=_("Date of the action plan"), required=False, widget=DateInput()
    )
    summary = forms.CharField(
        label=_("Main points of the action plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plan_file = forms.FileField(
        label=_("File of the action plan (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.odt,image/*"}),
    )
    remove_file = forms.BooleanField(label=_("Remove the attached file"), required=False)

    def clean_plan_number(self):
        number = self.cleaned_data.get("plan_number", "").strip()
        return number[4:].strip() if number.lower().startswith("số ") else number


class ContentForm(BoundedTextMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=Content.Kind.choices, initial="model")
    title = forms.CharField(label=_("Content or model"), widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(
        label=_("Measures"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_result = forms.CharField(
        label=_("Expected result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_value = VietnameseDecimalField(
        label=_("Target"), required=False, help_text=_("e.g. 12 or 98,5"), **NUMBER_LIMITS
    )
    target_unit = forms.ChoiceField(
        label=_("Unit of the target"),
        required=False,
        choices=[("", "—"), *((u, u) for u in TARGET_UNITS), (OTHER_UNIT, _("other (specify)"))],
    )
    target_unit_other = forms.CharField(
        label=_("Other unit"),
        required=False,
        max_length=50,
        help_text=_("Only when the unit is “other”, e.g. chuyến, cuộc họp."),
    )
    indicator = forms.TypedChoiceField(
        label=_("Standard indicator"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Pick one when the content counts something the committees add up; the target is "
            "then counted in the indicator's unit."
        ),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    responsible = forms.ModelChoiceField(
        label=_("Person in charge"), required=False, queryset=Member.objects.none()
    )
    responsible_name = forms.CharField(
        label=_("…or the person in charge, written out"),
        required=False,
        max_length=200,
        help_text=_("e.g. Đồng chí Bí thư chi bộ"),
    )

    def __init__(self, *args, unit=None, indicators=None, **kwargs):
        initial = kwargs.get("initial")
        if initial and initial.get("target_unit"):
            unit_text = canonical_unit(initial["target_unit"])
            if unit_text not in TARGET_UNITS:
                kwargs["initial"] = {
                    **initial,
                    "target_unit": OTHER_UNIT,
                    "target_unit_other": unit_text,
                }
        super().__init__(*args, **kwargs)
        if unit is not None:
            in_subtree = Membership.objects.current().filter(cell__path__startswith=unit.path)
            self.fields["responsible"].queryset = Member.objects.filter(
                pk__in=in_subtree.values("member_id")
            ).order_by("sort_name", "full_name")
        self.fields["title"].error_messages["required"] = _("Say what the organisation will do.")
        # Read once by the view for every content (a list, not a query per content).
        self.indicators = {i.pk: i for i in indicators or ()}
        self.fields["indicator"].choices = [
            ("", _("— no indicator —")),
            *((i.pk, str(i)) for i in self.indicators.values()),
        ]

    def clean_indicator(self):
        pk = self.cleaned_data.get("indicator")
        return self.indicators.get(pk) if pk else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("indicator") is not None:  # the target is counted in its unit
            cleaned["target_unit"] = cleaned["indicator"].unit
        elif cleaned.get("target_unit") == OTHER_UNIT:
            cleaned["target_unit"] = canonical_unit(cleaned.get("target_unit_other"))
            if not cleaned["target_unit"] and "target_unit_other" not in self.errors:
                self.add_error("target_unit_other", _("Write the unit, e.g. chuyến."))
        return cleaned


class BaseContentFormSet(forms.BaseFormSet):
    def contents_in_order(self) -> list[dict]:
        kept = [f for f in self.ordered_forms if f.has_changed() or f.cleaned_data.get("id")]
        return [f.cleaned_data for f in kept]


ContentFormSet = forms.formset_factory(
    ContentForm,
    formset=BaseContentFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=40,
    absolute_max=41,
    validate_max=True,
)


class DecideForm(BoundedTextMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("return", _("Return for revision"))]
    )
    comment = forms.CharField(
        label=_("Comment (required to return)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AmendForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why does the registration need to change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProgressForm(BoundedTextMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"), choices=ProgressReport.Status.choices, widget=forms.RadioSelect
    )
    value_reached = VietnameseDecimalField(
        label=_("Value reached"),
        required=False,
        help_text=_("A comma before the decimals, e.g. 98,5."),
        **NUMBER_LIMITS,
    )
    account = forms.CharField(
        label=_("What was done this quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Evidence (photos, PDF, documents)"), required=False)
