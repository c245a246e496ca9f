from django.contrib import admin

from journal.models import Client, Flag, FlagEvent, SessionEntry, SupervisionMeeting


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["code", "owner", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["code", "owner__email"]
    raw_id_fields = ["owner"]


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ["category", "source", "status", "quote", "outcome", "resolved_at"]
    readonly_fields = fields


@admin.register(SessionEntry)
class SessionEntryAdmin(admin.ModelAdmin):
    list_display = ["client", "owner", "occurred_at", "status"]
    list_filter = ["organisation", "status", "setting"]
    raw_id_fields = ["owner", "client"]
    inlines = [FlagInline]


class FlagEventInline(admin.TabularInline):
    model = FlagEvent
    extra = 0
    readonly_fields = ["action", "actor", "at", "detail"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["category", "status", "source", "entry", "confirmed_at", "outcome"]
    list_filter = ["category", "status", "source", "outcome"]
    raw_id_fields = ["entry", "reviewed_by"]
    inlines = [FlagEventInline]


@admin.register(SupervisionMeeting)
class SupervisionMeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "supervisor", "supervisee", "organisation"]
    list_filter = ["organisation"]
    raw_id_fields = ["supervisor", "supervisee"]
