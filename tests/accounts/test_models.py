import pytest
from django.db import IntegrityError

from accounts.models import SupervisionLink, User, WorkingPeriod
from tests.factories import MembershipFactory, SupervisionLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_stored_lower_case_and_sign_in_ignores_case():
    user = User.objects.create_user(email="Ana.Martins@Example.ORG", password="x" * 12)
    assert user.email == "ana.martins@example.org"
    assert User.objects.get_by_natural_key("ANA.MARTINS@example.org") == user


def test_superuser_is_staff():
    user = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    assert user.is_staff and user.is_superuser


def test_user_without_email_is_refused():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password="x")


def test_unknown_time_zone_falls_back_to_utc_for_display():
    user = UserFactory(time_zone="Mars/Olympus")
    assert str(user.tzinfo) == "UTC"


def test_nobody_supervises_themselves():
    membership = MembershipFactory(is_supervisor=True)
    with pytest.raises(IntegrityError):
        SupervisionLink.objects.create(
            organisation=membership.organisation,
            supervisor=membership.user,
            supervisee=membership.user,
        )


def test_a_supervision_pair_exists_once():
    link = SupervisionLinkFactory()
    with pytest.raises(IntegrityError):
        SupervisionLink.objects.create(
            organisation=link.organisation, supervisor=link.supervisor, supervisee=link.supervisee
        )


def test_working_period_must_end_after_it_starts():
    from datetime import time

    user = UserFactory()
    with pytest.raises(IntegrityError):
        WorkingPeriod.objects.create(user=user, weekday=0, start=time(17), end=time(9))


def test_membership_lists_role_names():
    membership = MembershipFactory(is_practitioner=True, is_supervisor=True, is_admin=False)
    assert membership.role_names == ["practitioner", "supervisor"]
