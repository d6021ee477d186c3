"""The public surface of lienthong.directory and its HTTP error mapping."""

from __future__ import annotations

from lienthong import directory
from lienthong.directory import DirectoryError
from lienthong.directory._problems import status_of


def _subclasses(cls: type[DirectoryError]) -> list[type[DirectoryError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_all_is_sorted_and_exported() -> None:
    names = [name for name in dir(directory) if not name.startswith("_") and name[0].isupper()]
    assert set(names) - {"Final"} <= set(directory.__all__)
    for name in directory.__all__:
        assert hasattr(directory, name)


def test_every_directory_error_has_a_client_or_service_status() -> None:
    for cls in _subclasses(DirectoryError):
        error = cls.__new__(cls)
        assert status_of(error) in {400, 401, 403, 404, 409, 422}, cls
