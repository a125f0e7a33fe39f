"""Extract records (docs/record.md) -> rows of the warehouse's staging tables, as Arrow tables.

Pure: records and file facts in, Arrow out. No Dagster, no DuckDB, no I/O. The column names and types below
are those of the `staging.*` tables in dagster_project/sql/schema.sql (a test keeps them equal).

    batch = TableBatch()
    batch.add_record(record, FileFacts(path, sha256, size_bytes, mtime_ns))
    batch.add_failure(FileFacts(...), "unreadable", "unreadable", "文件为空")
    tables = batch.to_arrow()          # {"files": pa.Table, "reports": pa.Table, ...}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from transforms.normalize.kind import institution_kind
from transforms.plausibility import implausible

# ---------------------------------------------------------------------------------------------------------
# Schemas (== staging tables)
# ---------------------------------------------------------------------------------------------------------

_S, _I32, _I64, _F, _B, _D = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
_TS = pa.timestamp("us")
_LS = pa.list_(pa.string())


def _schema(*cols: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, typ) for name, typ in cols])


TABLE_SCHEMAS: dict[str, pa.Schema] = {
    "files": _schema(
        ("path", _S),
        ("file_name", _S),
        ("sha256", _S),
        ("size_bytes", _I64),
        ("mtime_ns", _I64),
        ("parse_status", _S),
        ("reason", _S),
        ("detail", _S),
        ("format", _S),
        ("encoding", _S),
        ("content_key", _S),
        ("report_id", _S),
        ("institution_id", _S),
        ("report_year", _I32),
        ("report_date", _D),
        ("same_sha_as", _S),
        ("quarantine_copy", _S),
    ),
    "reports": _schema(
        ("report_id", _S),
        ("sha256", _S),
        ("institution_id", _S),
        ("report_year", _I32),
        ("report_date", _D),
        ("source_path", _S),
        ("file_name", _S),
        ("format", _S),
        ("encoding", _S),
        ("file_mtime", _TS),
        ("content_key", _S),
        ("name", _S),
        ("uscc", _S),
        ("uscc_valid", _B),
        ("legal_representative", _S),
        ("address", _S),
        ("province", _S),
        ("city", _S),
        ("district", _S),
        ("admin_code", _S),
        ("address_code", _S),
        ("sponsor", _S),
        ("funding_source", _S),
        ("funding_source_category", _S),
        ("purpose_scope", _S),
        ("website_name", _S),
        ("qualifications", _S),
        ("awards_litigation", _S),
        ("donations", _S),
        ("problem_count", _I32),
        ("error_count", _I32),
        ("activity_count", _I32),
        ("institution_kind", _S),
    ),
    "finances": _schema(
        ("report_id", _S),
        ("institution_id", _S),
        ("report_year", _I32),
        ("startup_capital_wan", _F),
        ("net_assets_begin_wan", _F),
        ("net_assets_end_wan", _F),
        ("net_assets_change_wan", _F),
        ("headcount", _I32),
    ),
    "exchange_activities": _schema(
        ("activity_id", _S),
        ("report_id", _S),
        ("institution_id", _S),
        ("report_year", _I32),
        ("activity_no", _I32),
        ("kind", _S),
        ("direction", _S),
        ("month", _I32),
        ("participants", _I32),
        ("person_times", _I32),
        ("batches", _I32),
        ("times", _I32),
        ("events", _I32),
        ("approximate", _B),
        ("partner_org", _S),
        ("countries", _LS),
        ("regions", _LS),
        ("theme", _LS),
        ("evidence", _S),
        ("span_start", _I32),
        ("span_end", _I32),
    ),
    "activity_countries": _schema(("activity_id", _S), ("country_code", _S)),
    "activity_localities": _schema(("activity_id", _S), ("locality_name", _S), ("country_code", _S)),
    "report_sections": _schema(
        ("report_id", _S),
        ("section_no", _I32),
        ("section_name", _S),
        ("text", _S),
        ("start_offset", _I32),
        ("end_offset", _I32),
    ),
    "report_texts": _schema(("report_id", _S), ("narrative", _S)),
    "registration_changes": _schema(
        ("report_id", _S), ("change_no", _I32), ("change_date", _D), ("what", _S)
    ),
    "report_problems": _schema(
        ("report_id", _S), ("problem_no", _I32), ("field", _S), ("severity", _S), ("message", _S)
    ),
}

# Why a file is quarantined (core.quarantine.reason); the detail column says it in words.
QUARANTINE_REASONS = {
    "unreadable": "文件无法读取为年报 / the file cannot be read as a report",
    "extract_error": "抽取时出错 / extraction failed with an error",
    "no_report_year": "未找到报告年度 / no report year found",
    "no_institution": "既无单位名称也无信用代码 / neither institution name nor USCC found",
    "missing_uscc": "缺少统一社会信用代码 / no unified social credit code (USCC)",
    "invalid_uscc": "统一社会信用代码校验失败 / the USCC fails its check digit",
    "vanished": "读取前文件已被删除 / the file disappeared before it was read",
    "permission_denied": "没有读取权限 / no permission to read the file or folder",
    "not_a_regular_file": "不是普通文件 / not a regular file (a FIFO, device or symlink)",
    "implausible_year": "报告年度不可能 / the report year is before the regulations or after next year",
}

_INSTITUTION_FIELDS = (
    "name",
    "uscc",
    "legal_representative",
    "address",
    "province",
    "city",
    "district",
    "admin_code",
    "address_code",
    "sponsor",
    "funding_source",
    "funding_source_category",
    "purpose_scope",
    "website_name",
)


@dataclass(frozen=True)
class FileFacts:
    """What the pipeline knows about a file before parsing it."""

    path: str
    sha256: str
    size_bytes: int
    mtime_ns: int

    @property
    def file_name(self) -> str:
        return os.path.basename(self.path)

    @property
    def mtime(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9, tz=dt.UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------------------


def institution_id(uscc: str | None, uscc_valid: bool | None, name: str | None) -> str | None:
    """A valid USCC is the key; otherwise a stable surrogate `X-<16 hex>` from the name (or the raw USCC)."""
    if uscc and uscc_valid:
        return uscc.strip().upper()
    basis = (name or "").strip() or (uscc or "").strip()
    if not basis:
        return None
    return "X-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def report_id(report_year: int, inst_id: str, sha256: str) -> str:
    """ASCII: `<year>_<institution_id>_<sha256[:12]>`."""
    return f"{report_year}_{inst_id}_{sha256[:12]}"


# What `json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)` builds for every call, built once.
# Warehouses keep the keys hashed from this text: its output must never change.
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def content_key(record: dict) -> str:
    """Hash of the record without its `source`: the same report in other bytes (format, encoding) matches."""
    body = {k: v for k, v in record.items() if k not in ("source", "problems")}
    canonical = _CANONICAL_JSON.encode(body)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def quarantine_reason(record: dict, *, require_valid_uscc: bool = False) -> str | None:
    """Why a parsed record cannot be placed in the warehouse, else None.

    By default a report without a valid USCC loads under a stable surrogate institution id (its problem is
    kept in report_problems); with `require_valid_uscc` such reports are quarantined instead.
    """
    if _int(record.get("report_year")) is None:
        return "no_report_year"
    inst = record.get("institution") or {}
    uscc = _str(inst.get("uscc"))
    if require_valid_uscc and uscc is None:
        return "missing_uscc"
    if require_valid_uscc and inst.get("uscc_valid") is not True:
        return "invalid_uscc"
    if institution_id(uscc, inst.get("uscc_valid"), _str(inst.get("name"))) is None:
        return "no_institution"
    return None


# ---------------------------------------------------------------------------------------------------------
# Value coercion (the contract says null for missing; be strict about types, lenient about junk)
# ---------------------------------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > 2**31 - 1:
        return None
    return int(number)


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    text = _str(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [s for s in (_str(v) for v in value) if s]


# ---------------------------------------------------------------------------------------------------------
# Batch
# ---------------------------------------------------------------------------------------------------------


class TableBatch:
    """Accumulates the rows of many files; `to_arrow()` gives one Arrow table per staging table."""

    def __init__(self, *, require_valid_uscc: bool = False, today: dt.date | None = None) -> None:
        self.require_valid_uscc = require_valid_uscc
        self.today = today or dt.date.today()  # "next year" in the plausibility bounds
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLE_SCHEMAS}

    def __len__(self) -> int:
        return len(self.rows["files"])

    def add_failure(self, file: FileFacts, parse_status: str, reason: str, detail: str | None = None) -> None:
        """A file that yields no report (unreadable, vanished, ...): one `files` row with the reason."""
        self.rows["files"].append(
            _file_row(
                file,
                parse_status=parse_status,
                reason=reason,
                detail=detail or QUARANTINE_REASONS.get(reason),
            )
        )

    def add_same_sha(self, file: FileFacts, first_path: str) -> None:
        """A file whose bytes equal an earlier file's in the same batch: not parsed, resolved at load."""
        self.rows["files"].append(_file_row(file, parse_status="same_sha", same_sha_as=first_path))

    def add_record(self, record: dict, file: FileFacts) -> None:
        """Flatten one extract record. Records that cannot be placed are kept as `invalid` files rows."""
        source = record.get("source") or {}
        fmt, enc = _str(source.get("format")), _str(source.get("encoding"))
        reason = quarantine_reason(record, require_valid_uscc=self.require_valid_uscc)
        year_problem = implausible("report_year", _int(record.get("report_year")), self.today)
        if reason or year_problem:
            self.rows["files"].append(
                _file_row(
                    file,
                    parse_status="invalid",
                    reason=reason or "implausible_year",
                    detail=QUARANTINE_REASONS[reason] if reason else f"报告年度不可能 / {year_problem}",
                    format=fmt,
                    encoding=enc,
                )
            )
            return

        inst = record.get("institution") or {}
        year = _int(record["report_year"])
        uscc, uscc_valid, name = _str(inst.get("uscc")), _bool(inst.get("uscc_valid")), _str(inst.get("name"))
        inst_id = institution_id(uscc, uscc_valid, name)
        rid = report_id(year, inst_id, file.sha256)
        report_date = _date(record.get("report_date"))
        key = content_key(record)
        activities = [a for a in (record.get("activities") or []) if isinstance(a, dict)]
        problems = [p for p in (record.get("problems") or []) if isinstance(p, dict)]
        fin = dict(record.get("finance") or {})
        for field in ("startup_capital_wan", "net_assets_begin_wan", "net_assets_end_wan", "headcount"):
            why = implausible(field, _float(fin.get(field)), self.today)
            if why:  # never loaded as it stands: null, with an error that keeps the value read
                fin[field] = None
                problems.append({"field": f"finance.{field}", "severity": "error", "message": why})

        self.rows["files"].append(
            _file_row(
                file,
                parse_status="parsed",
                format=fmt,
                encoding=enc,
                content_key=key,
                report_id=rid,
                institution_id=inst_id,
                report_year=year,
                report_date=report_date,
            )
        )
        report = {field: _str(inst.get(field)) for field in _INSTITUTION_FIELDS}
        report.update(
            report_id=rid,
            sha256=file.sha256,
            institution_id=inst_id,
            report_year=year,
            report_date=report_date,
            source_path=file.path,
            file_name=file.file_name,
            format=fmt,
            encoding=enc,
            file_mtime=file.mtime,
            content_key=key,
            uscc=uscc,
            uscc_valid=uscc_valid,
            qualifications=_str(record.get("qualifications")),
            awards_litigation=_str(record.get("awards_litigation")),
            donations=_str(record.get("donations")),
            problem_count=len(problems),
            error_count=sum(1 for p in problems if p.get("severity") == "error"),
            activity_count=len(activities),
            institution_kind=institution_kind(name),
        )
        self.rows["reports"].append(report)

        begin, end = _float(fin.get("net_assets_begin_wan")), _float(fin.get("net_assets_end_wan"))
        self.rows["finances"].append(
            {
                "report_id": rid,
                "institution_id": inst_id,
                "report_year": year,
                "startup_capital_wan": _float(fin.get("startup_capital_wan")),
                "net_assets_begin_wan": begin,
                "net_assets_end_wan": end,
                "net_assets_change_wan": round(end - begin, 6)
                if begin is not None and end is not None
                else None,
                "headcount": _int(fin.get("headcount")),
            }
        )

        narrative = record.get("narrative") if isinstance(record.get("narrative"), str) else ""
        self.rows["report_texts"].append({"report_id": rid, "narrative": narrative or None})
        self._add_sections(rid, record.get("sections"), narrative)
        for no, change in enumerate(
            c for c in (record.get("registration_changes") or []) if isinstance(c, dict)
        ):
            self.rows["registration_changes"].append(
                {
                    "report_id": rid,
                    "change_no": no + 1,
                    "change_date": _date(change.get("date")),
                    "what": _str(change.get("what")),
                }
            )
        for no, problem in enumerate(problems):
            self.rows["report_problems"].append(
                {
                    "report_id": rid,
                    "problem_no": no + 1,
                    "field": _str(problem.get("field")),
                    "severity": _str(problem.get("severity")),
                    "message": _str(problem.get("message")),
                }
            )
        for no, activity in enumerate(activities):
            self._add_activity(rid, inst_id, year, no + 1, activity)

    def _add_sections(self, rid: str, sections: Any, narrative: str) -> None:
        if not isinstance(sections, dict):
            return
        cursor = 0
        for no, (section_name, text) in enumerate(sections.items()):
            text = text if isinstance(text, str) else None
            start = end = None
            if text and narrative:
                found = narrative.find(text, cursor)
                if found >= 0:
                    start, end = found, found + len(text)
                    cursor = end
            self.rows["report_sections"].append(
                {
                    "report_id": rid,
                    "section_no": no + 1,
                    "section_name": _str(section_name),
                    "text": text,
                    "start_offset": start,
                    "end_offset": end,
                }
            )

    def _add_activity(self, rid: str, inst_id: str, year: int, no: int, activity: dict) -> None:
        activity_id = f"{rid}_{no:03d}"
        countries = sorted(set(_str_list(activity.get("countries"))))
        span = activity.get("span") if isinstance(activity.get("span"), list | tuple) else [None, None]
        span = [*list(span)[:2], None, None][:2]
        self.rows["exchange_activities"].append(
            {
                "activity_id": activity_id,
                "report_id": rid,
                "institution_id": inst_id,
                "report_year": year,
                "activity_no": no,
                "kind": _str(activity.get("kind")),
                "direction": _str(activity.get("direction")),
                "month": _int(activity.get("month")),
                "participants": _int(activity.get("participants")),
                "person_times": _int(activity.get("person_times")),
                "batches": _int(activity.get("batches")),
                "times": _int(activity.get("times")),
                "events": _int(activity.get("events")),
                "approximate": _bool(activity.get("approximate")),
                "partner_org": _str(activity.get("partner_org")),
                "countries": countries,
                "regions": _str_list(activity.get("regions")),
                "theme": _str_list(activity.get("theme")),
                "evidence": _str(activity.get("evidence")),
                "span_start": _int(span[0]),
                "span_end": _int(span[1]),
            }
        )
        for code in countries:
            self.rows["activity_countries"].append({"activity_id": activity_id, "country_code": code})
        seen: set[tuple[str, str | None]] = set()
        for locality in activity.get("localities") or []:
            if not isinstance(locality, dict) or not _str(locality.get("name")):
                continue
            pair = (_str(locality.get("name")), _str(locality.get("country")))
            if pair not in seen:
                seen.add(pair)
                self.rows["activity_localities"].append(
                    {"activity_id": activity_id, "locality_name": pair[0], "country_code": pair[1]}
                )

    def to_arrow(self) -> dict[str, pa.Table]:
        return {
            name: pa.Table.from_pylist(rows, schema=TABLE_SCHEMAS[name]) for name, rows in self.rows.items()
        }


def _file_row(file: FileFacts, **values: Any) -> dict:
    row = dict.fromkeys(TABLE_SCHEMAS["files"].names)
    row.update(
        path=file.path,
        file_name=file.file_name,
        sha256=file.sha256,
        size_bytes=file.size_bytes,
        mtime_ns=file.mtime_ns,
    )
    row.update(values)
    return row
