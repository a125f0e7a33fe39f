"""Child process that runs one untrusted read-only query for `nianbao.warehouse.run_query`.

Why a process of its own: DuckDB checks for an interrupt only between chunks of work, so one long function
call (`repeat('x', 10**9)`: 30 s, GBs of strings outside DuckDB's memory limit) cannot be cut from inside
the process that asked for it. Here the query gets an address-space limit, an interrupt at its time limit,
and the parent kills the whole process a little later if the interrupt is not honoured. The result is
capped in rows and in bytes while it is fetched, and always fetched to the end or closed.

    python -m nianbao.query_sandbox SNAPSHOT MAX_ROWS MAX_BYTES TIMEOUT_S  < query.sql

stdout: the result as an Arrow IPC stream. Last line of stderr: JSON status, {"ok": true, "truncated_by":
null | "rows" | "bytes"} or {"ok": false, "error": <duckdb exception name or "timeout">, "message": ...}.
"""

from __future__ import annotations

import json
import resource
import sys
import threading

# Python, DuckDB and pyarrow reserve about 1 GB of address space before the first query; DuckDB's own
# memory limit is 1 GB; the rest is for results and for what DuckDB allocates outside its buffer manager.
ADDRESS_SPACE_BYTES = 3 * 2**30
BATCH_ROWS = 64  # the byte cap is checked per batch: small batches, as one row may be megabytes


def _fetch(con, query: str, max_rows: int, max_bytes: int):
    import pyarrow as pa

    reader = con.sql(query).to_arrow_reader(batch_size=BATCH_ROWS)
    batches, rows, size, truncated_by = [], 0, 0, None
    try:
        for batch in reader:
            if rows + batch.num_rows > max_rows:
                batch, truncated_by = batch.slice(0, max_rows - rows), "rows"
            if size + batch.nbytes > max_bytes:
                truncated_by = "bytes"
                break
            batches.append(batch)
            rows, size = rows + batch.num_rows, size + batch.nbytes
            if truncated_by:
                break
    finally:
        reader.close()  # an unfinished result would block the connection
    return pa.Table.from_batches(batches, schema=reader.schema), truncated_by


def main(argv: list[str]) -> int:
    snapshot, max_rows, max_bytes, timeout_s = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    query = sys.stdin.read()
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    import duckdb
    import pyarrow as pa

    from nianbao import warehouse

    timed_out = threading.Event()
    status: dict = {"ok": False}
    try:
        con = warehouse.open_snapshot(snapshot=snapshot)

        def stop() -> None:
            timed_out.set()
            con.interrupt()

        timer = threading.Timer(timeout_s, stop)
        timer.daemon = True
        timer.start()
        table, truncated_by = _fetch(con, query, max_rows, max_bytes)
        timer.cancel()
        with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
            writer.write_table(table)
        status = {"ok": True, "truncated_by": truncated_by}
    except Exception as exc:  # the boundary: whatever happened becomes one status line, never a traceback
        text = str(exc).strip()
        if timed_out.is_set():
            status = {"ok": False, "error": "timeout", "message": f"interrupted after {timeout_s:g} s"}
        elif isinstance(exc, MemoryError) or "Out of Memory" in text:
            status = {
                "ok": False,
                "error": "OutOfMemoryException",
                "message": "the query needs too much memory",
            }
        else:
            name = type(exc).__name__ if isinstance(exc, duckdb.Error) else "Error"
            status = {
                "ok": False,
                "error": name,
                "message": text.splitlines()[0] if text else type(exc).__name__,
            }
    sys.stdout.flush()
    sys.stderr.write("\n" + json.dumps(status, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
