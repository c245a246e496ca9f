"""``manage.py import_directory --org SLUG PATH``: import an HSDS package (zip, folder or JSON).

Everything is validated first; nothing is written unless all of it is valid. Exits non-zero on
any error, naming the file, row and column.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from directory.services import imports


class Command(BaseCommand):
    help = "Import an Open Referral HSDS package (zip, folder or JSON) into an agency's directory."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The agency's short name (slug).")
        parser.add_argument(
            "path", help="A .zip, a folder with datapackage.json and CSVs, or .json"
        )

    def handle(self, *args, org: str, path: str, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the short name {org!r}.")
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{path} does not exist.")
        report = imports.import_package(organisation=organisation, path=source)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError(
                f"Nothing was imported: {len(report.errors)} error(s). The directory is unchanged."
            )
        for table, counts in report.counts.items():
            self.stdout.write(
                f"{table}: {counts['rows']} rows "
                f"({counts['created']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged)"
            )
        self.stdout.write(self.style.SUCCESS(f"Imported into {organisation.slug}."))
