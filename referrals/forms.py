"""Forms for making a referral and recording its outcome."""

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config import bounds
from config.forms import Select
from referrals.models import Referral

# The follow-up date the form suggests, counted from today.
FOLLOW_UP_AFTER_DAYS = 14


class ReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What the client needs help with. No names or contact details."),
    )
    client_consented = forms.BooleanField(
        label=_("The client agreed to this referral"),
        required=True,
        error_messages={"required": _("Refer only with the client's agreement.")},
    )
    follow_up_on = bounds.DateField(
        label=_("Follow up on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("You get a reminder at 9:00 that day, in your working hours."),
    )

    # Names the referral this form makes, from the moment the form is shown: sent again (back
    # and resubmit, a double click), it finds that referral instead of making a second one.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, clients=None, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("form_token", uuid.uuid4())
        self.initial.setdefault(
            "follow_up_on", timezone.localdate() + timedelta(days=FOLLOW_UP_AFTER_DAYS)
        )
        if clients is not None:
            self.fields["client"] = forms.ModelChoiceField(
                label=_("Client"),
                queryset=clients,
                to_field_name="uuid",
                empty_label=_("Choose a client"),
                widget=Select,
            )
            self.order_fields(["client"])
        if warnings:
            self.fields["acknowledge"] = forms.BooleanField(
                label=_("I have read the warning above and still want to refer here"),
                required=True,
                error_messages={"required": _("Confirm that you have read the warning.")},
            )

    def clean_follow_up_on(self):
        day = self.cleaned_data["follow_up_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return day


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(v, capfirst(label)) for v, label in Referral.Outcome.choices],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
