"""Imports of HSDS packages: uploaded, checked (nothing written), confirmed by an admin, then
written all or nothing; big ones on the worker with a progress bar. ``import_package`` is the one
path every import takes: the upload page, ``manage.py import_directory`` and the demo."""

import logging
from collections.abc import Callable
from pathlib import Path

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_log
from directory.hsds import importer, reader
from directory.models import DirectoryImport
from directory.search.index import directory_generation_renew, service_reindex

# An import of this many services or more runs on the worker, with a progress bar.
ASYNC_IMPORT_SERVICES = 5000
# An upload this large once unpacked is checked on the worker too, so no web request waits on
# it (a small zip can hold a lot: the unpacked size decides, not the upload's).
ASYNC_CHECK_BYTES = 2 * 1024 * 1024

logger = logging.getLogger(__name__)


def _progress_key(directory_import: DirectoryImport) -> str:
    return f"referrals:import-progress:{directory_import.pk}"


def import_progress(directory_import: DirectoryImport) -> int:
    """Progress in percent; while writing, the database row cannot show it (one transaction)."""
    return max(
        directory_import.progress, caches["progress"].get(_progress_key(directory_import), 0)
    )


def _set_progress(directory_import: DirectoryImport, percent: int, *, stored: bool) -> None:
    caches["progress"].set(_progress_key(directory_import), percent, 3600)
    if stored:
        DirectoryImport.objects.filter(pk=directory_import.pk).update(progress=percent)


@transaction.atomic
def directory_import_create(
    *, organisation: Organisation, filename: str, payload: bytes, by: User
) -> DirectoryImport:
    directory_import = DirectoryImport.objects.create(
        organisation=organisation,
        created_by=by,
        filename=Path(filename).name[:255],
        payload=payload,
    )
    audit_log(
        organisation=organisation,
        actor=by,
        action="referrals.import.uploaded",
        target=directory_import,
        data={"filename": directory_import.filename, "bytes": len(payload)},
    )
    return directory_import


def directory_import_should_run_async(directory_import: DirectoryImport) -> bool:
    if directory_import.status == DirectoryImport.Status.UPLOADED:
        size = reader.unpacked_size(
            bytes(directory_import.payload or b""),
            directory_import.filename,
            stop_at=ASYNC_CHECK_BYTES,
        )
        return size >= ASYNC_CHECK_BYTES
    return directory_import.summary.get("services", 0) >= ASYNC_IMPORT_SERVICES


def _claim(directory_import: DirectoryImport, source: str, target: str) -> bool:
    # Compare-and-swap, so that a redelivered task never runs the same step twice.
    return bool(
        DirectoryImport.objects.filter(pk=directory_import.pk, status=source).update(status=target)
    )


def directory_import_check(*, directory_import: DirectoryImport) -> DirectoryImport:
    """Validate an uploaded package (nothing is written to the directory)."""
    if not _claim(
        directory_import, DirectoryImport.Status.UPLOADED, DirectoryImport.Status.VALIDATING
    ):
        directory_import.refresh_from_db()
        return directory_import
    directory_import.refresh_from_db()
    try:
        package = reader.read_upload(
            bytes(directory_import.payload or b""), directory_import.filename
        )
        _dataset, report = importer.check(
            directory_import.organisation,
            package,
            progress=lambda p: _set_progress(directory_import, p // 2, stored=True),
        )
    except Exception:  # noqa: BLE001 - whatever the file does, the check ends in a final state
        logger.exception("Checking directory import %s failed", directory_import.pk)
        report = importer.Report(
            errors=[
                reader.Problem(
                    _(
                        "Limen could not check this file and stopped. Nothing was imported; "
                        "check that it is an HSDS package and upload it again."
                    ),
                    directory_import.filename,
                )
            ]
        )
    directory_import.errors = [p.as_dict() for p in report.errors]
    directory_import.warnings = [p.as_dict() for p in report.warnings[: importer.MAX_ERRORS]]
    directory_import.summary = report.summary()
    directory_import.status = (
        DirectoryImport.Status.VALID if report.ok else DirectoryImport.Status.INVALID
    )
    directory_import.progress = 0
    if not report.ok:
        directory_import.payload = None
        directory_import.finished_at = timezone.now()
    directory_import.save()
    return directory_import


@transaction.atomic
def directory_import_confirm(*, directory_import: DirectoryImport, by: User) -> DirectoryImport:
    if not _claim(directory_import, DirectoryImport.Status.VALID, DirectoryImport.Status.CONFIRMED):
        raise ValidationError(_("This import cannot be confirmed now."))
    directory_import.refresh_from_db()
    audit_log(
        organisation=directory_import.organisation,
        actor=by,
        action="referrals.import.confirmed",
        target=directory_import,
    )
    return directory_import


def directory_import_apply(*, directory_import: DirectoryImport) -> DirectoryImport:
    """Write a confirmed import, all or nothing. The package is validated again first, against
    the directory as it is now."""
    if not _claim(
        directory_import, DirectoryImport.Status.CONFIRMED, DirectoryImport.Status.APPLYING
    ):
        directory_import.refresh_from_db()
        return directory_import
    directory_import.refresh_from_db()
    organisation = directory_import.organisation
    try:
        result = import_package(
            organisation=organisation,
            data=bytes(directory_import.payload or b""),
            filename=directory_import.filename,
            by=directory_import.created_by,
            progress=lambda p: _set_progress(directory_import, p, stored=False),
        )
    except Exception as exc:  # noqa: BLE001 - any failure leaves the directory as it was
        directory_import.status = DirectoryImport.Status.FAILED
        directory_import.errors = [{"message": str(exc), "file": "", "row": None, "column": ""}]
    else:
        directory_import.status = (
            DirectoryImport.Status.DONE if result.ok else DirectoryImport.Status.FAILED
        )
        directory_import.errors = [p.as_dict() for p in result.errors]
        directory_import.summary = result.summary()
    directory_import.payload = None
    directory_import.progress = 100
    directory_import.finished_at = timezone.now()
    directory_import.save()
    return directory_import


def import_package(
    *,
    organisation: Organisation,
    data: bytes | None = None,
    filename: str = "",
    path: Path | None = None,
    package: reader.RawPackage | None = None,
    by: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> importer.Report:
    """Validate and, when everything is valid, write a package in one transaction. The package
    is the bytes of an upload, a file or folder, or one read already (``package``)."""
    if package is None:
        package = (
            reader.read_directory(path)
            if path is not None and path.is_dir()
            else reader.read_upload(
                data if data is not None else path.read_bytes(),
                filename or (path.name if path else ""),
            )
        )
    dataset, report = importer.check(
        organisation, package, progress=(lambda p: progress(p // 3)) if progress else None
    )
    if not report.ok:
        return report
    with transaction.atomic():
        touched = importer.apply(
            organisation, dataset, progress=(lambda p: progress(33 + p // 2)) if progress else None
        )
        service_reindex(touched)  # renews the directory's generation
        if not touched:  # categories or providers alone may have changed
            directory_generation_renew(organisation.pk)
        audit_log(
            organisation=organisation,
            actor=by,
            action="referrals.import.applied",
            data={"filename": filename or (path.name if path else ""), **report.summary()},
        )
    if progress:
        progress(100)
    return report
