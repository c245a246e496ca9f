"""The reminder settings form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import ReminderPreference
from reminders.registry import kind_choices, kind_codes


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("By e-mail"),
        choices=kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_app_kinds = forms.MultipleChoiceField(
        label=_("In Limen"),
        choices=kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    window = forms.ChoiceField(
        label=_("When reminders reach me"),
        choices=ReminderPreference.Window.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Either way, reminders only arrive inside the working hours set in your profile."
        ),
    )

    @staticmethod
    def initial_for(preference: ReminderPreference) -> dict:
        kinds = kind_codes()
        return {
            "email_kinds": [k for k in kinds if preference.wants(k, "email")],
            "in_app_kinds": [k for k in kinds if preference.wants(k, "in_app")],
            "window": preference.window,
        }
