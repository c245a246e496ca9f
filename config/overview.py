"""The overview page's "at a glance" cards: what is waiting for this person, in each app.

Like the navigation, it lives in ``config`` because it reads every app; the apps do not import
each other for it. Each card is a handful of counts (a fixed number of queries, whatever the
amount of data) and links to where the work is done.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User


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
        cards += [_journal(user), _inventory(user), _referrals(user)]
    if membership.is_supervisor:
        cards.append(_review(user))
    if membership.is_admin:
        cards.append(_directory(user))
    cards.append(_reminders(user))
    return cards


def _journal(user: User) -> Glance:
    from journal import selectors
    from journal.models import Flag

    month_start = timezone.localdate().replace(day=1)
    entries = selectors.entries_of(user, date_from=month_start).count()
    to_decide = Flag.objects.filter(
        entry__in=selectors.entries_of(user), status=Flag.Status.SUGGESTED
    ).count()
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


def _inventory(user: User) -> Glance:
    from boundaries import selectors

    open_take = selectors.open_take_of(user)
    if open_take is not None:
        return Glance(
            "inventory",
            _("Self-inventory"),
            [Line(_("You have an inventory in progress; your answers are saved."))],
            reverse("boundaries:take", args=[open_take.uuid]),
            _("Continue the inventory"),
        )
    latest = selectors.completed_takes_of(user).first()
    if latest is None:
        return Glance(
            "inventory",
            _("Self-inventory"),
            [Line(_("Know your own values and hot buttons before they meet a client's."))],
            reverse("boundaries:home"),
            _("Take the inventory"),
        )
    retake_on = selectors.next_retake_on(user)
    due = retake_on is not None and retake_on <= timezone.now()
    lines = [
        Line(
            _("Last taken on %(date)s.")
            % {"date": date_format(timezone.localtime(latest.completed_at), "DATE_FORMAT")},
            reverse("boundaries:results", args=[latest.uuid]),
        )
    ]
    if due:
        lines.append(Line(_("Time for a re-take: see what changed."), attention=True))
    return Glance(
        "inventory",
        _("Self-inventory"),
        lines,
        reverse("boundaries:home"),
        _("Your results over time"),
    )


def _referrals(user: User) -> Glance:
    from referrals import selectors
    from referrals.models import Referral

    waiting = selectors.referrals_of(user).filter(outcome__in=["", Referral.Outcome.WAITING])
    open_count = waiting.count()
    due = waiting.filter(follow_up_on__lte=timezone.localdate()).count()
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


def _review(user: User) -> Glance:
    from journal import selectors

    waiting, old = selectors.review_queue_counts(user)
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
                    "%(count)d has waited more than a week",
                    "%(count)d have waited more than a week",
                    old,
                )
                % {"count": old},
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


def _directory(user: User) -> Glance:
    from directory import selectors
    from directory.models import STALE_AFTER_DAYS, PendingCorrection

    services = selectors.services_for_admin(user).count()
    stale = selectors.stale_services(user).count()
    corrections = (
        selectors.corrections_for_admin(user)
        .filter(status=PendingCorrection.Status.PENDING)
        .count()
    )
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
                % {"count": stale, "days": STALE_AFTER_DAYS},
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


def _reminders(user: User) -> Glance:
    from reminders import selectors

    unread = selectors.unread_count_of(user)
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
    failed = selectors.failed_for_admin(user).count()
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
    return Glance(
        "reminders",
        _("Reminders"),
        lines,
        reverse("reminders:settings"),
        _("Reminder settings"),
    )
