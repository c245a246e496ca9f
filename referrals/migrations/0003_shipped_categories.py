"""The category vocabulary Limen ships, in en/nl/de/fr, and its flag terms."""

from django.db import migrations

from directory.categories import install_shipped


def add_shipped(apps, schema_editor):
    install_shipped(apps.get_model("referrals", "Taxonomy"), apps.get_model("referrals", "TaxonomyTerm"))


def remove_shipped(apps, schema_editor):
    apps.get_model("referrals", "TaxonomyTerm").objects.filter(owner=None).delete()
    apps.get_model("referrals", "Taxonomy").objects.filter(owner=None).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_search_indexes")]

    operations = [migrations.RunPython(add_shipped, remove_shipped)]
