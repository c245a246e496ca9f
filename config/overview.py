"""The overview page's "at a glance" cards: what is waiting for this person, in each app.

It lives in ``config`` because it reads every app; the apps do not import each other for it.
Each app answers with its own ``glance(user)`` selector (a handful of counts in a small
dataclass, a fixed number of queries whatever the amount of data) and keeps its rules there;
this module only words the counts and links to where the work is done.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User
from boundaries import selectors as boundaries_selectors
from directory import selectors as directory_selectors
from journal import selectors as journal_selectors
from referrals import selectors as referrals_selectors
from reminders import selectors as reminders_selectors
from reminders.texts import waiting_text

# The most of a delivery error the reminders card shows; /reminders/failed/ shows more.
ERROR_SHOWN = 80


@dataclass(frozen=True)
class Line:
    text: str
    url: str = ""
    attention: bool = False


@dataclass(frozen=True)
class Glance:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    action_url: str = ""
    action_label: str = ""


def glances(user: User, membership: Membership | None) -> list[Glance]:
    if membership is None:
        return []
    cards: list[Glance] = []
    if membership.is_practitioner:
        cards += [
            _journal(journal_selectors.glance(user)),
            _inventory(boundaries_selectors.glance(user)),
            _referrals(referrals_selectors.glance(user)),
        ]
    if membership.is_supervisor:
        cards.append(_review(journal_selectors.review_glance(user)))
    if membership.is_admin:
        cards.append(_directory(directory_selectors.glance(user)))
    cards.append(_reminders(reminders_selectors.glance(user), user))
    return cards


def _journal(glance: journal_selectors.JournalGlance) -> Glance:
    entries, to_decide = glance.sessions_this_month, glance.to_decide
    lines = [
        Line(
            ngettext(
                "%(count)d session logged this month",
                "%(count)d sessions logged this month",
                entries,
            )
            % {"count": entries},
            reverse("journal:entries"),
        )
    ]
    if to_decide:
        lines.append(
            Line(
                ngettext(
                    "%(count)d possible crossing waits for your decision",
                    "%(count)d possible crossings wait for your decision",
                    to_decide,
                )
                % {"count": to_decide},
                reverse("journal:entries") + "?flagged=yes",
                attention=True,
            )
        )
    return Glance(
        "journal",
        _("Journal"),
        lines,
        reverse("journal:entry_new"),
        _("New session entry"),
    )


def _inventory(glance: boundaries_selectors.InventoryGlance) -> Glance:
    if glance.open_take is not None:
        return Glance(
            "inventory",
            _("Self-inventory"),
            [Line(_("You have an inventory in progress; your answers are saved."))],
            reverse("boundaries:take", args=[glance.open_take]),
            _("Continue the inventory"),
        )
    if glance.latest_take is None:
        return Glance(
            "inventory",
            _("Self-inventory"),
            [Line(_("Know your own values and hot buttons before they meet a client's."))],
            reverse("boundaries:home"),
            _("Take the inventory"),
        )
    completed = timezone.localtime(glance.latest_completed_at)
    lines = [
        Line(
            _("Last taken on %(date)s.") % {"date": date_format(completed, "DATE_FORMAT")},
            reverse("boundaries:results", args=[glance.latest_take]),
        )
    ]
    if glance.retake_due:
        lines.append(Line(_("Time for a re-take: see what changed."), attention=True))
    return Glance(
        "inventory",
        _("Self-inventory"),
        lines,
        reverse("boundaries:home"),
        _("Your results over time"),
    )


def _referrals(glance: referrals_selectors.ReferralsGlance) -> Glance:
    open_count, due = glance.without_outcome, glance.follow_ups_due
    lines = [
        Line(
            ngettext(
                "%(count)d referral without a final outcome",
                "%(count)d referrals without a final outcome",
                open_count,
            )
            % {"count": open_count},
            reverse("referrals:referral_list"),
        )
    ]
    if due:
        lines.append(
            Line(
                ngettext(
                    "%(count)d follow-up is due",
                    "%(count)d follow-ups are due",
                    due,
                )
                % {"count": due},
                reverse("referrals:referral_list"),
                attention=True,
            )
        )
    return Glance(
        "referrals",
        _("Referrals"),
        lines,
        reverse("directory:search"),
        _("Find a service"),
    )


def _review(glance: journal_selectors.ReviewGlance) -> Glance:
    waiting, old = glance.to_review, glance.escalated
    lines = [
        Line(
            ngettext(
                "%(count)d confirmed crossing to review",
                "%(count)d confirmed crossings to review",
                waiting,
            )
            % {"count": waiting},
            reverse("journal:review"),
        )
    ]
    if old:
        lines.append(
            Line(
                ngettext(
                    "%(count)d has waited more than %(days)d days",
                    "%(count)d have waited more than %(days)d days",
                    old,
                )
                % {"count": old, "days": glance.escalate_after_days},
                reverse("journal:review"),
                attention=True,
            )
        )
    return Glance(
        "review",
        _("Review queue"),
        lines,
        reverse("journal:meetings"),
        _("Supervision meetings"),
    )


def _directory(glance: directory_selectors.DirectoryGlance) -> Glance:
    services, stale, corrections = glance.services, glance.stale, glance.corrections_pending
    lines = [
        Line(
            ngettext(
                "%(count)d service in your directory",
                "%(count)d services in your directory",
                services,
            )
            % {"count": services},
            reverse("directory:manage"),
        )
    ]
    if stale:
        lines.append(
            Line(
                ngettext(
                    "%(count)d not verified for %(days)s days",
                    "%(count)d not verified for %(days)s days",
                    stale,
                )
                % {"count": stale, "days": glance.stale_after_days},
                reverse("directory:verification"),
                attention=True,
            )
        )
    if corrections:
        lines.append(
            Line(
                ngettext(
                    "%(count)d correction waits for your approval",
                    "%(count)d corrections wait for your approval",
                    corrections,
                )
                % {"count": corrections},
                reverse("directory:corrections"),
                attention=True,
            )
        )
    return Glance(
        "directory",
        _("Directory upkeep"),
        lines,
        reverse("directory:import_upload"),
        _("Import a directory"),
    )


def _reminders(glance: reminders_selectors.RemindersGlance, user: User) -> Glance:
    unread, failed = glance.unread, glance.failed
    text = (
        ngettext(
            "%(count)d unread reminder",
            "%(count)d unread reminders",
            unread,
        )
        % {"count": unread}
        if unread
        else _("No unread reminders.")
    )
    lines = [Line(text, reverse("reminders:inbox"), attention=bool(unread))]
    waiting = waiting_text(
        count=glance.waiting.count, goes_out_at=glance.waiting.goes_out_at, tz=user.tzinfo
    )
    if waiting:
        lines.append(Line(waiting, reverse("reminders:inbox")))
    if failed:
        lines.append(
            Line(
                ngettext(
                    "%(count)d reminder could not be delivered",
                    "%(count)d reminders could not be delivered",
                    failed,
                )
                % {"count": failed},
                reverse("reminders:failed"),
                attention=True,
            )
        )
    if glance.retrying:
        lines.append(
            Line(
                ngettext(
                    "%(count)d reminder retrying, last error: %(error)s",
                    "%(count)d reminders retrying, last error: %(error)s",
                    glance.retrying,
                )
                % {
                    "count": glance.retrying,
                    "error": Truncator(glance.last_error).chars(ERROR_SHOWN),
                },
                reverse("reminders:failed"),
                attention=True,
            )
        )
    return Glance(
        "reminders",
        _("Reminders"),
        lines,
        reverse("reminders:settings"),
        _("Reminder settings"),
    )
