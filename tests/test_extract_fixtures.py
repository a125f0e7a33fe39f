"""Every rendering of the sample report must extract to the same values as the hand-labelled gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transforms.extract")

from transforms.errors import UnreadableFile
from transforms.extract import extract_file

# A copy of shared/gold/000_b1d8bfba56152971.json, so the project tests itself without shared/.
GOLD = json.loads((Path(__file__).resolve().parent / "data" / "gold_sample.json").read_text("utf-8"))
ONE_BLOCK = "开展业务活动情况及取得的社会效益"


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    """A cache: each fixture is extracted once, however many tests look at its record."""
    return {}


def _record(name: str, fixture_files: dict[str, Path], records: dict[str, dict]) -> dict:
    if name not in records:
        records[name] = extract_file(fixture_files[name])
    return records[name]


def test_source_format_and_encoding(good_fixture, fixture_files, records) -> None:
    source = _record(good_fixture.name, fixture_files, records)["source"]
    assert (source["format"], source["encoding"]) == (good_fixture.format, good_fixture.encoding)


def test_institution_finance_and_year_match_gold(good_fixture, fixture_files, records) -> None:
    record = _record(good_fixture.name, fixture_files, records)
    institution = record["institution"]
    for key, expected in GOLD["institution"].items():
        if key == "purpose_scope_startswith":
            assert (institution["purpose_scope"] or "").startswith(expected), institution["purpose_scope"]
        else:
            assert institution[key] == expected, key
    for key, expected in GOLD["finance"].items():
        assert record["finance"][key] == expected, key
    assert record["report_year"] == GOLD["report_year"]


def test_sections_present(good_fixture, fixture_files, records) -> None:
    sections = _record(good_fixture.name, fixture_files, records)["sections"]
    expected = [ONE_BLOCK] if good_fixture.layout == "variants" else GOLD["sections_present"]
    for name in expected:
        assert sections.get(name), (name, list(sections))


def test_bad_files_are_unreadable(bad_fixture, fixture_files) -> None:
    with pytest.raises(UnreadableFile):
        extract_file(fixture_files[bad_fixture.name])


def test_fieldless_files_are_unreadable(no_fields_fixture: str, fixture_files) -> None:
    with pytest.raises(UnreadableFile, match="no report field"):
        extract_file(fixture_files[no_fields_fixture])
