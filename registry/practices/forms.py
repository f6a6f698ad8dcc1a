from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin
from registry.core.periods import FIRST_YEAR, LAST_YEAR
from registry.pledges.evidence import limits_hint
from registry.pledges.forms import DateInput, MultipleFileField

from .models import Field, Practice
from .services import MAX_FILES


def _area(rows):
    return forms.Textarea(attrs={"rows": rows})


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
            **kwargs,
        )


class PracticeForm(BoundedTextMixin, forms.Form):
    """A proposal: the practice, its results, where it comes from and its evidence."""

    title = forms.CharField(label=_("Title"), max_length=200)
    field = forms.ChoiceField(label=_("Field"), choices=[("", "—"), *Field.choices])
    year = YearField()
    source = forms.ChoiceField(
        label=_("Comes from"), choices=Practice.Source.choices, widget=forms.RadioSelect
    )
    plan_item = forms.TypedChoiceField(
        label=_("Breakthrough item"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only for a practice that grew from a breakthrough item of a member's plan."),
    )
    content = forms.TypedChoiceField(
        label=_("Model or breakthrough content"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Only for a practice that grew from a content of an approved collective registration."
        ),
    )
    description = forms.CharField(label=_("How it is done"), widget=_area(6))
    results = forms.CharField(
        label=_("Results"),
        widget=_area(4),
        help_text=_("What changed, with figures where there are some."),
    )
    files = MultipleFileField(
        label=_("Evidence (photos, PDF, documents)"),
        required=False,
        help_text=limits_hint(files=MAX_FILES),
    )

    def __init__(self, *args, items=(), contents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = {content.pk: content for content in contents}
        self.fields["content"].choices = [("", "—")] + [
            (
                content.pk,
                f"{content.registration.unit.name} – {content.get_kind_display()}: "
                f"{content.title[:90]}",
            )
            for content in contents
        ]
        self.items = {item.pk: item for item in items}
        self.fields["plan_item"].choices = [("", "—")] + [
            (
                item.pk,
                f"{item.plan.cell.name} – {item.plan.member.full_name}: {item.action[:90]}",
            )
            for item in items
        ]

    def clean_content(self):
        pk = self.cleaned_data.get("content")
        return self.contents.get(pk) if pk else None

    def clean_plan_item(self):
        pk = self.cleaned_data.get("plan_item")
        return self.items.get(pk) if pk else None


class DecisionForm(BoundedTextMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("select", _("Select")), ("decline", _("Not select")), ("publish", _("Publish"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason (when not selected)"), required=False, widget=_area(2))
    confirm = forms.BooleanField(
        label=_("Publish it to every unit under the committee."),
        required=False,
        help_text=_("Once published, a practice stays in the library of the units below."),
    )

    def clean(self):
        """Publishing asks for the box to be ticked; selecting or declining does not."""
        cleaned = super().clean()
        if cleaned.get("action") == "publish" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm before going on."))
        return cleaned


class WithdrawForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), required=False, widget=_area(2))


class AdoptionForm(BoundedTextMixin, forms.Form):
    cell = forms.TypedChoiceField(label=_("Cell"), coerce=int)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("How the cell applies it, in a line or two."),
    )

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = {cell.pk: cell for cell in cells}
        self.fields["cell"].choices = [(cell.pk, cell.name) for cell in cells]

    def clean_cell(self):
        return self.cells[self.cleaned_data["cell"]]


class BookletForm(BoundedTextMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = YearField()
    practices = forms.TypedMultipleChoiceField(
        label=_("Practices"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {p.pk: p for p in candidates}
        self.fields["practices"].choices = [(p.pk, p.title) for p in candidates]

    def clean_practices(self):
        return [self.candidates[pk] for pk in self.cleaned_data["practices"]]
