from django.contrib import admin

from registry.core.text import fold

from .models import Member, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["cell", "group"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "card_number", "category", "status", "job_title"]
    list_filter = ["category", "status", "gender"]
    search_fields = ["search_name", "card_number", "citizen_id"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        # Accent-insensitive, like the roster: fold the query the way names are folded.
        return super().get_search_results(request, queryset, fold(search_term))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "cell", "group", "start_date", "end_date", "end_reason"]
    list_filter = ["end_reason"]
    search_fields = ["member__search_name", "member__card_number", "cell__name"]
    autocomplete_fields = ["member", "cell", "group"]
    list_select_related = ["member", "cell", "group"]
