"""``manage.py export_directory --org SLUG --format hsds-csv|hsds-json|xlsx OUTPUT``.

hsds-csv writes a zip when OUTPUT ends in .zip, otherwise a folder; xlsx is the workbook for
spreadsheets (every cell text), not an exchange format. Confidential addresses are
left out unless ``--include-confidential`` is given.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from directory.hsds import exporter


class Command(BaseCommand):
    help = (
        "Export an agency's directory as Open Referral HSDS (tabular CSV package or JSON), "
        "or as a workbook for spreadsheets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The agency's short name (slug).")
        parser.add_argument("--format", required=True, choices=["hsds-csv", "hsds-json", "xlsx"])
        parser.add_argument(
            "--include-confidential",
            action="store_true",
            help="Include the addresses of confidential locations (shelters). Handle with care.",
        )
        parser.add_argument("output", help="A .zip file or folder (hsds-csv), or a .json file")

    def handle(
        self, *args, org: str, format: str, output: str, include_confidential: bool, **options
    ):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the short name {org!r}.")
        tables = exporter.collect(organisation, include_confidential=include_confidential)
        target = Path(output)
        if format == "hsds-json":
            target.write_bytes(exporter.to_json(tables))
        elif format == "xlsx":
            target.write_bytes(exporter.to_xlsx(tables))
        elif target.suffix == ".zip":
            target.write_bytes(exporter.to_zip(tables))
        else:
            exporter.to_directory(tables, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {len(tables['service'])} services to {target}"
                + (" (with confidential addresses)" if include_confidential else "")
            )
        )
