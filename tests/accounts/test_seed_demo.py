import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organisation, SupervisionLink, User

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin@harbour.example": ("harbour", {"admin"}),
    "supervisor@harbour.example": ("harbour", {"supervisor"}),
    "supervisor2@harbour.example": ("harbour", {"supervisor"}),
    "ana@harbour.example": ("harbour", {"practitioner"}),
    "ben@harbour.example": ("harbour", {"practitioner"}),
    "admin@lindenhof.example": ("lindenhof", {"admin"}),
    "supervisor@lindenhof.example": ("lindenhof", {"supervisor"}),
    "chloe@lindenhof.example": ("lindenhof", {"practitioner"}),
    "daan@lindenhof.example": ("lindenhof", {"practitioner"}),
}


def _roles(membership: Membership) -> set[str]:
    return {r for r in ("practitioner", "supervisor", "admin") if getattr(membership, f"is_{r}")}


def test_seed_creates_exactly_the_demo_accounts(seeded_demo):
    assert {u.email for u in User.objects.all()} == set(EXPECTED)
    for email, (slug, roles) in EXPECTED.items():
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.membership.organisation.slug == slug
        assert _roles(user.membership) == roles
    assert Organisation.objects.get(slug="harbour").name == "Harbour Counselling"
    assert Organisation.objects.get(slug="lindenhof").name == "Lindenhof Coaching"


def test_seed_pairs_the_supervisors(seeded_demo):
    pairs = {
        (link.supervisor.email, link.supervisee.email) for link in SupervisionLink.objects.all()
    }
    assert pairs == {
        ("supervisor@harbour.example", "ana@harbour.example"),
        ("supervisor2@harbour.example", "ben@harbour.example"),
        ("supervisor@lindenhof.example", "chloe@lindenhof.example"),
        ("supervisor@lindenhof.example", "daan@lindenhof.example"),
    }


def test_seed_is_idempotent(seeded_demo, capsys):
    counts = (User.objects.count(), Membership.objects.count(), SupervisionLink.objects.count())
    call_command("seed_demo")
    call_command("seed_demo")
    after = (User.objects.count(), Membership.objects.count(), SupervisionLink.objects.count())
    assert counts == after


def test_seed_restores_a_changed_demo_password(seeded_demo):
    seeded_demo.ana.set_password("something-else-entirely")
    seeded_demo.ana.save()
    call_command("seed_demo")
    seeded_demo.ana.refresh_from_db()
    assert seeded_demo.ana.check_password(DEMO_PASSWORD)


def test_nothing_is_shared_across_organisations(seeded_demo):
    for link in SupervisionLink.objects.select_related("supervisor__membership"):
        assert link.supervisor.membership.organisation_id == link.organisation_id
        assert link.supervisee.membership.organisation_id == link.organisation_id
