"""Daily full run of the ingest job (incremental: only new files are parsed), 02:00 China Standard Time."""

from __future__ import annotations

import dagster as dg

from .assets import ingest_job

daily_ingest = dg.ScheduleDefinition(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="每日入库 / Daily ingest of the inbox",
)
