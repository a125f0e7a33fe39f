"""Shared test fixtures: the sample report rendered into every format, made once per test session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load_make_fixtures() -> ModuleType:
    """Import tests/fixtures/make_fixtures.py by path: `tests` is not a package, no import name is stable."""
    path = Path(__file__).resolve().parent / "fixtures" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("nianbao_make_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


make_fixtures = _load_make_fixtures()


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{fixture name: path} for every generated fixture except the 50 MB one (see `large_file`)."""
    return make_fixtures.make_all(tmp_path_factory.mktemp("fixtures"))


@pytest.fixture(scope="session")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 50 MB text file; made only when a test asks for it."""
    return make_fixtures.make_large_text(tmp_path_factory.mktemp("large") / make_fixtures.LARGE.filename)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `good_fixture` / `bad_fixture` / `no_fields_fixture` over the fixture catalogue."""
    catalogues = {
        "good_fixture": make_fixtures.GOOD,
        "bad_fixture": make_fixtures.BAD,
        "no_fields_fixture": {name: name for name in make_fixtures.NO_FIELDS},
    }
    for argname, catalogue in catalogues.items():
        if argname in metafunc.fixturenames:
            metafunc.parametrize(argname, list(catalogue.values()), ids=list(catalogue))


@pytest.fixture(scope="session")
def sample_rows() -> list[list[str]]:
    """The sample report's "label | value |" lines as rows of cells."""
    return make_fixtures.sample_rows()
