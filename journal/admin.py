"""The Django admin shows the journal's bookkeeping to the operator, never what practitioners
wrote: entry text, reflections, flag evidence and notes stay with the author and supervision."""

from django.contrib import admin

from journal.models import Client, Flag, FlagEvent, SessionEntry, SupervisionMeeting


class PrivateTextAdmin(admin.ModelAdmin):
    """Read-only, without the private text; records are made and erased in the app."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(PrivateTextAdmin):
    list_display = ["code", "owner", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["code", "owner__email"]
    fields = ["code", "owner", "organisation", "created_at"]
    readonly_fields = fields


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ["category", "source", "status", "outcome", "resolved_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SessionEntry)
class SessionEntryAdmin(PrivateTextAdmin):
    list_display = ["client", "owner", "occurred_at", "status"]
    list_filter = ["organisation", "status", "setting"]
    fields = ["client", "owner", "organisation", "occurred_at", "setting", "status", "version"]
    readonly_fields = fields
    inlines = [FlagInline]


class FlagEventInline(admin.TabularInline):
    model = FlagEvent
    extra = 0
    fields = ["action", "actor", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(PrivateTextAdmin):
    list_display = ["category", "status", "source", "entry", "confirmed_at", "outcome"]
    list_filter = ["category", "status", "source", "outcome"]
    fields = ["entry", "category", "source", "status", "confirmed_at", "outcome", "resolved_at"]
    readonly_fields = fields
    inlines = [FlagEventInline]


@admin.register(SupervisionMeeting)
class SupervisionMeetingAdmin(PrivateTextAdmin):
    list_display = ["held_on", "supervisor", "supervisee", "organisation"]
    list_filter = ["organisation"]
    fields = ["held_on", "supervisor", "supervisee", "organisation"]
    readonly_fields = fields
