"""The ranges every date and number that people type into Limen must fall in.

Outside them a value still parses but breaks later, for somebody else: a session dated
31 December 9999 cannot be shown in a time zone east of UTC (the year overflows), and an id beyond
64 bits cannot even be sent to SQLite. Every date and number field of a form is one of the fields
below (the test suite checks that), and the models holding such dates check the same range.
"""

from datetime import UTC, date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_MOMENT = datetime.combine(EARLIEST_DATE, time.min, tzinfo=UTC)
LATEST_MOMENT = datetime.combine(LATEST_DATE, time.max, tzinfo=UTC)
# The smallest integer column any of our databases has (32 bits): no typed number goes beyond.
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1

DATE_MESSAGE = _("Give a date between 1900 and 2100.")


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_DATE, message=DATE_MESSAGE),
            MaxValueValidator(LATEST_DATE, message=DATE_MESSAGE),
        ]


class DateTimeField(forms.DateTimeField):
    """Compared as moments (UTC), as the database constraints compare them."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_MOMENT, message=DATE_MESSAGE),
            MaxValueValidator(LATEST_MOMENT, message=DATE_MESSAGE),
        ]


class IntegerField(forms.IntegerField):
    """Bounded on both sides: by the caller, or else by the 32-bit range."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(
            min_value=INTEGER_MIN if min_value is None else min_value,
            max_value=INTEGER_MAX if max_value is None else max_value,
            **kwargs,
        )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids outside the key column's range as invalid choices, before any query: Django
    hands ``pk__in`` values to the database as they are, and SQLite raises OverflowError."""

    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField):
            low, high = connection.ops.integer_field_range(key.get_internal_type())
            for raw in value or ():
                try:
                    number = int(str(raw).strip())
                except ValueError:
                    continue  # not a number: Django's own check refuses it
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": raw},
                    )
        return super()._check_values(value)
