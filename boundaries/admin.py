"""The catalogue in the Django admin: wording can be corrected in all four languages.

What gives answers their meaning (codes, scales, reverse scoring, which version an item belongs
to) is read-only here: a changed meaning is a new version (``manage.py publish_catalogue``).
Takes, answers and register entries are private to each practitioner and have no admin pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from boundaries.catalogue import LANGUAGES
from boundaries.models import CatalogueVersion, Item, Section


class LanguagesWidget(forms.MultiWidget):
    template_name = "boundaries/admin/languages_widget.html"

    def __init__(self, rows: int = 2):
        super().__init__([forms.Textarea(attrs={"rows": rows, "lang": lang}) for lang in LANGUAGES])

    def decompress(self, value: Any) -> list[str]:
        value = value if isinstance(value, dict) else {}
        return [value.get(lang, "") for lang in LANGUAGES]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for lang, widget in zip(LANGUAGES, context["widget"]["subwidgets"], strict=True):
            widget["language"] = lang
        return context


class LanguagesField(forms.MultiValueField):
    """One text per language (en, nl, de, fr), stored as a JSON object; all four required."""

    def __init__(self, rows: int = 2, **kwargs):
        fields = [forms.CharField() for _lang in LANGUAGES]
        super().__init__(fields, widget=LanguagesWidget(rows), require_all_fields=True, **kwargs)

    def compress(self, data_list: list[str]) -> dict[str, str]:
        return {lang: text.strip() for lang, text in zip(LANGUAGES, data_list, strict=False)}


class SectionForm(forms.ModelForm):
    title = LanguagesField(rows=1, label=_("title"))
    intro = LanguagesField(rows=3, label=_("introduction"))

    class Meta:
        model = Section
        fields = ["title", "intro", "suggestions"]


class ItemForm(forms.ModelForm):
    statement = LanguagesField(rows=2, label=_("statement"))
    why = LanguagesField(rows=3, label=_("why it matters"))

    class Meta:
        model = Item
        fields = ["statement", "why"]


class ItemInline(admin.StackedInline):
    model = Item
    form = ItemForm
    fields = ["code", "scale", "reverse", "statement", "why"]
    readonly_fields = ["code", "scale", "reverse"]
    extra = 0
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionForm
    list_display = ["__str__", "version", "position", "code"]
    list_filter = ["version"]
    fields = ["version", "code", "position", "sources", "title", "intro", "suggestions"]
    readonly_fields = ["version", "code", "position", "sources"]
    inlines = [ItemInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "code"]
    readonly_fields = ["position", "code"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at"]
    fields = ["number", "published_at", "scales"]
    readonly_fields = ["number", "published_at", "scales"]
    inlines = [SectionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
