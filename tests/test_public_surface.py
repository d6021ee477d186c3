"""Each package's public surface: ``__all__`` sorted, every name in it importable, and every
error class part of the one tree rooted at ``LienthongError``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import lienthong
from lienthong import errors


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions, each sorted: ruff's RUF022 order."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


PACKAGES = sorted(
    name
    for module in pkgutil.iter_modules(lienthong.__path__, "lienthong.")
    if module.ispkg and (name := module.name) != "lienthong.cli"
)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(getattr(module, "__all__", []))
    assert exported, f"{name} has no __all__"
    assert exported == sorted(exported, key=_isort_style), f"{name}.__all__ is not sorted"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"


def test_every_error_class_descends_from_lienthong_error() -> None:
    classes = [
        value for _, value in inspect.getmembers(errors, inspect.isclass) if issubclass(value, Exception)
    ]
    exported = {name for name in errors.__all__ if isinstance(getattr(errors, name), type)}
    assert exported == {cls.__name__ for cls in classes if cls.__module__ == errors.__name__}
    assert all(issubclass(cls, errors.LienthongError) for cls in classes)
    assert sorted(errors.__all__, key=_isort_style) == list(errors.__all__)


#: What runs a service is the wiring layer's (``lienthong.server``), not the roles' below it.
WIRING = {
    "lienthong.server": {
        "NodeService", "ServeSettings", "DirectoryService", "DirectorySettings", "DeliveryWorker",
        "StatisticsReporter", "ReporterState", "STATISTICS_FILE", "WebhookDispatcher",
    },
}  # fmt: skip


@pytest.mark.parametrize("name", ["lienthong.node", "lienthong.directory", "lienthong.api"])
def test_running_services_are_exported_by_the_wiring_layer_only(name: str) -> None:
    server = importlib.import_module("lienthong.server")
    assert WIRING["lienthong.server"] <= set(server.__all__)
    module = importlib.import_module(name)
    kept = sorted(WIRING["lienthong.server"] & {*module.__all__, *vars(module)})
    assert not kept, f"{name} still exports what lienthong.server runs: {kept}"
