"""Definitions load; the graph, pools, checks, sensor and schedule are what the docs say."""
# ruff: noqa: E501

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.warehouse.assets import POOL
from dagster_project.defs.warehouse.checks import QUALITY_CHECKS
from dagster_project.defs.warehouse.resources import InboxResource
from dagster_project.defs.warehouse.schedules import daily_ingest
from dagster_project.defs.warehouse.sensors import inbox_sensor

QUALITY_SQL = Path(__file__).parents[1] / "dagster_project" / "defs" / "warehouse" / "sql" / "quality.sql"


def test_definitions_load_and_graph_snapshot() -> None:
    definitions = defs()
    job = definitions.resolve_job_def("ingest_job")
    keys = {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}
    assert {"staging/discovered_files", "staging/parsed_records", "core/reports", "core/ingest_files",
            "marts/finance_trends", "marts/quality_summary", "published/warehouse_snapshot"} <= keys  # fmt: skip
    assert all(k.split("/")[0] in {"staging", "core", "marts", "published"} for k in keys)
    assert all(k.isascii() for k in keys)
    graph = definitions.resolve_asset_graph()
    snapshot = graph.get(dg.AssetKey(["published", "warehouse_snapshot"]))
    assert dg.AssetKey(["marts", "overview"]) in snapshot.parent_keys
    assert graph.get(dg.AssetKey(["core", "reports"])).parent_keys == {
        dg.AssetKey(["staging", "parsed_records"])
    }
    assert job.partitions_def is None  # batches, not one partition per file
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert pools["staging__discovered_files"] == POOL and pools["warehouse_load"] == POOL
    assert pools["published__warehouse_snapshot"] == POOL
    assert definitions.resolve_sensor_def("inbox_sensor") and definitions.resolve_schedule_def("daily_ingest")


def test_every_quality_check_has_sql() -> None:
    sql = QUALITY_SQL.read_text(encoding="utf-8")
    for name in QUALITY_CHECKS:
        assert f"'{name}'" in sql


def _write(path: Path, age_s: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))


def test_inbox_sensor_requests_one_run_per_inbox_state(tmp_path: Path) -> None:
    inbox = InboxResource(path=str(tmp_path / "inbox"), settle_seconds=5)
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"inbox": inbox})
        assert isinstance(inbox_sensor(context), dg.SkipReason)  # no inbox yet

        _write(tmp_path / "inbox" / "a.txt", age_s=60)
        _write(tmp_path / "inbox" / "b.txt", age_s=0)  # still arriving: not counted yet
        result = inbox_sensor(context)
        assert len(result.run_requests) == 1
        run_key = result.run_requests[0].run_key
        assert run_key.startswith("inbox-") and run_key.isascii()
        cursor = json.loads(result.cursor)
        assert cursor["files"] == 1

        again = inbox_sensor(
            dg.build_sensor_context(instance=instance, resources={"inbox": inbox}, cursor=result.cursor)
        )
        assert isinstance(again, dg.SkipReason)

        _write(tmp_path / "inbox" / "b.txt", age_s=60)
        third = inbox_sensor(
            dg.build_sensor_context(instance=instance, resources={"inbox": inbox}, cursor=result.cursor)
        )
        assert third.run_requests[0].run_key != run_key and json.loads(third.cursor)["files"] == 2
        # deterministic: the same state gives the same run key
        same = inbox_sensor(
            dg.build_sensor_context(instance=instance, resources={"inbox": inbox}, cursor=result.cursor)
        )
        assert same.run_requests[0].run_key == third.run_requests[0].run_key


def test_daily_schedule() -> None:
    assert daily_ingest.cron_schedule == "0 2 * * *" and daily_ingest.execution_timezone == "Asia/Shanghai"
    assert daily_ingest.job_name == "ingest_job"
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance)
        requests = list(daily_ingest.evaluate_tick(context).run_requests or [])
    assert len(requests) == 1


def test_dask_scheduler_comes_from_the_environment(monkeypatch) -> None:
    """The daemon's scheduled and sensor runs parse on the cluster named by NIANBAO_DASK_SCHEDULER."""
    from dagster_project.defs.warehouse.resources import default_resources

    monkeypatch.delenv("NIANBAO_DASK_SCHEDULER", raising=False)
    assert default_resources()["parser"].dask_scheduler == ""  # unset: the local pool, dask never imported
    monkeypatch.setenv("NIANBAO_DASK_SCHEDULER", "tcp://scheduler:8786")
    assert default_resources()["parser"].dask_scheduler == "tcp://scheduler:8786"
