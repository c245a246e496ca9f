"""factory_boy factories: rows in the state a test needs, set directly.

A flag made here is confirmed (or reviewed) because the factory says so, not because the
detector found it and a service confirmed it: a change to the slip rules or to the learned model
does not change what an access test sees. Tests about the detector and the services call them.

``personas()`` builds the one set of people the suite uses (see ``tests/conftest.py``).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from types import SimpleNamespace

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Organisation, SupervisionLink, User
from directory.models import Organization, Service
from journal.models import Client, Flag, FlagEvent, SessionEntry
from referrals.models import Referral

# Every account a factory makes signs in with this password.
PASSWORD = "correct-horse-battery"


@cache
def _hashed(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def hashed_password(password: str = PASSWORD) -> str:
    """The stored form of ``password``, hashed once per run (and per hasher setting)."""
    from django.conf import settings

    return _hashed(password, tuple(settings.PASSWORD_HASHERS))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    language = "en"
    time_zone = "Europe/Amsterdam"
    password = factory.LazyFunction(hashed_password)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_practitioner = True
    is_supervisor = False
    is_admin = False


class SupervisionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionLink

    organisation = factory.SubFactory(OrganisationFactory)
    supervisor = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, is_supervisor=True).user
    )
    supervisee = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation).user
    )
    cadence_weeks = 4


def _member() -> User:
    """A practitioner in an agency of their own."""
    return MembershipFactory().user


# --- The persona set -----------------------------------------------------------------------------

# (slug, name, time zone, [(attribute, e-mail, full name, language, roles)], [(supervisor,
# supervisee)]): an agency with an admin, two supervisors and two practitioners, and a second
# agency that is outside everyone's scope in the first. The same people as the demo, so that a
# test reads like the product, but made here: the demo may change without touching the suite.
PERSONAS = [
    (
        "harbour",
        "Harbour Counselling",
        "Europe/Amsterdam",
        [
            ("admin", "admin@harbour.example", "Hanna de Wit", "en", {"admin"}),
            ("supervisor", "supervisor@harbour.example", "Sara Jansen", "en", {"supervisor"}),
            ("supervisor2", "supervisor2@harbour.example", "Tom Bakker", "en", {"supervisor"}),
            ("ana", "ana@harbour.example", "Ana Martins", "en", {"practitioner"}),
            ("ben", "ben@harbour.example", "Ben Visser", "en", {"practitioner"}),
        ],
        [("supervisor", "ana"), ("supervisor2", "ben")],
    ),
    (
        "lindenhof",
        "Lindenhof Coaching",
        "Europe/Berlin",
        [
            ("lindenhof_admin", "admin@lindenhof.example", "Lena Hoffmann", "en", {"admin"}),
            (
                "lindenhof_supervisor",
                "supervisor@lindenhof.example",
                "Markus Weber",
                "de",
                {"supervisor"},
            ),
            ("chloe", "chloe@lindenhof.example", "Chloé Dubois", "fr", {"practitioner"}),
            ("daan", "daan@lindenhof.example", "Daan Smit", "nl", {"practitioner"}),
        ],
        [("lindenhof_supervisor", "chloe"), ("lindenhof_supervisor", "daan")],
    ),
]


def personas() -> SimpleNamespace:
    """The persona set, written in a handful of queries: ``harbour`` with ``admin``,
    ``supervisor`` (of ``ana``), ``supervisor2`` (of ``ben``), ``ana`` and ``ben``; ``lindenhof``
    with ``lindenhof_admin``, ``lindenhof_supervisor`` (of ``chloe`` and ``daan``), ``chloe``
    (French) and ``daan`` (Dutch). Nobody has set working hours (the default window applies);
    everyone signs in with ``PASSWORD``; supervisees know their supervisors (no "new
    supervisor" notice)."""
    people = SimpleNamespace()
    password = hashed_password()
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(slug=slug, name=name) for slug, name, *_ in PERSONAS
    )
    users, memberships, links = [], [], []
    for organisation, (slug, _name, tz, members, pairs) in zip(
        organisations, PERSONAS, strict=True
    ):
        setattr(people, slug, organisation)
        for attribute, email, full_name, language, roles in members:
            user = User(
                email=email,
                full_name=full_name,
                language=language,
                time_zone=tz,
                password=password,
            )
            setattr(people, attribute, user)
            users.append(user)
            memberships.append((user, organisation, roles))
        links += [(organisation, supervisor, supervisee) for supervisor, supervisee in pairs]
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=organisation,
            is_practitioner="practitioner" in roles,
            is_supervisor="supervisor" in roles,
            is_admin="admin" in roles,
        )
        for user, organisation, roles in memberships
    )
    SupervisionLink.objects.bulk_create(
        SupervisionLink(
            organisation=organisation,
            supervisor=getattr(people, supervisor),
            supervisee=getattr(people, supervisee),
            cadence_weeks=4,
            supervisee_acknowledged_at=now,
        )
        for organisation, supervisor, supervisee in links
    )
    return people


# --- Journal -------------------------------------------------------------------------------------


class ClientFactory(factory.django.DjangoModelFactory):
    """A pseudonymous client of ``owner``, in the owner's organisation."""

    class Meta:
        model = Client

    owner = factory.LazyFunction(_member)
    organisation = factory.LazyAttribute(lambda o: o.owner.membership.organisation)
    code = factory.Sequence(lambda n: f"T-{n:03d}")


class EntryFactory(factory.django.DjangoModelFactory):
    """A saved session entry (no detector run: its flags are whatever a test adds)."""

    class Meta:
        model = SessionEntry

    owner = factory.LazyFunction(_member)
    client = factory.SubFactory(ClientFactory, owner=factory.SelfAttribute("..owner"))
    organisation = factory.LazyAttribute(lambda o: o.client.organisation)
    notes = "Calm session about the job search."
    language = "en"
    status = SessionEntry.Status.SAVED

    class Params:
        draft = factory.Trait(status=SessionEntry.Status.DRAFT, language="")


def _evidence(flag) -> tuple[int | None, int | None]:
    text = getattr(flag.entry, flag.field, "") if flag.field else ""
    start = text.find(flag.quote) if flag.quote else -1
    return (start, start + len(flag.quote)) if start >= 0 else (None, None)


class FlagFactory(factory.django.DjangoModelFactory):
    """A detector suggestion on an entry; ``quote`` is found in the entry's ``field`` and becomes
    the evidence span. Traits: ``confirmed``, ``dismissed``, ``reported`` (added by the
    practitioner, confirmed), ``reviewed`` (confirmed and reviewed by ``reviewed_by``)."""

    class Meta:
        model = Flag
        skip_postgeneration_save = True

    class Params:
        confirmed = factory.Trait(
            status=Flag.Status.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
        )
        dismissed = factory.Trait(
            status=Flag.Status.DISMISSED, dismiss_reason="It was part of the plan."
        )
        reported = factory.Trait(
            source=Flag.Source.SELF,
            status=Flag.Status.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
            rule="",
            field="",
            quote="",
            note="I noticed this myself.",
        )
        reviewed = factory.Trait(
            confirmed=True,
            outcome=Flag.Outcome.WATCH,
            review_comment="Talked it through.",
            reviewed_at=factory.LazyFunction(timezone.now),
            reviewed_by=factory.LazyAttribute(
                lambda o: SupervisionLink.objects.get(supervisee=o.entry.owner).supervisor
            ),
        )

    entry = factory.SubFactory(EntryFactory)
    category = "giving_money"
    source = Flag.Source.DETECTOR
    status = Flag.Status.SUGGESTED
    rule = factory.LazyAttribute(lambda o: f"{o.entry.language or 'en'}.test.{o.category}")
    field = "notes"
    quote = factory.LazyAttribute(lambda o: getattr(o.entry, o.field)[:500])
    start = factory.LazyAttribute(lambda o: _evidence(o)[0])
    end = factory.LazyAttribute(lambda o: _evidence(o)[1])

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        """The events the services would have written for this state."""
        if not create:
            return
        actions = []
        if obj.source == Flag.Source.SELF:
            actions.append(FlagEvent.Action.REPORTED)
        else:
            actions.append(FlagEvent.Action.SUGGESTED)
            if obj.status == Flag.Status.CONFIRMED:
                actions.append(FlagEvent.Action.CONFIRMED)
            elif obj.status == Flag.Status.DISMISSED:
                actions.append(FlagEvent.Action.DISMISSED)
        if obj.reviewed_at:
            actions.append(FlagEvent.Action.REVIEWED)
        FlagEvent.objects.bulk_create(
            FlagEvent(flag=obj, action=action, actor=obj.entry.owner, at=obj.created_at)
            for action in actions
        )


# --- Directory and referrals ---------------------------------------------------------------------


class ProviderFactory(factory.django.DjangoModelFactory):
    """An HSDS organization (a provider) in ``owner``'s directory."""

    class Meta:
        model = Organization

    owner = factory.SubFactory(OrganisationFactory)
    hsds_id = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Provider {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """An active, recently verified service in ``owner``'s directory, indexed for search."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory)
    organization = factory.SubFactory(ProviderFactory, owner=factory.SelfAttribute("..owner"))
    hsds_id = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Help with debts and money."
    status = Service.Status.ACTIVE
    assured_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from directory.search.index import service_reindex

            service_reindex([obj.pk])


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral of one of ``owner``'s clients, follow-up in two weeks, consent given."""

    class Meta:
        model = Referral

    owner = factory.LazyFunction(_member)
    organisation = factory.LazyAttribute(lambda o: o.owner.membership.organisation)
    client = factory.SubFactory(ClientFactory, owner=factory.SelfAttribute("..owner"))
    service = None
    service_name = factory.LazyAttribute(lambda o: o.service.name if o.service else "Debt help")
    reason = "Debts are piling up."
    client_consented = True
    follow_up_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
