"""A synthetic published snapshot for developing and testing the dashboard without running ingestion.

`python -m dashboard.sample_warehouse OUT.duckdb [--institutions N]` writes `OUT.duckdb`'s published snapshot
(where `nianbao.warehouse.snapshot_path` looks) using the warehouse's own schema.sql and marts.sql, filled
directly with rows: the real sample report (data/samples/, its finances and its 8 visits as hand-labelled in
tests/data/gold_sample.json) plus seeded synthetic institutions. The tests prefer a warehouse built by
`nianbao ingest`; this is the fallback while that command is absent, and the 10,000-report timing fixture.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from nianbao import warehouse

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "dagster_project" / "sql" / "schema.sql"
MARTS = ROOT / "dagster_project" / "defs" / "warehouse" / "sql" / "marts.sql"
SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"
GOLD = ROOT / "tests" / "data" / "gold_sample.json"

PLACES = [
    ("浙江省", "杭州市", "330100"),
    ("浙江省", "宁波市", "330200"),
    ("浙江省", "湖州市", "330500"),
    ("江苏省", "南京市", "320100"),
    ("江苏省", "苏州市", "320500"),
    ("广东省", "广州市", "440100"),
    ("山东省", "青岛市", "370200"),
    ("四川省", "成都市", "510100"),
]
KINDS = [
    ("国际友好城市交流中心", "{c}{k}"),
    ("外事服务中心", "{c}{k}"),
    ("第一人民医院", "{c}{k}"),
    ("职业技术学院", "{c}{k}"),
    ("实验小学", "{c}{k}"),
    ("博物馆", "{c}{k}"),
    ("农业科学研究院", "{c}{k}"),
    ("综合检验检测中心", "{c}{k}"),
    ("机关事务服务中心", "{c}{k}"),
]
PARTNERS = [
    ("KR", "韩国", "清州市"),
    ("JP", "日本", "静冈县"),
    ("FR", "法国", "蒙达尔纪市"),
    ("DE", "德国", "北威州"),
    ("US", "美国", "波特兰市"),
    ("GB", "英国", "伯明翰市"),
    ("RU", "俄罗斯", "喀山市"),
    ("TH", "泰国", "清迈府"),
    ("BR", "巴西", "卡波弗里乌市"),
    ("AU", "澳大利亚", "珀斯市"),
    ("IT", "意大利", "帕多瓦市"),
    ("VN", "越南", "岘港市"),
]
THEMES = ["youth", "education", "culture", "sports", "economy", "government", "health", "science"]
FUNDING = [("财政全额补助", "全额拨款"), ("财政差额补助", "差额拨款"), ("自收自支", "自收自支")]


def _uscc(i: int, admin: str) -> str:
    return f"12{admin}{i:09d}X"[:18]


def _sentence_of(narrative: str, anchor: str) -> tuple[int, int]:
    """The clause of `narrative` around `anchor` (bounded by 。;,: or line breaks)."""
    pos = narrative.index(anchor)
    starts = [m.end() for m in re.finditer(r"[。;;\n]", narrative[:pos])]
    start = starts[-1] if starts else 0
    m = re.search(r"[。;;\n]", narrative[pos + len(anchor) :])
    end = pos + len(anchor) + (m.start() if m else len(narrative) - pos - len(anchor))
    return start, end


class _Rows(dict):
    def add(self, table: str, **row) -> None:
        self.setdefault(table, []).append(row)


def _real_sample(rows: _Rows, now: datetime) -> None:
    from transforms.extract import extract_file

    rec = extract_file(SAMPLE)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    inst, fin = rec["institution"], rec["finance"]
    iid, rid = inst["uscc"], f"{inst['uscc']}_{rec['report_year']}"
    _report(rows, rid, iid, rec["report_year"], inst, fin, str(SAMPLE), rec["source"]["sha256"], now)
    narrative = rec["narrative"]
    rows.add("report_texts", report_id=rid, narrative=narrative)
    offset = 0
    for no, (name, text) in enumerate(rec["sections"].items(), 1):
        start = narrative.find(text, offset)
        rows.add(
            "report_sections",
            report_id=rid,
            section_no=no,
            section_name=name,
            text=text,
            start_offset=start,
            end_offset=start + len(text),
        )
        offset = max(offset, start + len(text))
    for no, v in enumerate(gold["exchange"]["visits"], 1):
        start, end = _sentence_of(narrative, v["anchor"])
        _activity(
            rows,
            rid,
            iid,
            rec["report_year"],
            no,
            "visit",
            v["direction"],
            v["month"],
            v["countries"],
            [
                (n, loc["country"])
                for n in v["localities"]
                for loc in gold["exchange"]["localities"]
                if loc["name"] == n
            ],
            v["theme"],
            narrative,
            start,
            end,
            participants=v["participants"],
            person_times=v["person_times"],
            batches=v["batches"],
        )
    for change_no, c in enumerate(rec["registration_changes"], 1):
        rows.add(
            "registration_changes", report_id=rid, change_no=change_no, change_date=c["date"], what=c["what"]
        )
    for problem_no, p in enumerate(rec["problems"], 1):
        rows.add("report_problems", report_id=rid, problem_no=problem_no, **p)
    rows.add(
        "ingest_files",
        path=str(SAMPLE),
        sha256=rec["source"]["sha256"],
        file_name=SAMPLE.name,
        outcome="loaded",
        reason=None,
        report_id=rid,
        first_seen_at=now,
        outcome_at=now,
        run_id="sample",
    )


def _report(rows, rid, iid, year, inst, fin, path, sha, now, status="current", superseded_by=None) -> None:
    rows.add(
        "reports",
        report_id=rid,
        institution_id=iid,
        report_year=year,
        status=status,
        superseded_by=superseded_by,
        source_path=path,
        file_name=Path(path).name,
        sha256=sha,
        format="txt",
        name=inst["name"],
        uscc=inst["uscc"],
        uscc_valid=inst.get("uscc_valid", True),
        legal_representative=inst["legal_representative"],
        address=inst["address"],
        province=inst["province"],
        city=inst["city"],
        admin_code=inst.get("admin_code"),
        sponsor=inst["sponsor"],
        funding_source=inst["funding_source"],
        funding_source_category=inst.get("funding_source_category"),
        purpose_scope=inst.get("purpose_scope"),
        loaded_at=now,
        run_id="sample",
    )
    rows.add(
        "finances",
        report_id=rid,
        institution_id=iid,
        report_year=year,
        report_status=status,
        startup_capital_wan=fin["startup_capital_wan"],
        net_assets_begin_wan=fin["net_assets_begin_wan"],
        net_assets_end_wan=fin["net_assets_end_wan"],
        net_assets_change_wan=None
        if fin["net_assets_end_wan"] is None or fin["net_assets_begin_wan"] is None
        else round(fin["net_assets_end_wan"] - fin["net_assets_begin_wan"], 6),
        headcount=fin["headcount"],
    )


def _activity(
    rows,
    rid,
    iid,
    year,
    no,
    kind,
    direction,
    month,
    countries,
    localities,
    theme,
    narrative,
    start,
    end,
    **counts,
) -> None:
    aid = f"{rid}_{no:03d}"
    rows.add(
        "exchange_activities",
        activity_id=aid,
        report_id=rid,
        institution_id=iid,
        report_year=year,
        report_status="current",
        activity_no=no,
        kind=kind,
        direction=direction,
        month=month,
        countries=sorted(countries),
        theme=theme,
        evidence=narrative[start:end],
        span_start=start,
        span_end=end,
        approximate=False,
        **counts,
    )
    for c in sorted(set(countries)):
        rows.add("activity_countries", activity_id=aid, country_code=c)
    for name, country in localities:
        rows.add(
            "activity_localities",
            activity_id=aid,
            locality_id=f"{country}:{name}",
            locality_name=name,
            country_code=country,
        )


def _synthetic(rows: _Rows, n: int, years: range, rng: random.Random, now: datetime) -> None:
    for i in range(n):
        prov, city, admin = PLACES[i % len(PLACES)]
        kind, pattern = KINDS[(i // len(PLACES)) % len(KINDS)]
        name = pattern.format(c=city, k=kind) + (
            f"(第{i // (len(PLACES) * len(KINDS)) + 1}分部)" if i >= len(PLACES) * len(KINDS) else ""
        )
        iid = _uscc(i, admin)
        funding, category = FUNDING[i % 3]
        end = round(rng.uniform(1, 500), 2)
        foreign = kind in ("国际友好城市交流中心", "外事服务中心", "职业技术学院") or i % 4 == 0
        for year in years:
            begin = end if rng.random() > 0.05 else round(end * rng.uniform(0.5, 1.5), 2)  # 5 % breaks
            end = round(max(-20.0, begin * rng.uniform(0.7, 1.3) + (300 if rng.random() < 0.01 else 0)), 2)
            rid = f"{iid}_{year}"
            inst = {
                "name": name,
                "uscc": iid,
                "legal_representative": f"负责人{i % 50}",
                "address": f"{city}人民路{i}号",
                "province": prov,
                "city": city,
                "admin_code": admin,
                "sponsor": f"{city}人民政府",
                "funding_source": funding,
                "funding_source_category": category,
            }
            _report(
                rows,
                rid,
                iid,
                year,
                inst,
                {
                    "startup_capital_wan": 10.0 + i % 90,
                    "net_assets_begin_wan": begin,
                    "net_assets_end_wan": end,
                    "headcount": 5 + i % 200,
                },
                f"/data/inbox/{year}/{iid}.txt",
                f"{i:032x}{year:032x}",
                now,
            )
            sentences = [f"{year}年度,{name}按照核准登记的宗旨和业务范围开展活动。"]
            acts = []
            for k in range(rng.randint(1, 4) if foreign else 0):
                code, cname, loc = PARTNERS[rng.randrange(len(PARTNERS))]
                month = rng.randint(1, 12)
                size = rng.randint(5, 40)
                if rng.random() < 0.5:
                    s, direction = f"{month}月,{cname}{loc}代表团{size}人来访我单位,开展交流。", "inbound"
                else:
                    s, direction = f"{month}月,我单位{size}人赴{cname}{loc}开展友好交流访问。", "outbound"
                acts.append((len("".join(sentences)), s, code, loc, direction, month, size, k))
                sentences.append(s)
            if i == 1 and year == years[-1]:  # report text that must stay text in the dashboard
                sentences.append(
                    "附注:<script>window.__nianbao_xss=1</script> **不是粗体** [链接](javascript:x) $x$。"
                )
            narrative = "".join(sentences)
            rows.add("report_texts", report_id=rid, narrative=narrative)
            rows.add(
                "report_sections",
                report_id=rid,
                section_no=1,
                section_name="开展业务活动情况及取得的社会效益",
                text=narrative,
                start_offset=0,
                end_offset=len(narrative),
            )
            for no, (start, s, code, loc, direction, month, size, k) in enumerate(acts, 1):
                _activity(
                    rows,
                    rid,
                    iid,
                    year,
                    no,
                    "visit",
                    direction,
                    month,
                    [code],
                    [(loc, code)],
                    [THEMES[(i + k) % len(THEMES)]],
                    narrative,
                    start,
                    start + len(s) - 1,
                    participants=size,
                )
            rows.add(
                "ingest_files",
                path=f"/data/inbox/{year}/{iid}.txt",
                sha256=f"{i:032x}{year:032x}",
                file_name=f"{iid}.txt",
                outcome="loaded",
                report_id=rid,
                first_seen_at=now,
                outcome_at=now,
                run_id="sample",
            )
    for j, reason in enumerate(["no report field found", "truncated PDF", "binary file"]):
        rows.add(
            "ingest_files",
            path=f"/data/inbox/bad_{j}.bin",
            sha256=f"bad{j}",
            file_name=f"bad_{j}.bin",
            outcome="quarantined",
            reason=reason,
            first_seen_at=now,
            outcome_at=now,
            run_id="sample",
        )
        rows.add(
            "quarantine",
            path=f"/data/inbox/bad_{j}.bin",
            sha256=f"bad{j}",
            file_name=f"bad_{j}.bin",
            reason=reason,
            first_seen_at=now,
            run_id="sample",
        )


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        INSERT INTO core.institutions BY NAME
        SELECT institution_id, arg_max(uscc, report_year) AS uscc, arg_max(uscc_valid,
               report_year) AS uscc_valid,
               arg_max(name, report_year) AS name, arg_max(legal_representative,
               report_year) AS legal_representative,
               arg_max(address, report_year) AS address, arg_max(province, report_year) AS province,
               arg_max(city, report_year) AS city, arg_max(admin_code, report_year) AS admin_code,
               arg_max(sponsor, report_year) AS sponsor, arg_max(funding_source,
               report_year) AS funding_source,
               arg_max(funding_source_category, report_year) AS funding_source_category,
               arg_max(purpose_scope, report_year) AS purpose_scope, min(report_year) AS first_year,
               max(report_year) AS last_year, count(*) AS report_count, []::VARCHAR[] AS former_names
        FROM core.reports WHERE status = 'current' GROUP BY institution_id;
        INSERT INTO core.institution_history BY NAME
        SELECT institution_id, 1 AS version_no, name, legal_representative, sponsor, address, funding_source,
               first_year AS valid_from, last_year AS valid_to FROM core.institutions;
        INSERT INTO core.partner_localities BY NAME
        SELECT l.locality_id, any_value(l.locality_name) AS name, any_value(l.country_code) AS country_code,
               min(a.report_year) AS first_year, max(a.report_year) AS last_year, count(*) AS activity_count,
               count(DISTINCT a.institution_id) AS institution_count
        FROM core.activity_localities l JOIN core.exchange_activities a USING (activity_id) GROUP
        BY l.locality_id;
        INSERT INTO core.data_quality BY NAME
        SELECT 'sample' AS run_id, getvariable('now') AS checked_at, 'continuity' AS check_name,
               'finances' AS asset, true AS passed, 'warn' AS severity, 0.95 AS metric, 0.9 AS threshold,
               100 AS checked_count, 5 AS failing_count, '年初数与上年期末数衔接 / continuity' AS description;
        INSERT INTO marts.quality_summary BY NAME SELECT * FROM core.data_quality;
    """)


def build(path: str | Path, institutions: int = 40, years: range = range(2019, 2025), seed: int = 1) -> Path:
    """Write the published snapshot of warehouse `path` (and its JSON); return the snapshot path."""
    snap = warehouse.snapshot_path(path)
    snap.parent.mkdir(parents=True, exist_ok=True)
    tmp = snap.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC).replace(tzinfo=None)
    rows = _Rows()
    _real_sample(rows, now)
    _synthetic(rows, institutions, years, random.Random(seed), now)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.execute("SET VARIABLE now = ?::TIMESTAMP", [now])
        con.execute("SET VARIABLE warehouse_version = 1")
        import pyarrow as pa

        for table, items in rows.items():
            data = pa.Table.from_pylist(items)  # noqa: F841 (read by DuckDB's replacement scan)
            con.execute(f"INSERT INTO core.{table} BY NAME SELECT * FROM data")
        _derive(con)
        con.execute(MARTS.read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.replace(snap)
    warehouse.snapshot_info_path(path).write_text(
        json.dumps(
            {
                "version": 1,
                "published_at": now.isoformat(),
                "last_ingest_at": now.isoformat(),
                "counts": {k: len(v) for k, v in rows.items()},
            }
        ),
        encoding="utf-8",
    )
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse")
    parser.add_argument("--institutions", type=int, default=40)
    args = parser.parse_args()
    print(build(args.warehouse, args.institutions))


if __name__ == "__main__":
    main()
