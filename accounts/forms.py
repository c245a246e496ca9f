"""Forms for sign-in, the profile and the organisation admin pages."""

import zoneinfo
from datetime import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User, WorkingPeriod
from accounts.time_zones import canonical_zones, time_zone_menu, zone_label
from config import bounds
from config.forms import Select


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    # Django's own message says both fields "may be case-sensitive"; here only the password is.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not right. Passwords are case-sensitive; "
            "e-mail addresses are not."
        ),
    }


class LocalisedPasswordResetForm(PasswordResetForm):
    """Writes the reset e-mail in the account holder's language, not the requester's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(getattr(context.get("user"), "language", None) or "en"):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class RolesMixin(forms.Form):
    is_practitioner = forms.BooleanField(label=_("Practitioner"), required=False)
    is_supervisor = forms.BooleanField(label=_("Supervisor"), required=False)
    is_admin = forms.BooleanField(label=_("Agency admin"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("is_practitioner", "is_supervisor", "is_admin")):
            raise forms.ValidationError(_("Give the member at least one role."))
        return cleaned


class MemberAddForm(RolesMixin):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    field_order = [
        "full_name",
        "email",
        "language",
        "is_practitioner",
        "is_supervisor",
        "is_admin",
    ]


class MemberEditForm(RolesMixin):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    field_order = ["full_name", "is_practitioner", "is_supervisor", "is_admin"]


class SupervisionLinkForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"), queryset=User.objects.none(), widget=Select
    )
    supervisee = forms.ModelChoiceField(
        label=_("Supervisee"), queryset=User.objects.none(), widget=Select
    )
    cadence_weeks = bounds.IntegerField(
        label=_("Meet every (weeks)"), min_value=1, max_value=52, initial=4
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(membership__organisation=organisation, is_active=True)
        self.fields["supervisor"].queryset = members.filter(membership__is_supervisor=True)
        self.fields["supervisee"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("supervisor") and cleaned.get("supervisor") == cleaned.get("supervisee"):
            raise forms.ValidationError(_("Nobody can supervise themselves."))
        return cleaned


class CadenceForm(forms.Form):
    cadence_weeks = bounds.IntegerField(label=_("Meet every (weeks)"), min_value=1, max_value=52)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=(),
        help_text=_("The likely ones come first: yours, your colleagues' and this device's."),
        widget=Select(attrs={"data-suggest-browser-zone": ""}),
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = (
            time_zone_menu(user)
            if user is not None
            else [(zone, zone_label(zone)) for zone in canonical_zones()]
        )
        for day, label in WorkingPeriod.Weekday.choices:
            self.fields[f"day_{day}_on"] = forms.BooleanField(label=label, required=False)
            self.fields[f"day_{day}_start"] = forms.TimeField(
                label=_("%(day)s from") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"day_{day}_end"] = forms.TimeField(
                label=_("%(day)s until") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    @staticmethod
    def initial_for(user: User) -> dict:
        from accounts.selectors import working_hours_of

        initial = {
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
        }
        hours = working_hours_of(user)
        for day in range(7):
            start, end = hours.get(day, (WorkingPeriod.DEFAULT_START, WorkingPeriod.DEFAULT_END))
            initial[f"day_{day}_on"] = day in hours
            initial[f"day_{day}_start"] = start
            initial[f"day_{day}_end"] = end
        return initial

    def day_rows(self):
        """(label, on, start, end) bound fields per weekday, for the template's table."""
        for day, label in WorkingPeriod.Weekday.choices:
            yield (
                label,
                self[f"day_{day}_on"],
                self[f"day_{day}_start"],
                self[f"day_{day}_end"],
            )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Choose a time zone from the list."))
        return value

    def clean(self):
        cleaned = super().clean()
        periods: list[tuple[int, time, time]] = []
        for day, label in WorkingPeriod.Weekday.choices:
            if not cleaned.get(f"day_{day}_on"):
                continue
            start, end = cleaned.get(f"day_{day}_start"), cleaned.get(f"day_{day}_end")
            if start is None or end is None:
                self.add_error(f"day_{day}_start", _("Give a start and an end time."))
            elif start >= end:
                self.add_error(
                    f"day_{day}_end",
                    _("%(day)s: the end must be later than the start.") % {"day": label},
                )
            else:
                periods.append((day, start, end))
        if not self.errors and not periods:
            raise forms.ValidationError(
                _("Tick at least one working day: reminders are only delivered inside them.")
            )
        cleaned["working_hours"] = periods
        return cleaned
