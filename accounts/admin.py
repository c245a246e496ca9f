from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    AuditEvent,
    Membership,
    Organisation,
    SupervisionLink,
    User,
    WorkingPeriod,
)
from accounts.signals import working_time_changed


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "membership__organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal"), {"fields": ("full_name", "language", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline, WorkingPeriodInline]

    def save_model(self, request, obj, form, change):
        # As in the organisation admin: switching an account off ends its sessions for good.
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.session_generation += 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The time zone and working hours may have changed here too; this runs inside the
        # admin's transaction, once the inline working hours are saved.
        working_time_changed.send(sender=User, user=form.instance)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "supervisee", "organisation", "cadence_weeks"]
    list_filter = ["organisation"]
    raw_id_fields = ["supervisor", "supervisee"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "organisation", "actor", "action", "target_type", "target_id"]
    list_filter = ["organisation", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
