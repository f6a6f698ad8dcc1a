import datetime

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin, VietnameseDecimalField
from registry.core.numbers import format_number, whole_number
from registry.core.periods import ROMAN
from registry.units.models import EthicalStandard

from .evidence import limits_hint
from .models import (
    ITEM_FIELDS,
    OTHER_UNIT,
    TARGET_UNITS,
    PlanItem,
    ProgressReport,
    Rating,
    canonical_unit,
)

# Both columns hold at most 12 digits, 2 of them after the comma.
NUMBER_LIMITS = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(BoundedTextMixin, forms.Form):
    study_content = forms.CharField(
        label=_("What I will study"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the theme of the year, Uncle Hồ's teachings on …"),
    )


def confirm_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("I confirm this value is correct"), required=False)


class ItemForm(BoundedTextMixin, forms.ModelForm):
    """One pledge item. The unit is picked from the standard list (`TARGET_UNITS`) or, with
    "other", written out; without JavaScript both controls are there and the text counts
    only when "other" is picked."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
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
            "Pick one when the item counts something the unit adds up; the target is then "
            "counted in the indicator's unit."
        ),
    )
    confirmed = confirm_field()
    # "When": a quarter, and a date only if the member asks for one. Unticked, a date left in
    # the (hidden) date box is not kept; the service's rules for the date are unchanged.
    exact_date = forms.BooleanField(label=_("Set an exact date"), required=False)

    class Meta:
        model = PlanItem
        fields = [*ITEM_FIELDS, "standards"]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3, "data-grow": ""}),
            "measures": forms.Textarea(attrs={"rows": 3, "data-grow": ""}),
            "expected_result": forms.Textarea(attrs={"rows": 3, "data-grow": ""}),
            "deadline": DateInput(),
            "standards": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self, *args, standards=(), year=None, stored_items=None, indicators=None, **kwargs
    ):
        initial = kwargs.get("initial")
        if initial and "exact_date" not in initial:
            kwargs["initial"] = initial = {**initial, "exact_date": bool(initial.get("deadline"))}
        if initial and initial.get("target_unit") is not None:
            unit = canonical_unit(initial["target_unit"])
            if unit and unit not in TARGET_UNITS:
                kwargs["initial"] = {
                    **initial,
                    "target_unit": OTHER_UNIT,
                    "target_unit_other": unit,
                }
        super().__init__(*args, **kwargs)
        self.year = year
        self.stored_items = stored_items or {}
        self.implausible = False
        self.fields["standards"].queryset = EthicalStandard.objects.filter(
            pk__in=[s.pk for s in standards]
        )
        self.fields["standards"].label_from_instance = lambda s: s.text
        # Read once by the view for every item of the plan (a list, not a query per item).
        self.indicators = {i.pk: i for i in indicators or ()}
        self.fields["indicator"].choices = [
            ("", _("— no indicator —")),
            *((i.pk, str(i)) for i in self.indicators.values()),
        ]
        self.fields["quarter"].widget.choices = [("", "—"), *self.fields["quarter"].choices[1:]]
        self.fields["action"].error_messages["required"] = _("Say what you will do.")
        self.offered_standards = list(standards)
        for name in GROWING:
            self.fields[name].widget.attrs["rows"] = fitting_rows(self[name].value())

    def standard_groups(self) -> list[dict]:
        """The standards offered, grouped by the unit (the level) that set them, top first:
        `{"unit": Unit, "choices": [checkbox, …]}`; `standards` come ordered by level."""
        by_value = {str(choice.data["value"]): choice for choice in self["standards"]}
        groups: list[dict] = []
        for standard in self.offered_standards:
            if not groups or groups[-1]["unit"].pk != standard.unit_id:
                groups.append({"unit": standard.unit, "choices": []})
            if str(standard.pk) in by_value:
                groups[-1]["choices"].append(by_value[str(standard.pk)])
        return groups

    def chosen_standards(self) -> int:
        return len(self["standards"].value() or [])

    def summary(self) -> dict:
        """What the item's folded card shows: its action, when, its target."""

        def value(name):
            return self[name].value()

        when = ""
        deadline = value("deadline") if value("exact_date") else None
        if isinstance(deadline, str):
            deadline = parse_date_or_none(deadline)
        if deadline:
            when = formats.date_format(deadline, "SHORT_DATE_FORMAT")
        elif (quarter := whole_number(value("quarter"))) in ROMAN:
            when = _("quarter %(q)s") % {"q": ROMAN[quarter]}
        target = value("target_value")
        unit = value("target_unit")
        if unit == OTHER_UNIT:
            unit = value("target_unit_other")
        elif not unit and self.indicators:
            indicator = self.indicators.get(whole_number(value("indicator")))
            unit = indicator.unit if indicator else ""
        if target not in (None, ""):
            target = format_number(target) if not isinstance(target, str) else target
        return {
            "action": (value("action") or "").strip(),
            "when": when,
            "target": f"{target} {unit or ''}".strip() if target not in (None, "") else "",
            "breakthrough": bool(value("is_breakthrough")),
        }

    @property
    def is_blank(self) -> bool:
        return not (self["action"].value() or "").strip() and not self["id"].value()

    def clean_indicator(self):
        pk = self.cleaned_data.get("indicator")
        return self.indicators.get(pk) if pk else None

    def clean_deadline(self):
        if not self.data.get(self.add_prefix("exact_date")):
            return None  # no date asked for: the quarter says when
        return self.cleaned_data.get("deadline")

    def clean_target_unit_other(self):
        return canonical_unit(self.cleaned_data.get("target_unit_other"))

    def clean(self):
        from .services import item_problems, item_target_implausible

        cleaned = super().clean()
        if cleaned.get("indicator") is not None:  # the target is counted in its unit
            cleaned["target_unit"] = cleaned["indicator"].unit
        elif cleaned.get("target_unit") == OTHER_UNIT:
            cleaned["target_unit"] = cleaned.get("target_unit_other") or ""
            if not cleaned["target_unit"] and "target_unit_other" not in self.errors:
                self.add_error("target_unit_other", _("Write the unit, e.g. chuyến."))
        if self.year and self.has_changed():
            previous = self.stored_items.get(cleaned.get("id"))
            if "target_value" not in self.errors:
                self.implausible = item_target_implausible(cleaned, previous=previous) is not None
            problems = item_problems(
                cleaned, self.year, confirmed=bool(cleaned.get("confirmed")), previous=previous
            )
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        """The target looks mistyped, or the member has already ticked the box: show it."""
        return self.implausible or bool(self.is_bound and self["confirmed"].value())


class BaseItemFormSet(forms.BaseFormSet):
    """Items are reordered with "move up" / "move down" buttons: the order field is hidden,
    kept up to date by the page's script, or by the server when a button is sent without it
    (`moved`)."""

    def get_ordering_widget(self):
        return forms.HiddenInput(attrs={"class": "order"})

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is not None:  # a new, untouched item is not "changed" by its place
            form.fields["ORDER"].initial = index + 1

    def shown(self) -> list:
        """The forms in the order the member put them (the order field), for the page."""

        def order(pair):
            index, form = pair
            return (whole_number(form["ORDER"].value()) or 10_000 + index, index)

        return [form for _index, form in sorted(enumerate(self.forms), key=order)]

    def forms_in_order(self) -> list:
        """The forms of the items that are kept, as the member ordered them."""
        return [f for f in self.ordered_forms if f.has_changed() or f.cleaned_data.get("id")]

    def items_in_order(self) -> list[dict]:
        """The kept items, as the member ordered them."""
        return [
            {**f.cleaned_data, "standards": [s.pk for s in f.cleaned_data.get("standards") or []]}
            for f in self.forms_in_order()
        ]


def moved(data, prefix: str, move: str):
    """The form data with one item moved up or down (`move` is "<index>:up" or
    "<index>:down"), for the page sent back without its script; None for a move that makes
    no sense. Every item's order is written out as it is shown."""
    total = min(whole_number(data.get(f"{prefix}-TOTAL_FORMS")) or 0, ItemFormSet.absolute_max)
    index, _sep, way = (move or "").partition(":")
    index = whole_number(index)
    if index is None or way not in ("up", "down"):
        return None

    def order_of(i):
        return whole_number(data.get(f"{prefix}-{i}-ORDER")) or 10_000 + i

    shown = sorted(range(total), key=lambda i: (order_of(i), i))
    if index not in shown:
        return None
    at = shown.index(index)
    other = at - 1 if way == "up" else at + 1
    if not 0 <= other < len(shown):
        return None
    shown[at], shown[other] = shown[other], shown[at]
    data = data.copy()
    for position, i in enumerate(shown, start=1):
        data[f"{prefix}-{i}-ORDER"] = str(position)
    return data


def parse_date_or_none(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def fitting_rows(text) -> int:
    """Rows enough to show the whole text on a phone (about 36 characters a line) without a
    script, which then grows the box as the member types."""
    lines = sum(1 + len(line) // 36 for line in str(text or "").splitlines()) or 1
    return max(3, min(lines + 1, 20))


GROWING = ("action", "measures", "expected_result")


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


class SubmitForm(BoundedTextMixin, forms.Form):
    commitment_confirmed = forms.BooleanField(
        label=_("I have read the commitment above and I commit to it."), required=False
    )


class AmendForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why does the plan need to change?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", limits_hint())
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


class ReportForm(BoundedTextMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"), choices=ProgressReport.Status.choices, widget=forms.RadioSelect
    )
    value_reached = VietnameseDecimalField(
        label=_("Value reached"),
        required=False,
        help_text=_("A comma before the decimals, e.g. 98,5."),
        **NUMBER_LIMITS,
    )
    confirmed = confirm_field()
    account = forms.CharField(
        label=_("What was done this quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Why it will not be done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("Evidence (photos, PDF, documents)"), required=False)

    @property
    def needs_confirmation(self) -> bool:
        """The service found the value implausible, or the member has already confirmed it:
        show the box to tick."""
        refused = any(
            e.code == "implausible" for e in self.errors.as_data().get("value_reached", [])
        )
        return refused or bool(self.is_bound and self["confirmed"].value())


class SelfAssessmentForm(BoundedTextMixin, forms.Form):
    text = forms.CharField(
        label=_("My assessment of the year"), widget=forms.Textarea(attrs={"rows": 6})
    )
    rating = forms.ChoiceField(
        label=_("The rating I propose"), choices=Rating.choices, widget=forms.RadioSelect
    )
