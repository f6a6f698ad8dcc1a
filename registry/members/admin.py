from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.core.admin import ReadOnlyAdmin
from registry.core.text import fold
from registry.units.models import Unit

from . import services
from .models import CARD_SEPARATORS, PERSON_FIELDS, Member, Membership, Transfer


class MembershipInline(admin.TabularInline):
    """History only: periods are opened and closed by the member services (the fields
    below the form), which keep one open period per person and write the audit trail."""

    model = Membership
    fk_name = "member"
    extra = 0
    can_delete = False
    fields = ["cell", "group", "start_date", "end_date", "end_reason", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _cells():
    return Unit.objects.filter(kind__is_cell=True, is_active=True).order_by("path")


def _groups():
    return Unit.objects.filter(kind__is_group=True, is_active=True).order_by("path")


class MemberAdminForm(forms.ModelForm):
    cell = forms.ModelChoiceField(
        label=_("Cell"), queryset=_cells(), required=False, help_text=_("Where the person is now.")
    )
    group = forms.ModelChoiceField(label=_("Party group"), queryset=_groups(), required=False)
    since = forms.DateField(label=_("In this cell since"), required=False)

    class Meta:
        model = Member
        fields = [*PERSON_FIELDS, "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = _cells()
        self.fields["group"].queryset = _groups()
        current = services.current_membership(self.instance) if self.instance.pk else None
        if current is not None:
            self.fields["cell"].initial = current.cell_id
            self.fields["group"].initial = current.group_id
            self.fields["cell"].help_text = _(
                "Choosing another cell transfers the person (chuyển sinh hoạt đảng) "
                "on the date given."
            )
        elif not self.instance.pk:
            self.fields["cell"].required = True

    def clean(self):
        cleaned = super().clean()
        cell, group = cleaned.get("cell"), cleaned.get("group")
        if group is not None and cell is not None and not group.path.startswith(cell.path):
            self.add_error("group", _("This party group does not belong to the chosen cell."))
        current = services.current_membership(self.instance) if self.instance.pk else None
        since = cleaned.get("since")
        moving = current is not None and cell is not None and cell.pk != current.cell_id
        if moving and since and since < current.start_date:
            self.add_error(
                "since", _("The transfer date is before the start of the current period.")
            )
        return cleaned


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    list_display = ["full_name", "card_number", "category", "status", "job_title"]
    list_filter = ["category", "status", "gender"]
    search_fields = ["search_name", "card_number", "citizen_id"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        # Accent-insensitive like the roster; a card typed with dots matches too.
        digits = CARD_SEPARATORS.sub("", search_term)
        term = digits if digits.isdigit() else fold(search_term)
        return super().get_search_results(request, queryset, term)

    def save_model(self, request, obj, form, change):
        cell, group = form.cleaned_data.get("cell"), form.cleaned_data.get("group")
        since = form.cleaned_data.get("since")
        if not change:
            names = [f.name for f in Member._meta.fields if f.editable and f.name != "id"]
            fields = {n: form.cleaned_data[n] for n in names if n in form.cleaned_data}
            created = services.member_create(
                cell=cell, group=group, since=since, actor=request.user, **fields
            )
            obj.pk = created.pk
            return
        super().save_model(request, obj, form, change)
        if "category" in form.changed_data:  # party member or not: counted differently
            first = obj.memberships.order_by("start_date").values_list("start_date", flat=True)
            if first:
                services.mark_figures_since(member=obj, on=first[0])
        current = services.current_membership(obj)
        if cell is not None and (current is None or current.cell_id != cell.pk):
            services.member_transfer(
                member=obj, to_cell=cell, to_group=group, on=since, actor=request.user
            )
        elif current is not None and current.group_id != (group.pk if group else None):
            services.member_set_group(member=obj, group=group, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["member", "cell", "group", "start_date", "end_date", "end_reason"]
    list_filter = ["end_reason"]
    search_fields = ["member__search_name", "member__card_number", "cell__name"]
    list_select_related = ["member", "cell", "group"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["member", "from_cell", "to_cell", "status", "issued_at", "effective_on"]
    list_filter = ["status"]
    search_fields = ["member__search_name", "member__card_number", "to_cell__name"]
    list_select_related = ["member", "from_cell", "to_cell"]
