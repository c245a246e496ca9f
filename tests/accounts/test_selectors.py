from datetime import time

import pytest
from django.http import Http404

from accounts import selectors
from accounts.models import WorkingPeriod
from tests.factories import MembershipFactory, SupervisionLinkFactory

pytestmark = pytest.mark.django_db


def test_supervisees_are_only_the_linked_people(demo):
    assert list(selectors.supervisees_of(demo.supervisor)) == [demo.ana]
    assert list(selectors.supervisees_of(demo.supervisor2)) == [demo.ben]
    assert list(selectors.supervisees_of(demo.lindenhof_supervisor)) == [demo.chloe, demo.daan]


def test_practitioners_supervise_nobody(demo):
    assert list(selectors.supervisees_of(demo.ana)) == []


def test_supervisors_of_a_practitioner(demo):
    assert list(selectors.supervisors_of(demo.ana)) == [demo.supervisor]


def test_admin_sees_only_own_organisation_members(demo):
    emails = {m.user.email for m in selectors.members_visible_to_admin(demo.admin)}
    assert emails == {
        "admin@harbour.example",
        "supervisor@harbour.example",
        "supervisor2@harbour.example",
        "ana@harbour.example",
        "ben@harbour.example",
    }


def test_non_admin_sees_no_members(demo):
    assert not selectors.members_visible_to_admin(demo.ana).exists()


def test_member_of_other_organisation_is_404_for_admin(demo):
    with pytest.raises(Http404):
        selectors.member_for_admin(demo.admin, demo.chloe.membership.uuid)


def test_malformed_uuid_is_404(demo):
    with pytest.raises(Http404):
        selectors.member_for_admin(demo.admin, "not-a-uuid")


def test_supervision_link_of_other_organisation_is_404(demo):
    other = SupervisionLinkFactory()
    with pytest.raises(Http404):
        selectors.supervision_link_for_admin(demo.admin, other.uuid)


def test_working_hours_default_to_weekdays_nine_to_five():
    user = MembershipFactory().user
    hours = selectors.working_hours_of(user)
    assert sorted(hours) == [0, 1, 2, 3, 4]
    assert hours[0] == (time(9), time(17))


def test_working_hours_are_the_saved_ones():
    user = MembershipFactory().user
    WorkingPeriod.objects.create(user=user, weekday=5, start=time(10), end=time(14))
    assert selectors.working_hours_of(user) == {5: (time(10), time(14))}


def test_same_organisation(demo):
    assert selectors.same_organisation(demo.ana, demo.ben)
    assert not selectors.same_organisation(demo.ana, demo.chloe)
