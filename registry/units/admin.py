from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import EthicalStandard, Unit, UnitKind


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_cell", "is_group", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"code": ["name"]}


class EthicalStandardInline(admin.TabularInline):
    model = EthicalStandard
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class UnitForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=Unit.objects.select_related("kind").order_by("path"),
        required=False,
        help_text=_("Leave empty for a top-level unit."),
    )

    class Meta:
        model = Unit
        fields = [
            "name",
            "kind",
            "parent",
            "code",
            "abbreviation",
            "place",
            "has_committee",
            "has_standing_committee",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = Unit.objects.get_parent(self.instance)
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                path__startswith=self.instance.path
            )
        self.fields["parent"].label_from_instance = lambda u: f"{'— ' * (u.depth - 1)}{u.name}"

    def clean_code(self):
        return self.cleaned_data.get("code") or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") is not None:
            try:
                services.check_placement(cleaned["kind"], cleaned.get("parent"))
                if self.instance.pk and cleaned["kind"] != self.instance.kind:
                    services.check_kind_change(self.instance, cleaned["kind"])
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Creating and moving go through the unit services, which check the tree's rules."""

    form = UnitForm
    list_display = ["indented_name", "kind", "code", "abbreviation", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    inlines = [EthicalStandardInline]
    list_select_related = ["kind"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return format_html("{}{}", "— " * (obj.depth - 1), obj.name)

    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent")
        data = {
            f: form.cleaned_data[f]
            for f in [
                "code",
                "abbreviation",
                "place",
                "has_committee",
                "has_standing_committee",
                "is_active",
            ]
        }
        if not change:
            created = services.unit_create(
                parent=parent, kind=obj.kind, name=obj.name, actor=request.user, **data
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        with transaction.atomic():
            old_parent = Unit.objects.get_parent(Unit.objects.get(pk=obj.pk))
            Unit.objects.filter(pk=obj.pk).update(name=obj.name, kind=obj.kind, **data)
            if (old_parent and old_parent.pk) != (parent and parent.pk):
                services.unit_move(unit=obj, new_parent=parent, actor=request.user)
        obj.refresh_from_db()
