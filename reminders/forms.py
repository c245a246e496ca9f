"""The reminder settings form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import ReminderPreference
from reminders.registry import ReminderKind, kind_choices, kind_codes


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

    def __init__(self, *args, kinds: list[ReminderKind] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            # Only the kinds this person can receive: a practitioner is never asked about the
            # supervisor's review queue or the admin's directory upkeep.
            choices = [(kind.code, kind.label) for kind in kinds]
            self.fields["email_kinds"].choices = choices
            self.fields["in_app_kinds"].choices = choices

    @staticmethod
    def initial_for(
        preference: ReminderPreference, kinds: list[ReminderKind] | None = None
    ) -> dict:
        kinds = kind_codes() if kinds is None else [kind.code for kind in kinds]
        return {
            "email_kinds": [k for k in kinds if preference.wants(k, "email")],
            "in_app_kinds": [k for k in kinds if preference.wants(k, "in_app")],
            "window": preference.window,
        }
