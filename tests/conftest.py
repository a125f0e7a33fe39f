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
_REAL_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _restore_main_module() -> None:
    """Streamlit's script runner (AppTest) installs the dashboard script as `sys.modules["__main__"]` and
    leaves it there; a process pool spawned later would then re-run dashboard/app.py in every child."""
    sys.modules["__main__"] = _REAL_MAIN


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


# ---------------------------------------------------------------------------------------------------------
# The dashboard's warehouse (tests/test_dashboard_*.py): the real pipeline, built once per session
# ---------------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
REAL_SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"
DEMO_REPORTS = ROOT / "data" / "samples" / "demo" / "reports"

# A copy of the real sample as its own institution, with markup in its purpose and narrative: the dashboard
# must show all of it as text (no script runs, no entity is decoded, no Markdown renders).
HOSTILE_NAME = "测试市**转义**示例中心"
HOSTILE_USCC = "123305005346409779"
HOSTILE_SCRIPT = "<script>window.__nianbao_xss=1</script>"
SIDECAR_NAME = "hostile_markup.gold.json"
HOSTILE_MARKUP = (
    "**不是粗体** _不是斜体_ [不是链接](javascript:alert(1)) &lt;b&gt;不是标签&lt;/b&gt; &amp; $x^2$"
)


def write_hostile_report(directory: Path) -> Path:
    """The hostile copy's 2024 report (returned), its 2023 report and a sidecar JSON, into `directory`."""
    text = REAL_SAMPLE.read_text(encoding="utf-8")
    text = text.replace("12330500676151570Y", HOSTILE_USCC).replace(
        "湖州市人民对外友好协会秘书处", HOSTILE_NAME
    )
    text = text.replace("宗旨和业务范围 | ", f"宗旨和业务范围 | {HOSTILE_SCRIPT}{HOSTILE_MARKUP};", 1)
    text = text.replace("无内设机构。", f"无内设机构。{HOSTILE_SCRIPT}{HOSTILE_MARKUP}。", 1)
    path = directory / "hostile_markup.txt"
    path.write_text(text, encoding="utf-8")
    # and its 2023 report, ending at 3.00 万元 while 2024 begins at 2.17: a continuity break
    earlier = text.replace("2024", "2023").replace("期末数(万元) | 1.35", "期末数(万元) | 3.00")
    (directory / "hostile_markup_2023.txt").write_text(earlier, encoding="utf-8")
    # and a sidecar next to them, as a labelled folder has (a gold JSON): not a report, never a broken one
    (directory / SIDECAR_NAME).write_text('{"report_year": 2024, "institution": {}}', encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def dashboard_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`nianbao ingest` of the real sample, the demo corpus and the hostile copy (2023 + 2024) in one run."""
    import subprocess

    from nianbao import warehouse

    directory = tmp_path_factory.mktemp("dashboard_wh")
    (directory / "extra").mkdir()
    hostile = write_hostile_report(directory / "extra")
    (directory / "extra" / "contacts.xlsx").write_bytes(
        b"PK\x03\x04"
    )  # not a report: ignored, not quarantined
    wh = directory / "warehouse.duckdb"
    subprocess.run(
        [
            *(sys.executable, "-m", "nianbao.cli", "ingest", "--warehouse", str(wh), "--quiet"),
            *(str(REAL_SAMPLE), str(DEMO_REPORTS), str(hostile.parent)),
        ],
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    assert warehouse.snapshot_info(wh) is not None
    return wh
