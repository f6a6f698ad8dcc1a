from django import forms
from django.utils.translation import gettext_lazy as _

from registry.units.models import EthicalStandard

from .models import PlanItem, ProgressReport, Rating


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    study_content = forms.CharField(
        label=_("What I will study"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the theme of the year, Uncle Hồ's teachings on …"),
    )


class ItemForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = PlanItem
        fields = [
            "action",
            "measures",
            "expected_result",
            "target_value",
            "target_unit",
            "deadline",
            "quarter",
            "is_breakthrough",
            "standards",
        ]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "target_value": forms.NumberInput(
                attrs={"step": "any", "min": "0", "inputmode": "decimal"}
            ),
            "deadline": DateInput(),
            "standards": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, standards=(), year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["standards"].queryset = EthicalStandard.objects.filter(
            pk__in=[s.pk for s in standards]
        )
        self.fields["standards"].label_from_instance = lambda s: s.text
        self.fields["quarter"].widget.choices = [("", "—"), *self.fields["quarter"].choices[1:]]
        self.fields["action"].error_messages["required"] = _("Say what you will do.")

    def clean(self):
        from .services import item_problems

        cleaned = super().clean()
        if self.year and self.has_changed():
            for field, message in item_problems(cleaned, self.year).items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned


class BaseItemFormSet(forms.BaseFormSet):
    def get_ordering_widget(self):
        return forms.NumberInput(attrs={"min": "1", "class": "order"})

    def items_in_order(self) -> list[dict]:
        """The kept items, as the member ordered them."""
        forms_in_order = [
            f for f in self.ordered_forms if f.has_changed() or f.cleaned_data.get("id")
        ]
        return [
            {**f.cleaned_data, "standards": [s.pk for s in f.cleaned_data.get("standards") or []]}
            for f in forms_in_order
        ]


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=40,
    absolute_max=41,
    validate_max=True,
)


class SubmitForm(forms.Form):
    commitment_confirmed = forms.BooleanField(
        label=_("I have read the commitment above and I commit to it."), required=False
    )


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the plan need to change?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"), choices=ProgressReport.Status.choices, widget=forms.RadioSelect
    )
    value_reached = forms.DecimalField(
        label=_("Value reached"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    account = forms.CharField(
        label=_("What was done this quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Why it will not be done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("Evidence (photos, PDF, documents)"), required=False)


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("My assessment of the year"), widget=forms.Textarea(attrs={"rows": 6})
    )
    rating = forms.ChoiceField(
        label=_("The rating I propose"), choices=Rating.choices, widget=forms.RadioSelect
    )
