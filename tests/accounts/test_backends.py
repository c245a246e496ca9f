"""Each request reads the signed-in person with their membership and organisation in one query;
sessions signed in through Django's own backend before it stay signed in."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import BACKEND, PREVIOUS_BACKEND, MemberBackend
from accounts.models import Membership
from accounts.selectors import membership_of
from accounts.two_factor import PENDING

pytestmark = pytest.mark.django_db


def test_the_person_comes_with_their_membership_and_organisation(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(demo.ana.pk)
        membership = membership_of(user)
        assert membership.organisation == demo.harbour
        assert membership.is_practitioner


def test_someone_without_a_membership_has_none(demo, django_assert_num_queries):
    Membership.objects.filter(user=demo.ana).delete()
    with django_assert_num_queries(1):
        assert membership_of(MemberBackend().get_user(demo.ana.pk)) is None


def test_a_deactivated_person_is_not_signed_in(demo):
    demo.ana.is_active = False
    demo.ana.save(update_fields=["is_active"])
    assert MemberBackend().get_user(demo.ana.pk) is None


def test_a_page_reads_the_membership_with_the_person(client, demo):
    client.force_login(demo.ana)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("journal:entries")).status_code == 200
    assert not [q for q in queries if 'FROM "accounts_membership"' in q["sql"]]


def test_a_session_of_the_previous_backend_stays_signed_in(client, demo):
    client.force_login(demo.ana)
    session = client.session
    session[BACKEND_SESSION_KEY] = PREVIOUS_BACKEND
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"] == demo.ana
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    assert client.session[SESSION_KEY] == str(demo.ana.pk)


def test_a_pending_second_step_of_the_previous_backend_is_carried_over(client, demo):
    session = client.session
    session[PENDING] = {"user": demo.ana.pk, "backend": PREVIOUS_BACKEND, "next": "/", "at": 0}
    session.save()
    client.get(reverse("login"))
    assert client.session[PENDING]["backend"] == BACKEND
