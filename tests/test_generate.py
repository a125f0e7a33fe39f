"""The synthetic corpus generator (issue 4): determinism, continuity, USCCs, manifest accounting, defects."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from stdnum.cn import uscc as stdnum_uscc

from nianbao.cli import main
from transforms.generate import Options, generate, places
from transforms.generate.defects import DEFECTS
from transforms.generate.forms import PHENOMENA
from transforms.generate.manifest import OUTCOMES
from transforms.generate.manifest import read as read_manifest

YEARS = list(range(2019, 2025))
ALL_FORMATS = ("txt", "html", "pdf", "docx")


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _golds(root: Path) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((root / "gold").glob("*.json"))]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All formats, a fair share of defects and continuity breaks."""
    root = tmp_path_factory.mktemp("corpus")
    generate(root, Options(12, YEARS, seed=11, formats=ALL_FORMATS, defect_rate=0.15, break_rate=0.2))
    return root


@pytest.fixture(scope="module")
def defect_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every institution-year defective, text formats only (the fast path)."""
    root = tmp_path_factory.mktemp("defects")
    generate(root, Options(25, YEARS, seed=3, formats=("txt", "html"), defect_rate=1.0))
    return root


def test_same_seed_same_bytes_in_every_format(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, Options(12, YEARS, seed=11, formats=ALL_FORMATS, defect_rate=0.15, break_rate=0.2))
    first, second = _tree(corpus), _tree(again)
    assert first == second
    suffixes = {name.rsplit(".", 1)[-1] for name in first}
    assert {"txt", "pdf", "docx", "json", "csv"} <= suffixes
    assert suffixes & {"html", "htm"}


def test_other_seed_other_corpus(tmp_path: Path) -> None:
    generate(tmp_path / "a", Options(3, YEARS, seed=1, defect_rate=0))
    generate(tmp_path / "b", Options(3, YEARS, seed=2, defect_rate=0))
    assert _tree(tmp_path / "a") != _tree(tmp_path / "b")


def test_year_to_year_continuity(corpus: Path) -> None:
    loaded = defaultdict(dict)
    for row in read_manifest(corpus / "manifest.csv"):
        if row["expected_outcome"] == "loaded":
            gold = json.loads((corpus / row["gold"]).read_text("utf-8"))
            assert int(row["year"]) not in loaded[row["institution_id"]], (
                "one loaded file per institution-year"
            )
            loaded[row["institution_id"]][int(row["year"])] = gold
    pairs = breaks = 0
    for years in loaded.values():
        capitals = set()
        for year, gold in years.items():
            capitals.add(gold["finance"]["startup_capital_wan"])
            if year - 1 not in years:
                continue
            pairs += 1
            before, now = years[year - 1]["finance"], gold["finance"]
            if gold["generator"]["continuity_break"]:
                breaks += 1
                assert now["net_assets_begin_wan"] != before["net_assets_end_wan"]
            else:
                assert now["net_assets_begin_wan"] == before["net_assets_end_wan"], (year, gold["file"])
        changed = any("开办资金" in c["what"] for g in years.values() for c in g["registration_changes"])
        assert len(capitals) == 1 or changed, "startup capital changes only through a registered change"
    assert pairs > 30
    assert 0 < breaks < pairs


def test_usccs_are_valid_and_name_the_institutions_place(corpus: Path) -> None:
    divisions = {c.code: c for c in places.cities()}
    districts = {d.code: (c, d) for c in places.cities() for d in c.districts}
    rows = read_manifest(corpus / "manifest.csv")
    for row in rows:
        code = row["uscc"]
        assert stdnum_uscc.is_valid(code), code
        assert code.startswith("12"), "registration authority 1 (机构编制), type 2 (事业单位)"
        assert code[2:8] in divisions or code[2:8] in districts
    division_of = {r["file"].removeprefix("reports/"): r["uscc"][2:8] for r in rows}
    for gold in _golds(corpus):
        inst = gold["institution"]
        assert gold["generator"]["institution_id"]
        if inst["uscc"] and gold["generator"]["defect"] != "invalid_uscc":
            assert stdnum_uscc.is_valid(inst["uscc"])
            assert inst["uscc"][2:8] == inst["admin_code"]
        else:
            assert inst["admin_code"] is None, "no valid USCC: the file does not state its division"
        code = division_of[gold["file"]]
        assert inst["city"] in inst["address"]
        if inst["district"]:
            assert inst["district"] in inst["address"]
            city, district = districts[code]
            assert (city.name, district.name) == (inst["city"], inst["district"])
        else:
            assert divisions[code].name == inst["city"]


def test_manifest_accounts_for_every_file(corpus: Path) -> None:
    rows = read_manifest(corpus / "manifest.csv")
    on_disk = {f"reports/{p.name}" for p in (corpus / "reports").iterdir()}
    listed = [r["file"] for r in rows]
    assert sorted(listed) == sorted(on_disk), "each file exactly once"
    golds = {f"gold/{p.name}" for p in (corpus / "gold").iterdir()}
    assert golds == {r["gold"] for r in rows if r["gold"]}
    by_file = {r["file"]: r for r in rows}
    institution_years = set()
    for row in rows:
        assert row["expected_outcome"] in OUTCOMES
        data = (corpus / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"] and len(data) == int(row["bytes"])
        institution_years.add((row["institution_id"], row["year"]))
        if row["expected_outcome"] == "duplicate":
            original = by_file[row["related_file"]]
            assert original["sha256"] == row["sha256"] and original["expected_outcome"] == "loaded"
            assert original["file"] < row["file"], "the first name in sort order is the one loaded"
        if row["expected_outcome"] == "superseded":
            newer = by_file[row["related_file"]]
            assert newer["expected_outcome"] == "loaded" and newer["report_date"] > row["report_date"]
        if row["defect"] in ("empty", "binary", "truncated"):
            assert row["expected_outcome"] == "quarantined" and not row["gold"]
    outcomes = defaultdict(int)
    for row in rows:
        outcomes[row["expected_outcome"]] += 1
    loaded_pairs = {(r["institution_id"], r["year"]) for r in rows if r["expected_outcome"] == "loaded"}
    assert outcomes["loaded"] == len(loaded_pairs), "at most one loaded file per institution-year"
    quarantined_only = {
        (r["institution_id"], r["year"]) for r in rows if r["expected_outcome"] == "quarantined"
    }
    assert loaded_pairs | quarantined_only == institution_years
    assert sum(outcomes.values()) == len(rows)


def test_every_defect_type_occurs(defect_corpus: Path) -> None:
    rows = read_manifest(defect_corpus / "manifest.csv")
    assert {r["defect"] for r in rows} == set(DEFECTS)
    for row in rows:
        data = (defect_corpus / row["file"]).read_bytes()
        if row["defect"] == "empty":
            assert data == b""
        if row["defect"] == "wrong_extension":
            assert row["extension"] != {"txt": "txt", "html": "html"}[row["format"]]
            assert row["expected_outcome"] == "loaded"
        if row["defect"] in ("missing_uscc", "invalid_uscc", "year_missing"):
            gold = json.loads((defect_corpus / row["gold"]).read_text("utf-8"))
            text = data.decode(row["encoding"])
            if row["defect"] == "missing_uscc":
                assert gold["institution"]["uscc"] is None and row["uscc"] not in text
            elif row["defect"] == "invalid_uscc":
                assert gold["institution"]["uscc_valid"] is False
                assert not stdnum_uscc.is_valid(gold["institution"]["uscc"])
            else:
                assert gold["report_year"] is None
                assert not re.search(r"(19|20)\d\d年", text), "no year in the text"
                assert not re.search(r"\d", row["file"]), "no digits in the name"


def test_text_files_decode_with_the_recorded_encoding(corpus: Path) -> None:
    seen = set()
    for row in read_manifest(corpus / "manifest.csv"):
        if row["format"] in ("txt", "html") and row["defect"] != "truncated":
            data = (corpus / row["file"]).read_bytes()
            data.decode(row["encoding"])
            seen.add(row["encoding"])
            if row["encoding"] == "utf-8-sig":
                assert data.startswith(b"\xef\xbb\xbf")
    assert "gb18030" in seen and "utf-8" in seen


def test_gold_activities(corpus: Path, defect_corpus: Path) -> None:
    country_of: dict[str, str] = {}
    partners: dict[str, set[str]] = defaultdict(set)
    visits = 0
    for gold in _golds(corpus) + _golds(defect_corpus):
        narrative = gold["narrative"]
        exchange = gold["exchange"]
        items = exchange["visits"] + exchange["other_activities"]
        if not gold["generator"]["foreign_work"]:
            assert items == [] and exchange["countries"] == []
        for item in items:
            assert narrative.count(item["anchor"]) == 1, item["anchor"]
            assert not re.search(r"[，,。；;]", item["anchor"])
        for visit in exchange["visits"]:
            visits += 1
            assert visit["direction"] in ("inbound", "outbound")
            assert visit["countries"] == sorted(visit["countries"])
            assert not {"HK", "MO", "TW"} & set(visit["countries"])
        for loc in exchange["localities"]:
            assert country_of.setdefault(loc["name"], loc["country"]) == loc["country"]
            partners[gold["generator"]["seed"], gold["generator"]["institution_id"]].add(loc["name"])
            assert loc["country"] in exchange["countries"]
    assert visits > 20
    assert max(len(v) for v in partners.values()) <= 5, "an institution keeps its few partner localities"


def test_cli_writes_a_corpus(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    args = ["generate", str(out), "--institutions", "2", "--years", "2022-2023", "--seed", "9", "--quiet"]
    assert main(args) == 0
    rows = read_manifest(out / "manifest.csv")
    assert rows and {r["year"] for r in rows} <= {"2022", "2023"}
    assert main(args) == 2, "refuses to write into a non-empty folder"


def test_foreign_localities_never_look_like_chinese_places() -> None:
    import csv

    from transforms.generate.narrative import localities

    chinese = {row["name"] for row in csv.DictReader(places.adcodes_path().open(encoding="utf-8"))}
    stems = {n[:-1] for n in chinese if len(n) > 2}
    names = [loc.name for loc in localities()]
    assert len(names) == len(set(names)), "a locality name belongs to one country"
    for name in names:
        stem = name[:-1] if name[-1] in "市县州省道郡府区" else name
        assert name not in chinese and stem not in chinese and stem not in stems, name


@pytest.fixture(scope="module")
def text_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Text formats only, no defects: enough reports that every text phenomenon occurs many times."""
    root = tmp_path_factory.mktemp("text")
    generate(root, Options(60, YEARS, seed=7, formats=("txt", "html"), defect_rate=0))
    return root


# A trace each phenomenon leaves in txt and HTML files, found without the parser. The trace occurs exactly
# when the gold lists the phenomenon, so the list is neither short of what was rendered nor claims more.
TRACES = {
    "cover": r"登记管理局制",
    "form_start": r"登载事项",  # form_start_row or form_start_inline; labels compared without spaces
    "full_width_bars": r"｜",
    "markdown_table": r"(?m)^\| ",
    "money_capital_numerals": r"人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元整",
    "money_currency_sign": r"[￥¥]\d",
    "money_bracket_unit": r"\d\(万元\)",
    "money_thousands": r"\d,\d{3}",
    "nested_funding": r"财政补助\(",
    "trailing_empty_cells": r"[|｜][|｜]",
    "net_assets_sentence": r"本单位(?:净资产合计|年初净资产)",
    "spaced_labels": r"[\u4e00-\u9fff][ \u3000]{1,2}[\u4e00-\u9fff]",  # the colon layout parts pairs by 4
    "numbered_labels": r"(?m)(?:^|[|>]\s*)1[.、．]\s*[\u4e00-\u9fff]",
    "traditional_labels": r"單位名稱",
    "year_only_in_file_name": r"^(?!.*(?:19|20)\d\d年)",
}


def test_phenomena_leave_their_trace_exactly_when_listed(text_corpus: Path) -> None:
    from transforms.normalize.script import to_simplified

    claimed: Counter[str] = Counter()
    for row in read_manifest(text_corpus / "manifest.csv"):
        text = (text_corpus / row["file"]).read_bytes().decode(row["encoding"])
        phenomena = set(json.loads((text_corpus / row["gold"]).read_text("utf-8"))["generator"]["phenomena"])
        assert phenomena <= set(PHENOMENA), phenomena - set(PHENOMENA)
        if phenomena & {"form_start_row", "form_start_inline"}:
            phenomena.add("form_start")
        for name, trace in TRACES.items():
            haystack = to_simplified(re.sub(r"\s", "", text)) if name == "form_start" else text
            found = re.search(trace, haystack, re.DOTALL) is not None
            assert found == (name in phenomena), (name, row["file"], row["layout"])
            claimed[name] += found
    assert min(claimed.values()) >= 3, claimed


def test_traditional_labels_read_as_opencc_converts_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import opencc

    from transforms.generate import forms

    converted: set[str] = set()
    table = forms.traditional
    monkeypatch.setattr(forms, "traditional", lambda text: converted.add(text) or table(text))
    generate(tmp_path, Options(150, YEARS, seed=3, formats=("txt",), defect_rate=0))
    assert len(converted) > 20
    s2t = opencc.OpenCC("s2t")
    assert {text: table(text) for text in converted} == {text: s2t.convert(text) for text in converted}


@pytest.mark.parametrize(
    ("yuan", "written"),
    [
        (500000, "人民币伍拾万元整"),
        (1880000, "人民币壹佰捌拾捌万元整"),
        (1255000, "人民币壹佰贰拾伍万伍仟元整"),
        (1010101, "人民币壹佰零壹万零壹佰零壹元整"),
        (100005000, "人民币壹亿零伍仟元整"),
        (105000000, "人民币壹亿零伍佰万元整"),
    ],
)
def test_capital_numerals(yuan: int, written: str) -> None:
    from transforms.generate.forms import capital_numerals

    assert capital_numerals(yuan) == written
