from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin, confirm_field, searchable_select
from registry.members.models import PERSON_FIELDS, Member
from registry.pledges.forms import DateInput
from registry.pledges.models import Rating
from registry.units.models import Unit

from .models import Supervision

CHOOSE = _("— choose —")


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class ReturnForm(BoundedTextMixin, forms.Form):
    comment = forms.CharField(label=_("What should the member revise?"), widget=_textarea())


class ReopenForm(BoundedTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why is the plan reopened?"), widget=_textarea(2))


class CommentForm(BoundedTextMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), widget=_textarea(2))


class AskMoreForm(BoundedTextMixin, forms.Form):
    comment = forms.CharField(label=_("What should the member add?"), widget=_textarea(2))


class LateRegistrationForm(BoundedTextMixin, forms.Form):
    until = forms.DateField(label=_("Allow registration until"), widget=DateInput())


class RatingForm(BoundedTextMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("Rating proposed by the cell"), choices=Rating.choices, widget=forms.RadioSelect
    )
    score = forms.IntegerField(
        label=_("Score (out of 100, optional)"), required=False, min_value=0, max_value=100
    )
    justification = forms.CharField(label=_("Justification"), widget=_textarea(4))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MembersMultiple(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.full_name


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


#: The prefix of the fields giving each member's reason for absence (one per member).
REASON_PREFIX = "reason_"


class MeetingForm(BoundedTextMixin, forms.Form):
    """A meeting as its minutes print it; what only the minutes need is optional."""

    date = forms.DateField(label=_("Date of the meeting"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Started at"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("Ended at"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    chair = forms.ModelChoiceField(label=_("Chaired by"), queryset=Member.objects.none())
    minute_taker = forms.ModelChoiceField(
        label=_("Secretary of the meeting (takes the minutes)"),
        queryset=Member.objects.none(),
        required=False,
    )
    attendees = MembersMultiple(label=_("Present"), queryset=Member.objects.none())
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=_textarea(3))
    content = forms.CharField(
        label=_("Content: what was reported and discussed"), required=False, widget=_textarea(5)
    )
    plans = forms.ModelMultipleChoiceField(
        label=_("Plans reviewed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reports = forms.ModelMultipleChoiceField(
        label=_("Quarterly reports reviewed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conclusions = forms.CharField(label=_("Conclusions"), widget=_textarea(5))

    def __init__(self, *args, members, plans, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["chair"].label_from_instance = lambda m: m.full_name
        self.fields["attendees"].queryset = members
        self.fields["plans"].queryset = plans
        self.fields["plans"].label_from_instance = lambda p: (
            f"{p.member.full_name} – {p.get_status_display()}"
        )
        self.fields["reports"].queryset = reports
        self.fields["reports"].label_from_instance = lambda r: (
            f"{r.item.plan.member.full_name}: {r.item.action[:60]} "
            f"({_('Quarter')} {r.quarter_roman}/{r.item.plan.year})"
        )
        self.fields["chair"].empty_label = CHOOSE
        self.fields["minute_taker"].queryset = members
        self.fields["minute_taker"].label_from_instance = lambda m: m.full_name
        self.fields["minute_taker"].empty_label = CHOOSE
        searchable_select(self.fields["chair"])
        searchable_select(self.fields["minute_taker"])
        # Why each member was absent: read only for those not ticked present.
        self.members = list(members)
        for member in self.members:
            self.fields[f"{REASON_PREFIX}{member.pk}"] = forms.CharField(
                label=_("Reason for absence"), required=False, max_length=200
            )

    def reason_rows(self):
        """Each member's tick box with the field of their reason for absence."""
        boxes = {str(box.data["value"]): box for box in self["attendees"]}
        return [(boxes.get(str(m.pk)), self[f"{REASON_PREFIX}{m.pk}"]) for m in self.members]

    def absence_reasons(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"{REASON_PREFIX}{m.pk}") or "" for m in self.members}


class SupervisionForm(BoundedTextMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Supervision.Kind.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    subject = forms.CharField(label=_("What was checked or supervised"), max_length=300)
    findings = forms.CharField(label=_("Findings"), widget=_textarea(3))
    conclusion = forms.CharField(label=_("Conclusion"), widget=_textarea(3))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.full_name
        self.fields["member"].empty_label = CHOOSE
        searchable_select(self.fields["member"])


class AddMemberForm(BoundedTextMixin, forms.ModelForm):
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— no group —"),
    )
    since = forms.DateField(label=_("In this cell since"), required=False, widget=DateInput())

    class Meta:
        model = Member
        fields = PERSON_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "admission_date": DateInput(),
            "full_membership_date": DateInput(),
        }

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class GroupForm(BoundedTextMixin, forms.Form):
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— no group —"),
    )
    on = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class KeyOfficialForm(BoundedTextMixin, forms.Form):
    is_key_official = forms.BooleanField(
        label=_("Key official (cán bộ chủ chốt, người đứng đầu)"),
        required=False,
        help_text=_("Key officials register first and are counted apart in reviews."),
    )


class CellChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TransferForm(BoundedTextMixin, forms.Form):
    """Issue a transfer to one of the cells the destination search found (the service checks
    again that the cell is in an allowed area)."""

    to_cell = CellChoice(
        label=_("Receiving cell"),
        queryset=Unit.objects.filter(kind__is_cell=True, is_active=True),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose the receiving cell from the list.")},
    )
    note = forms.CharField(
        label=_("Note (e.g. number of the introduction letter)"), required=False, max_length=300
    )
    confirm = confirm_field(
        _("I have checked the person and the receiving cell: issue the transfer."),
        _("The receiving cell is told at once; the transfer can be withdrawn until it receives."),
    )

    def clean(self):
        """The service takes the transfer; the confirmation stays with the form."""
        cleaned = super().clean()
        cleaned.pop("confirm", None)
        return cleaned

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.show_only(choices)

    def show_only(self, choices) -> None:
        """List only the cells the destination search found."""
        self.fields["to_cell"].queryset = Unit.objects.filter(
            pk__in=[c.pk for c in choices]
        ).order_by("path")


class LeaveForm(BoundedTextMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("left", _("Left the cell")), ("deceased", _("Deceased"))],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("From"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    confirm = forms.BooleanField(
        label=_("I have checked: the person's membership of the cell ends on that day."),
        help_text=_(
            "This cannot be undone on this page: only an administrator can re-admit the person."
        ),
        error_messages={"required": _("Tick the box to confirm before recording.")},
    )

    def clean(self):
        """The service takes the record; the confirmation stays with the form."""
        cleaned = super().clean()
        cleaned.pop("confirm", None)
        return cleaned


class ReceiveForm(BoundedTextMixin, forms.Form):
    card_number = forms.CharField(label=_("Party card number"), max_length=20)
    group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— no group —"),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
