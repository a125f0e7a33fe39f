"""Dagster entry point (`dg dev`, `dg check defs`, `dagster-webserver -m dagster_project.definitions`)."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs.warehouse.assets import ASSETS, ingest_job
from dagster_project.defs.warehouse.resources import default_resources
from dagster_project.defs.warehouse.schedules import daily_ingest
from dagster_project.defs.warehouse.sensors import inbox_sensor


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        jobs=[ingest_job],
        sensors=[inbox_sensor],
        schedules=[daily_ingest],
        resources=default_resources(),
    )
