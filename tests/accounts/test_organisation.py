import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Membership, SupervisionLink, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_admin_sees_members_and_pairs_of_own_organisation(client, demo):
    client.force_login(demo.admin)
    response = client.get(reverse("organisation"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ana@harbour.example" in body
    assert "chloe@lindenhof.example" not in body
    assert "Sara Jansen" in body and "Ana Martins" in body


def test_member_search_answers_htmx_with_the_table_only(client, demo):
    client.force_login(demo.admin)
    response = client.get(reverse("organisation"), {"q": "ana"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="members">')
    assert "ana@harbour.example" in body
    assert "ben@harbour.example" not in body
    assert "<html" not in body


def test_organisation_page_query_count_does_not_grow_with_members(
    client, demo, django_assert_num_queries
):
    client.force_login(demo.admin)
    with django_assert_num_queries(4):
        client.get(reverse("organisation"))
    for _ in range(40):
        MembershipFactory(organisation=demo.harbour)
    with django_assert_num_queries(4):
        client.get(reverse("organisation"))


def test_practitioner_cannot_open_organisation_admin(client, demo):
    client.force_login(demo.ana)
    assert client.get(reverse("organisation")).status_code == 403


def test_admin_adds_a_member_who_gets_a_sign_in_link(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("member_add"),
        {
            "full_name": "Noor El Amrani",
            "email": "Noor@Harbour.example",
            "language": "nl",
            "is_practitioner": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="noor@harbour.example")
    assert user.membership.organisation == demo.harbour
    assert user.membership.is_practitioner and not user.membership.is_admin
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["noor@harbour.example"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="accounts.member.added", actor=demo.admin).exists()


def test_adding_an_existing_address_is_refused_with_the_form_kept(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("member_add"),
        {
            "full_name": "Someone",
            "email": "chloe@lindenhof.example",
            "language": "en",
            "is_practitioner": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # What to do instead, without naming the other organisation.
    assert "already has a Limen account in another organisation" in page
    assert "Ask the person for another work address" in page
    assert "Lindenhof" not in page
    assert 'value="Someone"' in page
    assert demo.chloe.membership.organisation == demo.lindenhof


def test_adding_a_colleague_already_in_the_organisation_points_to_the_member_list(client, demo):
    client.force_login(demo.admin)
    data = {"full_name": "Ben", "email": "BEN@harbour.example", "language": "en"}
    response = client.post(reverse("member_add"), {**data, "is_supervisor": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is already a member of your organisation" in page
    assert "Find them in the member list to change their roles" in page
    demo.ben.is_active = False
    demo.ben.save(update_fields=["is_active"])
    page = client.post(reverse("member_add"), {**data, "is_supervisor": "on"}).content.decode()
    assert "Find them in the member list and reactivate them." in page
    assert not demo.ben.membership.is_supervisor


def test_the_invitation_names_the_agency_and_who_invited(client, demo):
    client.force_login(demo.admin)
    client.post(
        reverse("member_add"),
        {
            "full_name": "Noor",
            "email": "noor@harbour.example",
            "language": "nl",
            "is_practitioner": "on",
        },
    )
    (message,) = mail.outbox
    inviter = demo.admin.get_full_name()
    # In Noor's language, with the agency and the admin named in the subject and the text.
    assert inviter in message.subject and demo.harbour.name in message.subject
    assert f"{inviter} heeft je toegevoegd aan {demo.harbour.name}" in message.body
    html = message.alternatives[0][0]
    assert demo.harbour.name in html and "/accounts/reset/" in html


def test_a_resent_invitation_still_names_who_invited(client, demo):
    client.force_login(demo.admin)
    client.post(
        reverse("member_add"),
        {
            "full_name": "Noor",
            "email": "noor@harbour.example",
            "language": "en",
            "is_practitioner": "on",
        },
    )
    noor = User.objects.get(email="noor@harbour.example")
    mail.outbox.clear()
    client.post(reverse("member_resend_invite", args=[noor.membership.uuid]))
    (message,) = mail.outbox
    assert f"{demo.admin.get_full_name()} has added you to {demo.harbour.name}" in message.body
    # Someone who has a password gets the plain sign-in link.
    mail.outbox.clear()
    client.post(reverse("member_resend_invite", args=[demo.ben.membership.uuid]))
    (message,) = mail.outbox
    assert "has added you" not in message.body


def test_a_member_needs_a_role(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("member_add"), {"full_name": "X", "email": "x@harbour.example", "language": "en"}
    )
    assert response.status_code == 200
    assert "at least one role" in response.content.decode()
    assert not User.objects.filter(email="x@harbour.example").exists()


def test_admin_changes_roles(client, demo):
    client.force_login(demo.admin)
    url = reverse("member_edit", args=[demo.ben.membership.uuid])
    response = client.post(
        url, {"full_name": "Ben Visser", "is_practitioner": "on", "is_supervisor": "on"}
    )
    assert response.status_code == 302
    demo.ben.membership.refresh_from_db()
    assert demo.ben.membership.is_supervisor


def test_last_admin_keeps_the_admin_role(client, demo):
    client.force_login(demo.admin)
    url = reverse("member_edit", args=[demo.admin.membership.uuid])
    response = client.post(url, {"full_name": "Hanna de Wit", "is_practitioner": "on"})
    assert response.status_code == 200
    assert "at least one admin" in response.content.decode()
    demo.admin.membership.refresh_from_db()
    assert demo.admin.membership.is_admin


def test_supervisor_role_stays_while_they_have_pairs(client, demo):
    client.force_login(demo.admin)
    url = reverse("member_edit", args=[demo.supervisor.membership.uuid])
    response = client.post(url, {"full_name": "Sara Jansen", "is_practitioner": "on"})
    assert response.status_code == 200
    assert "supervision pairs" in response.content.decode()


def test_admin_of_other_organisation_gets_404_on_member(client, demo):
    client.force_login(demo.lindenhof_admin)
    url = reverse("member_edit", args=[demo.ana.membership.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"full_name": "Hacked", "is_admin": "on"}).status_code == 404
    active_url = reverse("member_set_active", args=[demo.ana.membership.uuid])
    assert client.post(active_url, {"active": "0"}).status_code == 404
    demo.ana.refresh_from_db()
    assert demo.ana.is_active and demo.ana.full_name == "Ana Martins"


def test_deactivate_and_reactivate_a_member(client, demo):
    client.force_login(demo.admin)
    url = reverse("member_set_active", args=[demo.ben.membership.uuid])
    client.post(url, {"active": "0"})
    demo.ben.refresh_from_db()
    assert not demo.ben.is_active
    client.post(url, {"active": "1"})
    demo.ben.refresh_from_db()
    assert demo.ben.is_active


def test_deactivation_ends_the_members_sessions_for_good(client, demo):
    from django.test import Client

    bens = Client()
    bens.force_login(demo.ben)
    assert bens.get(reverse("home")).status_code == 200
    other_session = Client()
    other_session.force_login(demo.ana)
    client.force_login(demo.admin)
    url = reverse("member_set_active", args=[demo.ben.membership.uuid])
    client.post(url, {"active": "0"})
    assert bens.get(reverse("home")).status_code == 302
    client.post(url, {"active": "1"})
    # Reactivated, Ben signs in afresh: the old session stays ended.
    response = bens.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    demo.ben.refresh_from_db()
    bens.force_login(demo.ben)
    assert bens.get(reverse("home")).status_code == 200
    assert other_session.get(reverse("home")).status_code == 200  # nobody else's


def test_sessions_from_before_generations_stay_valid(client, demo):
    """Generation 0 signs sessions exactly as Django does, so deploying this signs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert demo.ana.session_generation == 0
    assert demo.ana.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(demo.ana)


def test_admin_cannot_deactivate_themselves(client, demo):
    client.force_login(demo.admin)
    client.post(reverse("member_set_active", args=[demo.admin.membership.uuid]), {"active": "0"})
    demo.admin.refresh_from_db()
    assert demo.admin.is_active


def test_admin_adds_changes_and_removes_a_supervision_pair(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("supervision_add"),
        {"supervisor": demo.supervisor.pk, "supervisee": demo.ben.pk, "cadence_weeks": 2},
    )
    assert response.status_code == 302
    link = SupervisionLink.objects.get(supervisor=demo.supervisor, supervisee=demo.ben)
    assert link.cadence_weeks == 2
    client.post(reverse("supervision_edit", args=[link.uuid]), {"cadence_weeks": 6})
    link.refresh_from_db()
    assert link.cadence_weeks == 6
    client.post(reverse("supervision_delete", args=[link.uuid]))
    assert not SupervisionLink.objects.filter(pk=link.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "accounts.supervision.added",
        "accounts.supervision.updated",
        "accounts.supervision.removed",
    } <= actions


def test_pair_with_someone_from_another_organisation_is_refused(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("supervision_add"),
        {"supervisor": demo.supervisor.pk, "supervisee": demo.chloe.pk, "cadence_weeks": 4},
    )
    assert response.status_code == 200
    assert not SupervisionLink.objects.filter(supervisee=demo.chloe, supervisor=demo.supervisor)


def test_pair_needs_a_supervisor_role(client, demo):
    client.force_login(demo.admin)
    response = client.post(
        reverse("supervision_add"),
        {"supervisor": demo.ana.pk, "supervisee": demo.ben.pk, "cadence_weeks": 4},
    )
    assert response.status_code == 200
    assert not SupervisionLink.objects.filter(supervisor=demo.ana).exists()


def test_cadence_out_of_range_is_a_clear_error(client, demo):
    client.force_login(demo.admin)
    link = SupervisionLink.objects.get(supervisee=demo.ana)
    response = client.post(reverse("supervision_edit", args=[link.uuid]), {"cadence_weeks": 99})
    assert response.status_code == 200
    assert "less than or equal to 52" in response.content.decode()


def test_pair_of_other_organisation_is_404(client, demo):
    client.force_login(demo.admin)
    link = SupervisionLink.objects.get(supervisee=demo.chloe)
    assert client.get(reverse("supervision_edit", args=[link.uuid])).status_code == 404
    assert client.post(reverse("supervision_delete", args=[link.uuid])).status_code == 404
    assert SupervisionLink.objects.filter(pk=link.pk).exists()


def test_membership_count_unchanged_by_failed_add(client, demo):
    before = Membership.objects.count()
    client.force_login(demo.admin)
    client.post(reverse("member_add"), {"full_name": "", "email": "bad", "language": "xx"})
    assert Membership.objects.count() == before


def test_switching_an_account_off_in_the_django_admin_ends_its_sessions(client, demo):
    from django.test import Client

    operator = User.objects.create_superuser(email="operator@example.org", password="x" * 16)
    bens = Client()
    bens.force_login(demo.ben)
    client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[demo.ben.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "is_active")
    }
    data.update(
        {
            "password": demo.ben.password,
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            "working_periods-TOTAL_FORMS": "0",
            "working_periods-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    demo.ben.refresh_from_db()
    assert not demo.ben.is_active and demo.ben.session_generation == 1
