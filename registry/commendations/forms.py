from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin, confirm_field, searchable_select
from registry.members.models import Member
from registry.pledges.evidence import limits_hint
from registry.pledges.forms import DateInput
from registry.units.models import Unit

from .models import PROPOSED_LEVELS, Level, Subject
from .services import day_hint

CHOOSE = _("— choose —")
ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods"


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class WhoFields(BoundedTextMixin, forms.Form):
    """Who did the deed or is proposed: a member of the unit, or a collective (a unit of its
    sub-tree, or a collective named in words)."""

    subject = forms.ChoiceField(
        label=_("Who"), choices=Subject.choices, widget=forms.RadioSelect, initial=Subject.PERSON
    )
    member = MemberChoice(
        label=_("Member"), queryset=Member.objects.none(), required=False, empty_label=CHOOSE
    )
    collective_unit = UnitChoice(
        label=_("Collective: a unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    collective_name = forms.CharField(
        label=_("or a collective named in words"),
        required=False,
        help_text=_("e.g. the women's union of the village"),
    )

    def __init__(self, *args, members=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "member" in self.fields:
            self.fields["member"].queryset = (
                members if members is not None else Member.objects.none()
            )
            searchable_select(self.fields["member"])
            self.fields["collective_unit"].queryset = (
                units if units is not None else Unit.objects.none()
            )


class DeedForm(WhoFields):
    deed = forms.CharField(label=_("The good deed"), widget=_textarea(4))
    date = forms.DateField(label=_("Date of the deed"), widget=DateInput())
    evidence = forms.FileField(
        label=_("Evidence (a photo, PDF or document, optional)"),
        required=False,
        help_text=limits_hint(multiple=False),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = day_hint()


class PraiseForm(BoundedTextMixin, forms.Form):
    praised_on = forms.DateField(label=_("Date of the cell meeting"), widget=DateInput())
    note = forms.CharField(
        label=_("What the cell said (optional)"), required=False, widget=_textarea(2)
    )

    def __init__(self, *args, after=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["praised_on"].help_text = day_hint(after=after)


class ProposalForm(WhoFields):
    level = forms.ChoiceField(
        label=_("Level proposed"),
        choices=[(value, Level(value).label) for value in PROPOSED_LEVELS],
        widget=forms.RadioSelect,
    )
    achievement = forms.CharField(label=_("Achievements"), widget=_textarea(4))

    def __init__(self, *args, from_deed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_deed:  # who comes from the deed
            for name in ("subject", "member", "collective_unit", "collective_name"):
                del self.fields[name]


class DecisionForm(BoundedTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approved", _("Approved by the committee")),
            ("not_approved", _("Not approved by the committee")),
        ],
        widget=forms.RadioSelect,
    )
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=40, help_text=_("e.g. 125-QĐ/HU")
    )
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason (when not approved)"), required=False, widget=_textarea(2)
    )
    confirm = confirm_field(
        _("I have checked the decision and its number: record it."),
        _("A recorded decision is final: the proposing unit is told and it is counted."),
    )

    def __init__(self, *args, after=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_date"].help_text = day_hint(after=after)
