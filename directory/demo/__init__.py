"""Demo directories (run by ``manage.py seed_demo``; idempotent).

Each demo agency's directory is an HSDS tabular package in a folder named after the agency's
short name (``harbour/``, ``lindenhof/``): a few dozen fictional services in its cities and
languages, shelters with confidential addresses, crisis lines, debt help and more, a few not
verified for months and one marked "do not refer". It goes in through the same importer as any
agency's upload, matched by HSDS id, so a second run updates the same rows instead of adding new
ones.

The verification dates in the files are as of the package's ``created`` date; they are moved
forward by the days since, so that the demo's stale and fresh entries stay stale and fresh.
"""

import json
from datetime import date
from pathlib import Path

from django.utils import timezone

from accounts.models import Organisation
from directory import categories
from directory.hsds import reader
from directory.models import Taxonomy, TaxonomyTerm
from directory.services.imports import import_package

PACKAGES = Path(__file__).resolve().parent


def read_demo_package(folder: Path, today: date) -> reader.RawPackage:
    """The package in ``folder``, its verification dates moved forward to ``today``."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    shift = today - date.fromisoformat(descriptor["created"][:10])
    package = reader.read_directory(folder)
    for _number, row in package.tables["service"].rows:
        if row.get("assured_date"):
            row["assured_date"] = (date.fromisoformat(row["assured_date"]) + shift).isoformat()
    return package


def seed(stdout) -> None:
    categories.install_shipped(Taxonomy, TaxonomyTerm)
    today = timezone.localdate()
    for folder in sorted(p for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file()):
        organisation = Organisation.objects.filter(slug=folder.name).first()
        if organisation is None:
            continue
        report = import_package(
            organisation=organisation,
            package=read_demo_package(folder, today),
            filename=f"demo/{folder.name}",
        )
        if not report.ok:
            raise RuntimeError("; ".join(str(e) for e in report.errors))
        stdout.write(f"Directory for {folder.name}: {report.service_count} demo services.\n")
