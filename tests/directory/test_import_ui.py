"""Importing from the browser: upload, a preview with counts and per-row errors, confirm; big
imports on the worker with a progress bar polled by htmx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.celery import app as celery_app
from directory.models import DirectoryImport, Service
from directory.services import imports
from directory.tasks import import_directory_task
from tests.directory.conftest import SVC, package_zip, small_tables

pytestmark = pytest.mark.django_db

UPLOAD = reverse("directory:import_upload")


def upload(client, data: bytes, name: str = "directory.zip"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(client, alice, org):
    client.force_login(alice)
    response = upload(client, package_zip())
    directory_import = DirectoryImport.objects.get()
    assert response["Location"] == reverse("directory:import_detail", args=[directory_import.uuid])
    assert directory_import.status == DirectoryImport.Status.VALID
    assert not Service.objects.filter(owner=org).exists()
    page = client.get(response["Location"]).content.decode()
    assert "What the import will do" in page
    assert "<td>services.csv</td><td>2</td><td>2</td><td>0</td>" in page
    assert "Import into the directory" in page

    response = client.post(reverse("directory:import_confirm", args=[directory_import.uuid]))
    directory_import.refresh_from_db()
    assert directory_import.status == DirectoryImport.Status.DONE
    assert directory_import.payload is None
    assert Service.objects.filter(owner=org).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "What was imported" in page and "Import into the directory" not in page


def test_preview_of_an_unchanged_reimport_says_unchanged(client, alice, imported):
    client.force_login(alice)
    response = upload(client, package_zip())
    page = client.get(response["Location"]).content.decode()
    assert "<td>services.csv</td><td>2</td><td>0</td><td>0</td><td>2</td>" in page


def test_preview_of_a_reimport_counts_what_changed(client, alice, imported):
    tables = small_tables()
    tables["services.csv"][0]["name"] = "Blijfhuis Voorbeeld (renamed)"
    client.force_login(alice)
    response = upload(client, package_zip(tables))
    page = client.get(response["Location"]).content.decode()
    assert "<td>services.csv</td><td>2</td><td>0</td><td>1</td><td>1</td>" in page


@pytest.mark.parametrize(
    ("export_format", "name"), [("hsds-csv", "d.zip"), ("hsds-json", "d.json")]
)
def test_reimporting_an_export_reports_every_row_unchanged(
    client, alice, imported, export_format, name
):
    client.force_login(alice)
    export = client.get(
        reverse("directory:export"), {"format": export_format, "include_confidential": "on"}
    )
    response = upload(client, export.content, name)
    directory_import = DirectoryImport.objects.get()
    counts = directory_import.summary["counts"]
    assert counts, directory_import.errors
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values()), counts
    assert counts["service"]["unchanged"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "Unchanged" in page


def test_errors_are_listed_per_row_and_nothing_can_be_confirmed(client, alice, imported):
    tables = small_tables()
    tables["services.csv"][0]["name"] = "Changed"
    tables["services.csv"][1]["assured_date"] = "31-12-2024"
    tables["phones.csv"][0]["number"] = ""
    client.force_login(alice)
    response = upload(client, package_zip(tables))
    directory_import = DirectoryImport.objects.get()
    assert directory_import.status == DirectoryImport.Status.INVALID
    # The upload form stays, with the problems above it.
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page and "Check the file" in page
    assert "Fix the file as each problem says" in page
    assert "2 problems must be fixed; nothing was imported." in page
    assert "<td>services.csv</td><td>3</td><td>assured_date</td>" in page
    assert "<td>phones.csv</td><td>2</td><td>number</td>" in page
    assert "Import into the directory" not in page
    # The import's own page lists the same problems.
    detail = client.get(reverse("directory:import_detail", args=[directory_import.uuid]))
    assert "<td>phones.csv</td><td>2</td><td>number</td>" in detail.content.decode()
    client.post(reverse("directory:import_confirm", args=[directory_import.uuid]))
    assert Service.objects.get(owner=imported, hsds_id=SVC).name == "Blijfhuis Voorbeeld"


def test_oversized_upload_is_refused_by_the_form(client, alice, monkeypatch):
    monkeypatch.setattr("directory.forms.MAX_UPLOAD_BYTES", 1024)
    client.force_login(alice)
    response = upload(client, b"PK\x03\x04" + b"x" * 2048)
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert not DirectoryImport.objects.exists()


def test_unreadable_upload_gets_a_clear_error(client, alice):
    client.force_login(alice)
    response = upload(client, b"%PDF-1.4 not a directory", "scan.pdf")
    page = response.content.decode()
    assert "Limen cannot read this file." in page
    assert 'type="file"' in page
    # The import is kept among the recent ones, with its status in words.
    assert "Has errors" in page


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("services.csv", "id,name\n1,Caf\xe9\n".encode("latin-1"), "line 2"),
        (
            "directory.json",
            '{"services.csv": [{"id": "1", "name": "Caf\xe9"}]}'.encode("latin-1"),
            "line 1",
        ),
    ],
    ids=["csv", "json"],
)
def test_a_latin1_file_gets_the_same_encoding_guidance_csv_or_json(
    client, alice, name, data, words
):
    client.force_login(alice)
    page = upload(client, data, name).content.decode()
    assert "The file is not UTF-8 encoded (first bad byte on " + words in page
    assert "Save it as UTF-8 without a byte-order mark and upload it again." in page


def test_a_json_file_with_a_byte_order_mark_gets_the_csv_guidance(client, alice):
    client.force_login(alice)
    data = b"\xef\xbb\xbf" + b'{"services.csv": []}'
    page = upload(client, data, "directory.json").content.decode()
    assert "The file starts with a byte-order mark" in page


@pytest.mark.parametrize(("services_count", "on_worker"), [(4999, False), (5000, True)])
def test_imports_of_5000_services_or_more_run_on_the_worker(services_count, on_worker):
    directory_import = DirectoryImport(
        status=DirectoryImport.Status.CONFIRMED, summary={"services": services_count}
    )
    assert imports.directory_import_should_run_async(directory_import) is on_worker


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_a_large_import_runs_as_a_task_with_a_polled_progress_bar(
    client, alice, org, monkeypatch, django_capture_on_commit_callbacks, eager_celery
):
    monkeypatch.setattr(imports, "ASYNC_IMPORT_SERVICES", 2)
    client.force_login(alice)
    upload(client, package_zip())
    directory_import = DirectoryImport.objects.get()
    detail = reverse("directory:import_detail", args=[directory_import.uuid])
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("directory:import_confirm", args=[directory_import.uuid]))
    assert len(queued) == 1  # the task is sent only once the confirmation is committed
    directory_import.refresh_from_db()
    assert directory_import.status == DirectoryImport.Status.CONFIRMED
    assert not Service.objects.filter(owner=org).exists()

    partial = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-status"')
    assert 'hx-trigger="every 1s"' in partial and "<progress" in partial

    queued[0]()  # the worker picks it up (eager here: runs the real task in-process)
    directory_import.refresh_from_db()
    assert directory_import.status == DirectoryImport.Status.DONE
    assert Service.objects.filter(owner=org).count() == 2
    partial = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "<progress" not in partial
    assert "What was imported" in partial


def test_the_task_is_idempotent_and_ignores_missing_imports(client, alice, org):
    client.force_login(alice)
    upload(client, package_zip())
    directory_import = DirectoryImport.objects.get()
    imports.directory_import_confirm(directory_import=directory_import, by=alice)
    import_directory_task(directory_import.pk)
    import_directory_task(directory_import.pk)  # a redelivered message
    assert Service.objects.filter(owner=org).count() == 2
    import_directory_task(999_999)


def test_a_large_upload_is_checked_on_the_worker(
    client, alice, monkeypatch, django_capture_on_commit_callbacks, eager_celery
):
    monkeypatch.setattr(imports, "ASYNC_CHECK_BYTES", 10)
    client.force_login(alice)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, package_zip())
    directory_import = DirectoryImport.objects.get()
    assert directory_import.status == DirectoryImport.Status.UPLOADED
    page = client.get(response["Location"]).content.decode()
    assert "uploaded, waiting to be checked" in page.lower() and "<progress" in page
    queued[0]()
    directory_import.refresh_from_db()
    assert directory_import.status == DirectoryImport.Status.VALID
