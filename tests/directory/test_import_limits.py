"""Imports that could stall a worker or a web request end in a clear, final state: deeply
nested JSON, a check that fails for any reason, and zip files that unpack to far more than
they weigh (the unpacked size decides whether the web request or the worker checks them)."""

import io
import json
import zipfile

import pytest

from directory.hsds import reader
from directory.models import DirectoryImport
from directory.services import imports
from tests.directory.conftest import package_zip
from tests.directory.test_import_ui import upload

pytestmark = pytest.mark.django_db


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nested_service(depth: int) -> bytes:
    value: object = "x"
    for _ in range(depth):
        value = {"deeper": value}
    return json.dumps({"id": "s1", "name": "Shelter", "status": "active", "extra": value}).encode()


@pytest.mark.parametrize(
    "data", [nested(100_000), nested(2_000), nested(reader.MAX_JSON_DEPTH + 1), nested_service(500)]
)
def test_deeply_nested_json_is_refused_with_a_message(data):
    package = reader.read_upload(data, "directory.json")
    assert package.errors
    assert "levels deep" in package.errors[0].message


def test_ordinary_nesting_still_reads():
    package = reader.read_upload(nested_service(3), "directory.json")
    assert not package.errors


def test_deeply_nested_json_upload_ends_invalid_not_being_checked(client, alice):
    client.force_login(alice)
    upload(client, nested(100_000), "directory.json")
    directory_import = DirectoryImport.objects.get()
    assert directory_import.status == DirectoryImport.Status.INVALID
    assert directory_import.finished_at is not None
    assert directory_import.payload is None
    assert "levels deep" in directory_import.errors[0]["message"]


def test_any_failure_while_checking_ends_in_a_final_state(client, alice, monkeypatch):
    def boom(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(imports.importer, "check", boom)
    client.force_login(alice)
    response = upload(client, package_zip())
    directory_import = DirectoryImport.objects.get()
    assert directory_import.status == DirectoryImport.Status.INVALID
    assert directory_import.finished_at is not None
    assert "could not check this file" in response.content.decode()


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def test_a_small_zip_that_unpacks_big_is_checked_on_the_worker(alice, org):
    data = zipped("services.csv", b"id,name\n" + b"a,b\n" * (imports.ASYNC_CHECK_BYTES // 4 + 1))
    assert len(data) < imports.ASYNC_CHECK_BYTES // 10
    directory_import = DirectoryImport(
        status=DirectoryImport.Status.UPLOADED, payload=data, filename="d.zip"
    )
    assert imports.directory_import_should_run_async(directory_import)
    small = DirectoryImport(
        status=DirectoryImport.Status.UPLOADED, payload=package_zip(), filename="d.zip"
    )
    assert not imports.directory_import_should_run_async(small)


def test_a_zip_whose_directory_lies_about_sizes_unpacks_no_further_than_it_says():
    data = bytearray(zipped("services.csv", b"0" * (3 * 1024 * 1024)))
    # Rewrite the declared uncompressed size in the central directory to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    assert reader.unpacked_size(bytes(data), "d.zip", stop_at=2 * 1024 * 1024) < 1024 * 1024
    package = reader.read_upload(bytes(data), "d.zip")
    assert "cannot be unpacked" in package.errors[0].message


def test_a_zip_bomb_is_refused_with_a_message():
    data = zipped("services.csv", b"id,name\n" + b"0" * (20 * 1024 * 1024))
    package = reader.read_upload(data, "bomb.zip")
    assert package.errors
    assert "times its own size" in package.errors[0].message


def test_the_measurement_stops_early():
    data = zipped("services.csv", b"0" * (50 * 1024 * 1024))
    # The declared size already tells: nothing is inflated.
    assert reader.unpacked_size(data, "d.zip", stop_at=1024) > 1024
