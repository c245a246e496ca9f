"""Publish the shipped catalogue versions (v1.yaml, ...) as rows."""

from django.db import migrations


def publish(apps, schema_editor):
    from boundaries.publishing import publish_shipped

    publish_shipped(
        CatalogueVersion=apps.get_model("boundaries", "CatalogueVersion"),
        Section=apps.get_model("boundaries", "Section"),
        Item=apps.get_model("boundaries", "Item"),
    )


class Migration(migrations.Migration):
    dependencies = [("boundaries", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
