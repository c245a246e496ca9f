"""What every app's forms share: a service's refusal shown on the form, and a select menu
rendered without a template per option."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime


def form_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has that
    field, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class Select(forms.Select):
    """Django's select menu, the same HTML as its template, rendered in Python: the template
    renders two included templates for every option, about 50 µs each, and a menu of places or
    time zones has dozens to hundreds of options. A subclass's ``template_name`` and
    ``option_template_name`` are not read."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', _shown(group)))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attributes(option["attrs"]),
                        _shown(option["label"]),
                    )
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part is escaped by format_html)


def _shown(value):
    """A label as ``{{ label }}`` shows it: a date or a number in the reader's format."""
    return localize(template_localtime(value))


def _attributes(attrs: dict) -> SafeString:
    """As ``django/forms/widgets/attrs.html``: ``False`` leaves a name out, ``True`` writes it
    bare."""
    return mark_safe(  # noqa: S308 (each part is escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )
