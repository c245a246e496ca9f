"""Referrals are made to services of a directory: the directory's fixtures serve here too."""

from tests.directory.conftest import imported, small_zip  # noqa: F401
