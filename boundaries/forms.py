"""Forms of the register and of sharing. Answers are plain radio groups (see ``answers_in``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from boundaries.models import HotButtonTopic
from config import bounds

ANSWER_PREFIX = "item-"
KEYWORD_MAX = 80
KEYWORDS_MAX = 40


def answers_in(data: Mapping[str, Any]) -> dict[str, str]:
    """The ``item-<id>=<value>`` pairs of a posted step: {item id: value}, both still raw."""
    return {
        key[len(ANSWER_PREFIX) :]: value
        for key, value in data.items()
        if key.startswith(ANSWER_PREFIX)
    }


class KeywordsField(forms.CharField):
    """Comma-separated keywords in any of the four languages → a list."""

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        return [" ".join(part.split()) for part in text.split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > KEYWORDS_MAX:
            raise forms.ValidationError(
                _("Keep it to %(max)d keywords."), params={"max": KEYWORDS_MAX}, code="too_many"
            )
        for keyword in value:
            if len(keyword) > KEYWORD_MAX:
                raise forms.ValidationError(
                    _("Keywords are at most %(max)d characters long."),
                    params={"max": KEYWORD_MAX},
                    code="too_long",
                )


class TopicForm(forms.Form):
    topic = forms.CharField(
        label=_("Topic"),
        max_length=120,
        help_text=_(
            "A bias or hot-button topic, in your own words (e.g. “Religion and abortion”)."
        ),
    )
    how_it_shows = forms.CharField(
        label=_("How it shows in my work"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        help_text=_(
            "Separate with commas; write them in any of English, Dutch, German and French "
            "(e.g. “abortion, abortus, Abtreibung, avortement”). Limen notices them in your "
            "journal, also in inflected forms and compounds. Put a keyword in double quotes "
            "to match only that exact word."
        ),
    )
    strategy = forms.CharField(
        label=_("My strategy"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you do when this comes up: how you keep the client's values central."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=HotButtonTopic.Status.choices,
        initial=HotButtonTopic.Status.NOTICED,
    )
    refer_when_at_stake = forms.BooleanField(
        label=_("Refer clients when this is at stake"), required=False
    )

    @classmethod
    def initial_for(cls, entry: HotButtonTopic) -> dict[str, Any]:
        return {name: getattr(entry, name) for name in cls.base_fields}


class TakeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return date_format(localtime(obj.completed_at), "DATE_FORMAT")


class TopicChoiceField(bounds.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.topic


class PersonChoiceField(bounds.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name()


class ShareForm(forms.Form):
    take = TakeChoiceField(
        label=_("Inventory results to share"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("Only the score per section is shown, never your answers."),
    )
    topics = TopicChoiceField(
        label=_("Register entries to share"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Entries you do not tick stay private."),
    )
    supervisors = PersonChoiceField(
        label=_("Share with"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, takes, topics, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["take"].queryset = takes
        self.fields["topics"].queryset = topics
        self.fields["supervisors"].queryset = supervisors
        if not self.is_bound:
            first = takes.first()
            self.initial.setdefault("take", first.pk if first else None)
            self.initial.setdefault("supervisors", list(supervisors.values_list("pk", flat=True)))
