"""Forms for clients, session entries, flags, reviews and supervision meetings."""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from config import bounds
from config.forms import Select
from journal.models import REASON_MAX_LENGTH, Category, Client, Flag, SessionEntry
from journal.selectors import recent_clients_of

# Clients offered in the journal's filter: the most recent ones, never the whole caseload.
RECENT_CLIENTS_IN_FILTER = 30

# Article 004's eight principles, as the entry's self-check.
PRINCIPLES = [
    ("empower", _("I empowered rather than rescued: the client did their own work.")),
    ("self_care", _("I kept to my working hours and took no work home.")),
    (
        "not_me_time",
        _("Service time stayed the client's time: I shared about myself only to help."),
    ),
    ("wallet", _("I kept my wallet closed and used programme resources only.")),
    ("not_employee", _("I asked no favours or services of the client.")),
    ("consistent", _("I was consistent: I did what I said I would do.")),
    ("role_model", _("I behaved as the role model the client may look to.")),
    ("accountable", _("I will keep my supervisor informed about what happened.")),
]
SELF_CHECK_CHOICES = [
    ("yes", _("Yes")),
    ("partly", _("Partly")),
    ("no", _("No")),
]

# The longest text a field of an entry keeps (and the most of it the live check reads).
MAX_TEXT = 100_000
# A session lasts from a minute to a long working day.
DURATION_MIN_MINUTES, DURATION_MAX_MINUTES = 1, 600

# Obvious identifiers that do not belong in pseudonymous notes. Every quantifier is bounded (an
# address part or a phone number has a longest useful length) and an e-mail address can only start
# where a run of address characters starts, so each search is linear in the length of the text:
# an unbounded ``[\w.+-]+@`` tried every start of a 100,000-letter run and held a worker for
# minutes.
IDENTIFIER_PATTERNS = [
    (
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,190}"),
        _("an e-mail address"),
    ),
    (re.compile(r"(?<!\d)(?:\+|00)?\d[\d \-/().]{7,30}\d(?!\d)"), _("a phone number")),
    (re.compile(r"\b\d{3}[.\- ]?\d{2}[.\- ]?\d{3,4}\b"), _("an ID number")),
]


# A client code made of words only, one of them written as a name is ("Maria", "Jan de Vries",
# "Mr Smith"), is probably the client's name; K-17, AB or "debt 3" are not. Words that label a
# code rather than name a person do not count.
CODE_WORD_RE = re.compile(r"[^\W\d_]+")
CODE_LABEL_WORDS = frozenset(
    ["client", "cliënt", "klient", "klientin", "personne", "case", "casus"]
)


def code_looks_like_a_name(code: str) -> bool:
    """Whether a client code looks like a person's name (warned about, never blocked)."""
    from journal.slips.rules import is_name
    from journal.slips.text import fold

    code = (code or "").strip()
    if not code or any(ch.isdigit() for ch in code):
        return False
    words = CODE_WORD_RE.findall(code)
    return any(
        len(word) > 1 and word.lower() not in CODE_LABEL_WORDS and is_name(word, fold(word))
        for word in words
    )


def identifier_warnings(*texts: str) -> list[str]:
    """What looks like a personal identifier in the texts (warned about, never blocked)."""
    found = []
    for pattern, label in IDENTIFIER_PATTERNS:
        if any(pattern.search(text or "") for text in texts) and label not in found:
            found.append(label)
    return [str(label) for label in found]


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["code", "tags", "notes"]
        widgets = {
            "code": forms.TextInput(attrs={"dir": "auto"}),
            "tags": forms.TextInput(attrs={"dir": "auto"}),
            "notes": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        }
        help_texts = {"tags": _("Comma-separated, e.g. housing, debt.")}

    # A new client whose code, tags and notes match one made this recently is a double submit.
    RESUBMIT_WINDOW = timedelta(minutes=2)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.resubmission_of: Client | None = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Client.objects.filter(owner=self.owner, code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        existing = clash.first()
        if existing is not None:
            if not self.instance.pk and self._same_as(existing):
                self.resubmission_of = existing
            raise forms.ValidationError(_("You already have a client with this code."))
        return code

    def _same_as(self, client: Client) -> bool:
        return (
            client.code == self.data.get("code", "").strip()
            and client.tags == self.data.get("tags", "").strip()
            and client.notes == self.data.get("notes", "").strip()
            and client.created_at >= timezone.now() - self.RESUBMIT_WINDOW
        )


class RecentClientsMixin:
    """A ``client`` choice that accepts any of the practitioner's clients (a link may name an old
    one) but lists only the recent ones: a long journal has hundreds."""

    def _offer_recent_clients(self, owner) -> None:
        self.fields["client"].queryset = Client.objects.filter(owner=owner)
        self.listed = recent_clients_of(owner, limit=RECENT_CLIENTS_IN_FILTER)
        self._list(self.listed)

    def _list(self, clients: list[Client]) -> None:
        field = self.fields["client"]
        field.widget.choices = [("", field.empty_label)] + [
            (field.prepare_value(c), field.label_from_instance(c)) for c in clients
        ]

    def clean_client(self):
        client = self.cleaned_data.get("client")
        if client is not None and client not in self.listed:
            self._list([*self.listed, client])  # the chosen one stays shown as chosen
        return client


class SessionMomentField(bounds.DateTimeField):
    """When a session took place: an entry is written about a session that happened, so the
    moment is at the latest on today's date where the practitioner is (their time zone). The
    date picker offers nothing later either."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def get_bound_field(self, form, field_name):
        # Today as the form is shown (the field itself is made once, when Limen starts).
        self.widget.attrs["max"] = f"{timezone.localdate():%Y-%m-%d}T23:59"
        return super().get_bound_field(form, field_name)

    def validate(self, value):
        super().validate(value)
        # A moment past 2100 gets the range's own message (checked after this).
        if value is None or value > bounds.LATEST_MOMENT:
            return
        if timezone.localtime(value).date() > timezone.localdate():
            raise forms.ValidationError(
                _("An entry is about a session that took place: choose today or an earlier day."),
                code="future",
            )


class NewEntryForm(RecentClientsMixin, forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.none(),
        empty_label=_("Choose a client"),
        widget=Select,
    )
    occurred_at = SessionMomentField(label=_("Date and time"))

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_recent_clients(owner)


def _duration_message() -> str:
    return _("Give a duration between %(min)s and %(max)s minutes.") % {
        "min": DURATION_MIN_MINUTES,
        "max": DURATION_MAX_MINUTES,
    }


class EntryForm(forms.ModelForm):
    version = bounds.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = SessionEntry
        fields = [
            "occurred_at",
            "duration_minutes",
            "setting",
            "notes",
            "felt",
            "went_well",
            "differently",
            "next_steps",
        ]
        field_classes = {
            "occurred_at": SessionMomentField,
            "duration_minutes": bounds.IntegerField,
        }
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
            "felt": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "went_well": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "differently": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "next_steps": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }

    def __init__(self, *args, require_text: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        pasted = [n for n in SessionEntry.TEXT_FIELDS if "\x00" in (self.data.get(n) or "")]
        if pasted:
            # Text pasted from a PDF can carry null characters, which no database column holds
            # and Django refuses outright; they mean nothing in a note, so they are dropped
            # rather than failing the whole field (and the entry with it) as unwritten.
            self.data = self.data.copy()
            for name in pasted:
                self.data[name] = self.data[name].replace("\x00", "")
        # Saving needs some text; an autosave of an emptied draft keeps it empty.
        self.require_text = require_text
        duration = self.fields["duration_minutes"]
        duration.widget.attrs.update({"min": DURATION_MIN_MINUTES, "max": DURATION_MAX_MINUTES})
        # The model's bounds (0 and the 32-bit range) would otherwise answer in Django's words,
        # "Ensure this value is greater than or equal to 0", before the range below is checked.
        duration.error_messages["min_value"] = duration.error_messages["max_value"] = (
            _duration_message()
        )
        for name, label in PRINCIPLES:
            self.fields[f"check_{name}"] = forms.ChoiceField(
                label=label,
                choices=SELF_CHECK_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            if self.instance and self.instance.pk:
                self.initial.setdefault(f"check_{name}", self.instance.self_check.get(name, ""))
        if self.instance:
            self.initial.setdefault("version", self.instance.version)
        if not self.is_bound and not (self.instance and self.instance.pk):
            # A new entry opens where the writing starts; the date, length and setting above it
            # already hold sensible values.
            self.fields["notes"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        # Asked before the length check: its errors take the field out of ``cleaned``, and a
        # field that is too long is not empty.
        written = self.written()
        for name in SessionEntry.TEXT_FIELDS:
            if len(cleaned.get(name) or "") > MAX_TEXT:
                limit = number_format(MAX_TEXT, force_grouping=True)
                self.add_error(name, _("Keep this under %(count)s characters.") % {"count": limit})
        if self.require_text and not written:
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Write something in at least one of the fields before saving: an "
                        "empty entry is not kept."
                    ),
                    code="empty",
                ),
            )
        duration = cleaned.get("duration_minutes")
        if duration is not None and not DURATION_MIN_MINUTES <= duration <= DURATION_MAX_MINUTES:
            self.add_error("duration_minutes", _duration_message())
        cleaned["self_check"] = {
            name: cleaned.pop(f"check_{name}")
            for name, _label in PRINCIPLES
            if cleaned.get(f"check_{name}")
        }
        return cleaned

    def written(self) -> bool:
        """Whether any of the entry's text fields holds more than white space."""
        cleaned = getattr(self, "cleaned_data", {})
        return any((cleaned.get(name) or "").strip() for name in SessionEntry.TEXT_FIELDS)

    def principle_fields(self):
        return [self[f"check_{name}"] for name, _label in PRINCIPLES]

    def entry_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["self_check"] = self.cleaned_data["self_check"]
        return data


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this not a crossing?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )


class ReportFlagForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind of crossing"),
        choices=[("", "—")] + list(Category.choices),
        error_messages={
            "required": _("Choose what kind of crossing it was."),
            "invalid_choice": _("Choose what kind of crossing it was."),
        },
    )
    note = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Flag.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an outcome: harmless or helpful, to watch, or a violation."),
            "invalid_choice": _("Choose one of the three outcomes."),
        },
    )
    comment = forms.CharField(
        label=_("Comment for the practitioner"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolve = forms.BooleanField(label=_("Resolved: nothing more to do"), required=False)


class EntryFilterForm(RecentClientsMixin, forms.Form):
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Client.objects.none(),
        required=False,
        help_text=_("Your most recent clients. To find another, type its code in Search."),
        empty_label=_("All clients"),
        widget=Select,
    )
    category = forms.ChoiceField(
        label=_("Crossing"), choices=[("", _("Any"))] + list(Category.choices), required=False
    )
    flagged = forms.ChoiceField(
        label=_("Flags"),
        choices=[("", _("All entries")), ("yes", _("With flags")), ("no", _("Without flags"))],
        required=False,
    )
    date_from = bounds.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = bounds.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_recent_clients(owner)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Choose an end date on or after the start date."))
        return cleaned


class MeetingForm(forms.Form):
    held_on = bounds.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    flags = bounds.ModelMultipleChoiceField(
        label=_("Crossings discussed"),
        queryset=Flag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, flags_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flags"].queryset = flags_queryset
        self.fields["flags"].label_from_instance = lambda f: (
            f"{f.get_category_display()} · {f.entry.client.code} · {f.entry.occurred_at:%Y-%m-%d}"
        )
