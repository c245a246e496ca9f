"""The directory's models moved from the ``referrals`` app to ``directory`` without moving data:
a database migrated before the move keeps every row when it migrates on."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from directory.models import Address, Location, Organization, Service, TaxonomyTerm
from directory.search.query import SearchFilters, service_search
from referrals.models import Referral
from tests.factories import MembershipFactory

BEFORE_THE_MOVE = [("referrals", "0004_search_filters_and_words"), ("directory", None)]


def migrate(targets=None):
    """Migrate the test database to ``targets`` (default: the latest) and return the models as
    they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def old_rows(old):
    """A small directory and a referral, written with the models as they were in ``referrals``."""
    organisation = old.get_model("accounts", "Organisation").objects.create(
        name="Harbour", slug="harbour"
    )
    user = old.get_model("accounts", "User").objects.create(email="ana@harbour.example")
    term = old.get_model("referrals", "TaxonomyTerm").objects.create(
        owner=organisation, hsds_id="term-1", name="Debt help"
    )
    provider = old.get_model("referrals", "Organization").objects.create(
        owner=organisation, hsds_id="org-1", name="Stichting Schuldhulp"
    )
    service = old.get_model("referrals", "Service").objects.create(
        owner=organisation,
        hsds_id="svc-1",
        organization=provider,
        name="Schuldhulp Noord",
        search_text="schuldhulp noord debt help",
    )
    location = old.get_model("referrals", "Location").objects.create(
        owner=organisation, hsds_id="loc-1", name="Kantoor", is_confidential=True
    )
    old.get_model("referrals", "Address").objects.create(
        owner=organisation,
        hsds_id="addr-1",
        location=location,
        address_1="Geheimestraat 9",
        city="Amsterdam",
        country="NL",
    )
    old.get_model("referrals", "Attribute").objects.create(
        owner=organisation,
        hsds_id="attr-1",
        taxonomy_term=term,
        link_id="svc-1",
        link_entity="service",
        service=service,
    )
    client = old.get_model("journal", "Client").objects.create(
        owner=user, organisation=organisation, code="K-17"
    )
    old.get_model("referrals", "Referral").objects.create(
        owner=user,
        organisation=organisation,
        client=client,
        service=service,
        service_name=service.name,
        reason="Debts",
        client_consented=True,
        follow_up_on="2030-01-01",
    )
    content_type = old.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="referrals", model="service")
    return user


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_directory_and_referrals():
    try:
        old = migrate(BEFORE_THE_MOVE)
        assert not old.is_installed("directory")
        user_pk = old_rows(old).pk
    finally:
        migrate()
    ContentType.objects.clear_cache()

    service = Service.objects.get(hsds_id="svc-1")
    assert service.organization == Organization.objects.get(hsds_id="org-1")
    assert [a.taxonomy_term for a in service.attributes.all()] == [
        TaxonomyTerm.objects.get(hsds_id="term-1")
    ]
    assert Location.objects.get(hsds_id="loc-1").is_confidential
    assert Address.objects.get(hsds_id="addr-1").city == "Amsterdam"
    referral = Referral.objects.get(owner_id=user_pk)
    assert referral.service == service
    assert referral.client.code == "K-17"
    # The content type moved with the model instead of a second one being made.
    assert ContentType.objects.get_for_model(Service).app_label == "directory"
    assert not ContentType.objects.filter(app_label="referrals", model="service").exists()
    # Search reads the rows where they have always been.
    member = MembershipFactory(organisation=service.owner).user
    assert list(service_search(member, SearchFilters(q="schuldhulp"))) == [service]
