"""The demo organisations and accounts (README: "Demo logins").

``seed`` is idempotent: running it again changes nothing that is already as described, and it
never touches accounts that are not part of the demo.
"""

from datetime import time

from django.utils import timezone

from accounts.access import Role
from accounts.models import Membership, Organisation, SupervisionLink, User, WorkingPeriod

DEMO_PASSWORD = "limen-demo-2026"

# (slug, name, time zone, [(email, full name, language, roles)], [(supervisor, supervisee)])
DEMO_ORGANISATIONS = [
    (
        "harbour",
        "Harbour Counselling",
        "Europe/Amsterdam",
        [
            ("admin@harbour.example", "Hanna de Wit", "en", {Role.ADMIN}),
            ("supervisor@harbour.example", "Sara Jansen", "en", {Role.SUPERVISOR}),
            ("supervisor2@harbour.example", "Tom Bakker", "en", {Role.SUPERVISOR}),
            ("ana@harbour.example", "Ana Martins", "en", {Role.PRACTITIONER}),
            ("ben@harbour.example", "Ben Visser", "en", {Role.PRACTITIONER}),
        ],
        [
            ("supervisor@harbour.example", "ana@harbour.example"),
            ("supervisor2@harbour.example", "ben@harbour.example"),
        ],
    ),
    (
        "lindenhof",
        "Lindenhof Coaching",
        "Europe/Berlin",
        [
            ("admin@lindenhof.example", "Lena Hoffmann", "en", {Role.ADMIN}),
            ("supervisor@lindenhof.example", "Markus Weber", "de", {Role.SUPERVISOR}),
            ("chloe@lindenhof.example", "Chloé Dubois", "fr", {Role.PRACTITIONER}),
            ("daan@lindenhof.example", "Daan Smit", "nl", {Role.PRACTITIONER}),
        ],
        [
            ("supervisor@lindenhof.example", "chloe@lindenhof.example"),
            ("supervisor@lindenhof.example", "daan@lindenhof.example"),
        ],
    ),
]


def seed(stdout) -> None:
    """Create or refresh the demo organisations, accounts and supervision pairs."""
    for slug, name, tz, people, pairs in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(slug=slug, defaults={"name": name})
        users = {}
        for email, full_name, language, roles in people:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=full_name,
                    language=language,
                    time_zone=tz,
                )
            elif not user.check_password(DEMO_PASSWORD) or not user.is_active:
                user.set_password(DEMO_PASSWORD)
                user.is_active = True
                user.save(update_fields=["password", "is_active"])
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": organisation,
                    **{f"is_{role}": role in roles for role in Role},
                },
            )
            if not user.working_periods.exists():
                WorkingPeriod.objects.bulk_create(
                    WorkingPeriod(user=user, weekday=day, start=time(8, 30), end=time(17, 0))
                    for day in range(5)
                )
            users[email] = user
        for supervisor, supervisee in pairs:
            SupervisionLink.objects.get_or_create(
                supervisor=users[supervisor],
                supervisee=users[supervisee],
                defaults={
                    "organisation": organisation,
                    "cadence_weeks": 4,
                    # Demo practitioners know their supervisors: no "new supervisor" notice.
                    "supervisee_acknowledged_at": timezone.now(),
                },
            )
        stdout.write(f"{name}: {len(people)} demo accounts ready.")
