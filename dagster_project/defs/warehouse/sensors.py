"""Inbox sensor: request an ingest run when the inbox's settled files change.

The cursor is JSON {"digest", "files", "max_mtime_ns"}: the digest of the sorted (path, size, mtime_ns) of the
files older than `settle_seconds`. Same folder state -> same digest -> same run_key, so a state is never
ingested twice and nothing depends on the wall clock except the settle window.
"""

import hashlib
import json
import time

import dagster as dg

from .assets import ingest_job
from .resources import InboxResource
from .walk import scan


def inbox_state(inbox: InboxResource, now_ns: int | None = None) -> dict:
    now_ns = now_ns if now_ns is not None else time.time_ns()
    settle_ns = inbox.settle_seconds * 1_000_000_000
    digest = hashlib.sha256()
    files = unsettled = 0
    max_mtime = 0
    for raw, size, mtime_ns, inode in scan([inbox.dir_path]):
        if now_ns - mtime_ns < settle_ns:
            unsettled += 1
            continue
        digest.update(b"%s\0%d\0%d\0%d\n" % (raw, size, mtime_ns, inode))
        files += 1
        max_mtime = max(max_mtime, mtime_ns)
    return {"digest": digest.hexdigest(), "files": files, "max_mtime_ns": max_mtime, "unsettled": unsettled}


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="收件箱有新文件时入库 / Ingest when files arrive in the inbox (NIANBAO_INBOX)",
)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource):
    state = inbox_state(inbox)
    previous = json.loads(context.cursor) if context.cursor else {}
    if state["files"] == 0:
        return dg.SkipReason(
            f"inbox {inbox.dir_path} has no settled files ({state['unsettled']} still arriving)"
        )
    if previous.get("digest") == state["digest"]:
        return dg.SkipReason("inbox unchanged since the last run request")
    cursor = json.dumps({k: state[k] for k in ("digest", "files", "max_mtime_ns")}, sort_keys=True)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"inbox-{state['digest'][:20]}",
                tags={"nianbao/trigger": "inbox", "nianbao/inbox_files": str(state["files"])},
            )
        ],
        cursor=cursor,
    )
