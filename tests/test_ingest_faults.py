"""Faults around ingestion that must never lose a file silently, hang, or say something untrue, tested
through the real `nianbao ingest` command:

- a file without read permission is recorded as such and tried again on the next run, even with the same
  size and mtime; a folder that cannot be listed gets a row and a warning;
- a path that does not exist is one clear line, and nothing is published;
- files that are not reports at all are `ignored` with their reason, apart from quarantined reports;
- a file that turns into a FIFO after discovery does not hang its parse worker;
- a second ingest waits for the first, says so, and then ingests only what is left;
- a run that fails after its load committed says so (not "unchanged"), and the next run publishes;
- an encrypted PDF is reported as encrypted, not as damaged.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_reliability_ingest import NASTY, NIANBAO, ROOT, ingest, query, summary

from dagster_project.defs.warehouse.parse import ChunkTask, ParseSettings, parse_chunk
from nianbao import warehouse as wh

SAMPLE = (ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt").read_text(encoding="utf-8")
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def report(folder: Path, name: str, n: int) -> Path:
    """A real report of its own institution (the sample with another name and USCC)."""
    text = SAMPLE.replace("湖州市人民对外友好协会秘书处", f"测试单位{n}号").replace(
        "12330500676151570Y", f"1233050067615{n:04d}X"
    )
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def without_root_file_access() -> None:
    """preexec_fn: a root process loses the capabilities that let it read any file, as a service user
    would have them. (Tests run as root on CI; chmod alone would not stop root.)"""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                pytest.skip("cannot drop CAP_DAC_OVERRIDE here")


def rows(warehouse: Path) -> dict[str, tuple]:
    got = query(warehouse, "SELECT path, outcome, reason, detail, sha256 FROM ingest_files")
    return {Path(r[0]).name: r[1:] for r in got}


def test_unreadable_files_and_folders_are_recorded_and_tried_again(tmp_path: Path) -> None:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    report(inbox, "ok.txt", 1)
    locked = report(inbox, "locked.txt", 2)
    hidden = report(inbox / "locked_folder", "inside.txt", 3).parent
    stamps = {p: os.stat(p) for p in (locked, hidden)}
    locked.chmod(0)
    hidden.chmod(0)
    try:
        first = ingest(warehouse, inbox, preexec=without_root_file_access)
        assert first.returncode == 0, first.stderr[-2000:]
        assert "cannot read folder" in first.stderr and "locked_folder" in first.stderr, (
            "a warning, not silence"
        )
        got = rows(warehouse)
        assert got["ok.txt"][0] == "loaded"
        assert got["locked.txt"][:2] == ("quarantined", "permission_denied"), got["locked.txt"]
        assert got["locked_folder"][:2] == ("quarantined", "permission_denied"), got["locked_folder"]
        assert "inside.txt" not in got

        again = summary(ingest(warehouse, inbox, preexec=without_root_file_access))
        assert again["new"] == 0 and again["seen"] == again["unchanged"] == 3, "tried again, nothing new"
    finally:
        locked.chmod(0o644)
        hidden.chmod(0o755)
    for path, st in stamps.items():  # the fix changes neither size nor mtime
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    fixed = ingest(warehouse, inbox, preexec=without_root_file_access)
    assert fixed.returncode == 0 and "cannot read folder" not in fixed.stderr, fixed.stderr[-2000:]
    got = rows(warehouse)
    assert {name: outcome for name, (outcome, *_rest) in got.items()} == {
        "ok.txt": "loaded", "locked.txt": "loaded", "inside.txt": "loaded"
    }, "the placeholder rows are replaced by the real outcomes"  # fmt: skip
    assert not query(warehouse, "SELECT * FROM quarantine")


def test_a_path_that_does_not_exist_is_one_clear_line_and_publishes_nothing(tmp_path: Path) -> None:
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    missing = tmp_path / "no_such_inbox"
    result = ingest(warehouse, missing)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nianbao ingest: no such file or folder: {missing}; nothing was ingested or published"
    ]
    assert wh.snapshot_info(warehouse) is None and not wh.snapshot_path(warehouse).parent.exists()


def test_files_that_are_not_reports_are_ignored_with_their_reason(tmp_path: Path) -> None:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    report(inbox, "report.txt", 1)
    (inbox / "data.json").write_text('{"a": 1}')
    (inbox / "list.csv").write_text("a,b\n1,2\n")
    (inbox / "table.xlsx").write_bytes(b"PK\x03\x04not really")
    (inbox / "seal.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 cut")
    counts = summary(ingest(warehouse, inbox))
    assert (counts["loaded"], counts["quarantined"], counts["new"]) == (1, 1, 6)
    got = rows(warehouse)
    ignored = {name for name, r in got.items() if r[0] == "ignored"}
    assert ignored == {"data.json", "list.csv", "table.xlsx", "seal.png"}
    assert all(got[name][1] == "not_a_report" and "not a report format" in got[name][2] for name in ignored)
    assert got["broken.pdf"][0] == "quarantined", "a broken report is still quarantined"
    quarantined = {Path(p).name for (p,) in query(warehouse, "SELECT path FROM quarantine")}
    assert quarantined == {"broken.pdf"}
    outcomes = dict(query(warehouse, "SELECT outcome, sum(files) FROM file_outcomes GROUP BY ALL"))
    assert outcomes["ignored"] == 4 and outcomes["quarantined"] == 1


def test_a_file_that_became_a_fifo_does_not_hang_its_worker(tmp_path: Path) -> None:
    """Discovered as a regular file, a FIFO by the time the worker reads it: open() would wait forever."""
    fifo = tmp_path / "inbox" / "report.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    row = {"path": str(fifo), "raw_path": os.fsencode(fifo), "sha256": "0" * 64, "size_bytes": 3000,
           "mtime_ns": 0}  # fmt: skip
    settings = ParseSettings("transforms.extract:extract_bytes", str(tmp_path / "q"))
    results: list = []

    def work() -> None:
        try:
            results.append(parse_chunk(ChunkTask(0, [row]), settings))
        except BaseException as exc:  # reported below, never left to hang the test
            results.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a bound on a hang, not a timing: the read is refused at once
    if not results:
        # release a reader blocked on the FIFO; no reader (ENXIO) means it is not blocked there
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("the worker hung on a FIFO")
    [output] = results
    assert not isinstance(output, BaseException), repr(output)
    import pyarrow.parquet as pq

    [files] = pq.read_table(io.BytesIO(output.parquet["files"])).to_pylist()
    assert (files["parse_status"], files["reason"]) == ("unreadable", "not_a_regular_file")


def test_a_second_ingest_waits_for_the_first_and_does_only_what_is_left(tmp_path: Path) -> None:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    for n in range(4):
        report(inbox, f"r{n}.txt", n)
    gate = tmp_path / "gate"
    code = (
        f"import sys; sys.path.insert(0, {str(NASTY)!r})\n"
        "from nianbao.commands.ingest import run_ingest\n"
        "s = run_ingest([sys.argv[2]], sys.argv[1], extractor='ingest_hooks:gated_extract', workers=1)\n"
        "print('SUMMARY', s.unchanged, s.loaded, flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(NASTY), str(ROOT)]), "NIANBAO_GATE": str(gate)}
    first = subprocess.Popen([sys.executable, "-c", code, str(warehouse), str(inbox)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        for _ in range(2400):  # wait until the first run is parsing
            if (gate.parent / "gate.entered").exists() or first.poll() is not None:
                break
            threading.Event().wait(0.05)
        assert (gate.parent / "gate.entered").exists(), (
            first.stderr.read() if first.poll() is not None else ""
        )
        report(inbox, "late.txt", 9)
        second = subprocess.Popen(
            [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(warehouse), str(inbox)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        waiting = second.stderr.readline()
        assert "waiting for it to finish" in waiting, waiting
        (gate.parent / "gate.open").touch()
        out, err = second.communicate(timeout=300)
        first_out, _ = first.communicate(timeout=300)
    finally:
        (gate.parent / "gate.open").touch()
        first.kill()
    assert first.returncode == 0 and "SUMMARY 0 " in first_out
    assert second.returncode == 0, err
    counts = summary(subprocess.CompletedProcess([], 0, out, err))
    assert first_out.split()[1:] == ["0", "4"] or first_out.split()[-1] in ("4", "5")
    assert counts["unchanged"] + counts["new"] == 5 and counts["unchanged"] >= 4, counts
    assert len(query(warehouse, "SELECT path FROM ingest_files")) == 5


def test_a_failure_after_the_load_committed_says_so(tmp_path: Path) -> None:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    report(inbox, "a.txt", 1)
    assert ingest(warehouse, inbox).returncode == 0
    report(inbox, "b.txt", 2)
    published = wh.snapshot_path(warehouse).parent
    moved = published.with_name("published.aside")
    published.rename(moved)
    published.write_text("a file where the snapshot folder should be")  # publishing will fail
    failed = ingest(warehouse, inbox)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert "as they were before this run" not in failed.stderr
    assert "loaded (version 2) but its snapshot was not published" in failed.stderr, failed.stderr
    published.unlink()
    moved.rename(published)
    assert wh.snapshot_info(warehouse)["version"] == 1
    again = ingest(warehouse, inbox)
    assert again.returncode == 0 and wh.snapshot_info(warehouse)["version"] == 2, again.stderr[-2000:]
    assert len(query(warehouse, "SELECT path FROM ingest_files")) == 2


def test_an_encrypted_pdf_is_reported_as_encrypted(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    from transforms.errors import UnreadableFile
    from transforms.readers import read_document

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableFile, match="encrypted PDF"):
        read_document(buffer.getvalue(), "locked.pdf")
