"""How audit events read: "Markus Weber read this entry", not ``journal.entry.read``.

Each app owns the wording of the actions it writes: its ``<app>/audit.py`` lists them as
``Sentence`` rows and its ``AppConfig.ready()`` registers them here. A sentence names the actor
as ``%(actor)s`` and may use the event's data (``%(name)s``), or values its ``values`` function
derives from the data (an outcome's label from its code). ``here`` is the same event told on the
page of what it happened to ("… read this entry"); ``sentence`` stands alone, as in the
organisation's log. The action codes are stored data: an app that took over another's actions
(``directory`` the ``referrals.service.*`` ones) registers them under their old codes.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Sentence:
    action: str
    sentence: Promise
    here: Promise | None = None
    values: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None


_SENTENCES: dict[str, Sentence] = {}


class _Values(dict):
    """A value a sentence names but an older event's data lacks reads as a dash, not an error."""

    def __missing__(self, key: str) -> str:
        return "—"


def register(sentences: Iterable[Sentence]) -> None:
    for sentence in sentences:
        _SENTENCES[sentence.action] = sentence


def registered(action: str) -> bool:
    return action in _SENTENCES


def actor_name(actor) -> str:
    """Who did it: a person's name, or Limen itself for what no person did (a suggestion the
    detector made, a scheduled pull)."""
    if actor is None:
        return gettext("Limen")
    return actor.get_full_name() or actor.email


def describe(
    *, action: str, actor, data: Mapping[str, Any] | None = None, here: bool = False
) -> str:
    """The event as a sentence in the active language; an unregistered action shows its code."""
    entry = _SENTENCES.get(action)
    if entry is None:
        return f"{actor_name(actor)} · {action}"
    data = dict(data or {})
    values = _Values({key: value for key, value in data.items() if isinstance(value, str | int)})
    if entry.values is not None:
        values.update(entry.values(data))
    values["actor"] = actor_name(actor)
    text = entry.here if here and entry.here is not None else entry.sentence
    return str(text) % values


SENTENCES = [
    Sentence("accounts.member.added", _("%(actor)s added %(email)s as a member")),
    Sentence("accounts.member.updated", _("%(actor)s changed a member's roles")),
    Sentence("accounts.member.deactivated", _("%(actor)s deactivated a member")),
    Sentence("accounts.member.reactivated", _("%(actor)s reactivated a member")),
    Sentence("accounts.supervision.added", _("%(actor)s paired a supervisor with a supervisee")),
    Sentence("accounts.supervision.updated", _("%(actor)s changed how often a pair meets")),
    Sentence("accounts.supervision.removed", _("%(actor)s ended a supervision pair")),
    Sentence("accounts.two_factor.enabled", _("%(actor)s switched on two-step sign-in")),
    Sentence("accounts.two_factor.reset", _("%(actor)s reset a member's two-step sign-in")),
    Sentence(
        "accounts.two_factor.required",
        _("%(actor)s made two-step sign-in required for everyone"),
    ),
    Sentence("accounts.two_factor.optional", _("%(actor)s made two-step sign-in optional")),
]
