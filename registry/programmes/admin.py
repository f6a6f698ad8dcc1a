from django.contrib import admin

from registry.core import stale
from registry.units.models import Unit

from .models import Programme


def _mark_cells(scope: Unit | None, years) -> None:
    """Deadlines decide late and missing: the kept figures of the scope's cells change."""
    cells = Unit.objects.filter(kind__is_cell=True)
    if scope is not None:
        cells = cells.filter(path__startswith=scope.path)
    stale.mark(cells.values_list("pk", flat=True), years)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["year", "scope", "theme", "registration_opens", "registration_closes"]
    list_filter = ["year"]
    search_fields = ["theme", "name", "scope__name"]
    autocomplete_fields = ["scope"]
    list_select_related = ["scope"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"year", "scope"} & set(form.changed_data):
            _mark_cells(None, {obj.year, form.initial["year"]})  # moved: wherever it was
        else:
            _mark_cells(obj.scope, [obj.year])

    def delete_model(self, request, obj):
        _mark_cells(obj.scope, [obj.year])
        super().delete_model(request, obj)
