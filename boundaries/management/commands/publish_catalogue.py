"""``manage.py publish_catalogue [FILE]``: store a catalogue version as new rows.

Without a file, every shipped ``boundaries/catalogue/vN.yaml`` not yet in the database is
published. A version that already exists is never rewritten (stored answers point at its items).
"""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from boundaries import services
from boundaries.catalogue import validate_catalogue


class Command(BaseCommand):
    help = "Publish a new version of the self-inventory catalogue (a vN.yaml file)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a catalogue file; default: the shipped ones")

    def handle(self, *args, file=None, **options):
        if file is None:
            created = services.catalogue_sync()
            if created:
                self.stdout.write(f"Published version(s) {', '.join(map(str, created))}.")
            else:
                self.stdout.write("Every shipped catalogue version is already published.")
            return
        path = Path(file)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        errors = validate_catalogue(data)
        if errors:
            raise CommandError(f"{path} is invalid:\n" + "\n".join(errors))
        version, created = services.catalogue_publish(data=data)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Published catalogue version {version.number}."))
        else:
            self.stdout.write(
                f"Version {version.number} is already published; it was left unchanged."
            )
