"""The real sample report must yield exactly what its hand-labelled gold says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.extract import extract_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"
# A copy of shared/gold/000_b1d8bfba56152971.json, so the project tests itself without shared/.
GOLD = json.loads((ROOT / "tests" / "data" / "gold_sample.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def record() -> dict:
    return extract_file(SAMPLE)


def test_institution_fields(record: dict) -> None:
    institution = record["institution"]
    for key, expected in GOLD["institution"].items():
        if key == "purpose_scope_startswith":
            assert institution["purpose_scope"].startswith(expected)
        else:
            assert institution[key] == expected, key
    assert institution["uscc_valid"] is True
    assert institution["funding_source_category"] == "财政全额"


def test_finance_year_and_free_text(record: dict) -> None:
    assert record["finance"] == GOLD["finance"]
    assert record["report_year"] == GOLD["report_year"]
    assert record["registration_changes"] == GOLD["registration_changes"]
    for key in ("qualifications", "awards_litigation", "donations"):
        assert record[key] == GOLD[key]
    assert list(record["sections"]) == GOLD["sections_present"]


def test_source_and_narrative(record: dict) -> None:
    assert record["source"]["format"] == "txt"
    assert record["source"]["encoding"] in ("utf-8", "utf-8-sig")
    assert len(record["source"]["sha256"]) == 64
    assert record["narrative"] == "\n".join(record["sections"].values())
    assert [p for p in record["problems"] if p["severity"] == "error"] == []


def test_activities_come_from_work_done_not_from_plans(record: dict) -> None:
    plans_start = record["narrative"].index(record["sections"]["下一步打算"])
    visits = [a for a in record["activities"] if a["kind"] == "visit"]
    assert len(visits) == len(GOLD["exchange"]["visits"])
    assert all(a["span"][0] < plans_start for a in record["activities"])
    assert all(
        record["narrative"][a["span"][0] : a["span"][1]] == a["evidence"] for a in record["activities"]
    )


def test_cli_json_lines_and_bad_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 40)
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "extract", "--json", str(empty), str(SAMPLE), str(garbage)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert json.loads(line)["finance"] == GOLD["finance"]
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert str(empty) in errors[0] and str(garbage) in errors[1]
    assert "Traceback" not in result.stderr


def test_cli_exit_zero_when_every_file_reads() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "extract", str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "12330500676151570Y" in result.stdout


def test_cli_workers_keep_input_order_and_output(tmp_path: Path) -> None:
    """A pool of workers prints exactly what one process prints, in the same order, bad files included."""
    reports = ROOT / "data" / "samples" / "demo" / "reports"
    (tmp_path / "empty.txt").write_bytes(b"")

    def run(workers: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nianbao.cli", "extract", "--json", "--workers", workers,
             str(tmp_path / "empty.txt"), str(reports), str(SAMPLE)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    one, pool = run("1"), run("3")
    assert one.returncode == pool.returncode == 1  # the empty file and the demo's damaged .docx
    assert pool.stdout == one.stdout and pool.stderr == one.stderr
    paths = [json.loads(line)["source"]["path"] for line in pool.stdout.splitlines()]
    assert paths[-1] == str(SAMPLE) and paths[:-1] == sorted(paths[:-1]) and len(paths) > 50
