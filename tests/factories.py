"""factory_boy factories for the accounts models."""

import factory

from accounts.models import Membership, Organisation, SupervisionLink, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    language = "en"
    time_zone = "Europe/Amsterdam"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


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
