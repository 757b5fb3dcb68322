from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import CareLink, CareRecipient, ResidentProfile, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_superuser", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["display_name", "language", "elder_mode"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]
    inlines = [RoleAssignmentInline]


class CareLinkInline(admin.TabularInline):
    model = CareLink
    fk_name = "care_recipient"
    extra = 0
    autocomplete_fields = ["account"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(CareRecipient)
class CareRecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "living_alone", "created_at"]
    list_filter = ["living_alone"]
    search_fields = ["name", "phone"]
    autocomplete_fields = ["community", "account"]
    inlines = [CareLinkInline]


@admin.register(ResidentProfile)
class ResidentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "community"]
    search_fields = ["user__email", "phone"]
    autocomplete_fields = ["user", "community"]
