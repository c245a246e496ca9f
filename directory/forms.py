"""Forms for searching the directory, maintaining, importing and exporting it, and for a
service's contact who corrects its listing."""

import re
from datetime import time

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from config.forms import Select
from directory.hsds.reader import MAX_UPLOAD_BYTES
from directory.models import DO_NOT_REFER_REASON_MAX_LENGTH, WEEKDAY_CODES, Service
from directory.services.upkeep import ServiceData
from directory.weblinks import WebAddressField

# The longest search text read (the directory's search and the upkeep list's filter).
QUERY_MAX_LENGTH = 200

WEEKDAY_LABELS = {
    "MO": _("Monday"),
    "TU": _("Tuesday"),
    "WE": _("Wednesday"),
    "TH": _("Thursday"),
    "FR": _("Friday"),
    "SA": _("Saturday"),
    "SU": _("Sunday"),
}
HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def _long_text(label, *, rows: int | None = None) -> forms.CharField:
    """An optional free-text field of a service, the same in upkeep and in a correction."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, widget=widget, required=False, max_length=20000)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("Keep the search under %(limit_value)d characters: use a few words.")
        },
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=Select
    )
    language = forms.ChoiceField(label=_("Language spoken"), required=False, widget=Select)
    city = forms.ChoiceField(label=_("Place"), required=False, widget=Select)
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (t.pk, t.label) for t in choices["categories"]
        ]
        self.fields["language"].choices = [("", _("Any language"))] + list(choices["languages"])
        self.fields["city"].choices = [("", _("Anywhere"))] + [(c, c) for c in choices["cities"]]
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("e.g. huiselijk geweld, debt, shelter"),
            }
        )


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=255)
    organization_name = forms.CharField(
        label=_("Provider"), max_length=255, help_text=_("The organisation that runs the service.")
    )
    alternate_name = forms.CharField(label=_("Also known as"), max_length=255, required=False)
    description = forms.CharField(
        label=_("What they offer"), widget=forms.Textarea, required=False, max_length=20000
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[(v, capfirst(label)) for v, label in Service.Status.choices]
    )
    categories = forms.TypedMultipleChoiceField(
        label=_("Categories"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    eligibility_description = _long_text(_("Who can use it"), rows=3)
    application_process = _long_text(_("How to refer or apply"), rows=3)
    fees_description = _long_text(_("Fees"))
    interpretation_services = _long_text(_("Interpretation"))
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas, such as nl, en, ar."),
    )
    url = WebAddressField(label=_("Website"), required=False, max_length=500)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=100)
    location_name = forms.CharField(label=_("Place name"), required=False, max_length=255)
    address_1 = forms.CharField(label=_("Street address"), required=False, max_length=255)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=50)
    city = forms.CharField(label=_("City"), required=False, max_length=255)
    country = forms.CharField(
        label=_("Country code"),
        required=False,
        max_length=2,
        help_text=_("Two letters, such as NL or DE."),
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential address (e.g. a shelter)"),
        required=False,
        help_text=_(
            "Practitioners then see only the phone and how to apply; "
            "the address is shown to admins only and left out of exports."
        ),
    )
    service_areas = forms.CharField(
        label=_("Areas served"),
        required=False,
        max_length=500,
        help_text=_("Cities or regions, separated by commas."),
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {t.pk: t for t in terms}
        self.fields["categories"].choices = [(t.pk, t.label) for t in terms]
        for code in WEEKDAY_CODES:
            self.fields[f"hours_{code.lower()}"] = forms.CharField(
                label=WEEKDAY_LABELS[code],
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"placeholder": "09:00-17:00"}),
            )

    @property
    def hours_fields(self):
        return [self[f"hours_{code.lower()}"] for code in WEEKDAY_CODES]

    @property
    def main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("hours_")]

    def clean(self):
        data = super().clean()
        hours = {}
        for code in WEEKDAY_CODES:
            name = f"hours_{code.lower()}"
            text = data.get(name, "")
            if not text:
                continue
            match = HOURS_RE.match(text)
            try:
                if not match:
                    raise ValueError
                h1, m1, h2, m2 = (int(g) for g in match.groups())
                opens = time(h1, m1)
                closes = time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)
            except ValueError:
                self.add_error(name, _("Write the hours as 09:00-17:00."))
                continue
            hours[code] = (opens, closes)
        data["hours"] = hours
        if data.get("address_1") and not data.get("city"):
            self.add_error("city", _("Give the city of this address."))
        return data

    def to_data(self, *, hours_changed: bool = True) -> ServiceData:
        d = self.cleaned_data
        return ServiceData(
            name=d["name"],
            organization_name=d["organization_name"],
            alternate_name=d["alternate_name"],
            description=d["description"],
            status=d["status"],
            eligibility_description=d["eligibility_description"],
            application_process=d["application_process"],
            fees_description=d["fees_description"],
            interpretation_services=d["interpretation_services"],
            url=d["url"],
            email=d["email"],
            categories=tuple(self.terms[pk] for pk in d["categories"]),
            languages=tuple(c.lower() for c in _comma_list(d["languages"])),
            phone=d["phone"],
            location_name=d["location_name"],
            address_1=d["address_1"],
            postal_code=d["postal_code"],
            city=d["city"],
            country=d["country"].upper(),
            is_confidential=d["is_confidential"],
            service_areas=_comma_list(d["service_areas"]),
            hours=d["hours"] if hours_changed else None,
        )


class DoNotReferForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not refer here"), max_length=DO_NOT_REFER_REASON_MAX_LENGTH, required=False
    )


class TermForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=255)
    label_nl = forms.CharField(label=_("Name in Dutch"), max_length=255, required=False)
    label_de = forms.CharField(label=_("Name in German"), max_length=255, required=False)
    label_fr = forms.CharField(label=_("Name in French"), max_length=255, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS package"),
        help_text=_("A .zip with datapackage.json and one CSV per table, or an HSDS .json file."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(mb)s MB. Import the directory in parts, for "
                    "example one package per provider."
                )
                % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("hsds-csv", _("HSDS tabular package (.zip of CSV files)")),
            ("hsds-json", _("HSDS JSON")),
            ("xlsx", _("For spreadsheets (.xlsx, every cell as text)")),
        ],
    )
    include_confidential = forms.BooleanField(
        label=_("Include confidential addresses"),
        required=False,
        help_text=_(
            "Only when the receiver must know where the shelters are. Leave unticked otherwise."
        ),
    )


class VerificationRequestForm(forms.Form):
    email = forms.EmailField(label=_("Send the link to"))


class CorrectionForm(forms.Form):
    name = forms.CharField(label=_("Name of the service"), max_length=255)
    description = forms.CharField(
        label=_("What you offer"), widget=forms.Textarea, required=False, max_length=20000
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    url = WebAddressField(label=_("Website"), required=False, max_length=500)
    hours_description = forms.CharField(label=_("Opening hours"), required=False, max_length=2000)
    eligibility_description = _long_text(_("Who can use it"), rows=3)
    application_process = _long_text(_("How to refer or apply"), rows=3)
    fees_description = _long_text(_("Fees"))
    interpretation_services = _long_text(_("Interpretation"))
    note = forms.CharField(
        label=_("Anything else we should know?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Who will use it"),
        max_length=100,
        help_text=_("For example the partner agency or the system that reads your directory."),
    )


class PublicationForm(forms.Form):
    is_open = forms.BooleanField(
        label=_("Publish the directory openly on the HSDS API"),
        required=False,
        help_text=_(
            "Anyone may then read it without a token. Confidential addresses are never shown."
        ),
    )


# --- Pulling another agency's directory -------------------------------------------------------


class SubscriptionSettingsForm(forms.Form):
    token = forms.CharField(
        label=_("Read token"),
        required=False,
        max_length=500,
        strip=True,
        # Never rendered back: once saved, the token is not shown again.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("The token the other agency made for you. Leave empty to keep the saved one."),
    )
    is_scheduled = forms.BooleanField(
        label=_("Pull changes every hour"), required=False, initial=True
    )
    auto_apply = forms.BooleanField(
        label=_("Apply changes without asking"),
        required=False,
        help_text=_("Otherwise each pull waits until an admin here approves what it would change."),
    )


class SubscriptionForm(SubscriptionSettingsForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("The other agency."))
    base_url = forms.CharField(
        label=_("HSDS API address"),
        max_length=500,
        help_text=_("For example https://limen.other-agency.example/api/hsds"),
    )
    field_order = ["name", "base_url", "token", "is_scheduled", "auto_apply"]

    def clean_base_url(self) -> str:
        from directory.hsds.remote import check_base_url

        try:
            return check_base_url(self.cleaned_data["base_url"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class SourceNoteForm(forms.Form):
    text = forms.CharField(
        label=_("What should change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
