from django.contrib import admin

from providers.models import Provider, ProviderMember


class ProviderMemberInline(admin.TabularInline):
    model = ProviderMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [ProviderMemberInline]
