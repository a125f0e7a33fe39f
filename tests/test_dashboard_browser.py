"""The real dashboard server in headless Chromium (Debian's /usr/bin/chromium through Python Playwright).

Opens every page: no error element, the Chinese text is there; clicks a square of the country × year chart
and sees the activities with their evidence highlighted; a report containing `<script>` shows it as text.
Screenshots go to the pytest temp folder (and to $NIANBAO_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.testing import CHROMIUM, launch_chromium, server, wait_ready

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is not installed (scripts/ci-system-packages.sh installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

from test_dashboard_apptest import PAGES, build_activity_warehouse  # noqa: E402

ERROR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
HIGHLIGHT_JS = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] span')]
    .filter(s => getComputedStyle(s).backgroundColor !== 'rgba(0, 0, 0, 0)' && s.innerText.trim().length > 4)
    .map(s => s.innerText)"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    wh = build_activity_warehouse(tmp_path_factory.mktemp("dashboard_browser"))
    with server(wh) as url:
        yield url, wh


@pytest.fixture(scope="module")
def base_url(served) -> str:
    return served[0]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))


def test_a_cjk_font_is_installed() -> None:
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig not installed")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    assert fonts.strip(), "no Chinese font: install fonts-noto-cjk"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_chromium(base_url: str, page, shots: Path, name: str) -> None:
    page.goto(f"{base_url}/{name}")
    wait_ready(page)
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", title) or name == "sql", title
    assert page.locator(ERROR).count() == 0, page.locator(ERROR).first.inner_text()
    assert "筛选 Filters" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert not page.js_errors, page.js_errors


def test_clicking_the_country_year_chart_shows_evidence(base_url: str, page, shots: Path) -> None:
    page.goto(f"{base_url}/exchange")
    wait_ready(page)
    assert page.evaluate(HIGHLIGHT_JS) == []
    square = page.locator(".js-plotly-plot .scatterlayer .trace .points path").first
    square.scroll_into_view_if_needed()
    box = square.bounding_box()
    assert box, "no square in the chart"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('d_country=')", timeout=20_000)
    wait_ready(page)
    page.get_by_text("项活动").first.wait_for(timeout=20_000)
    evidence = page.evaluate(HIGHLIGHT_JS)
    assert evidence, "no highlighted evidence after the click"
    assert page.locator(ERROR).count() == 0
    page.get_by_text("活动明细与原文").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "exchange_drilldown.png"), full_page=True)


def test_report_text_with_a_script_tag_is_shown_as_text(tmp_path: Path, page, shots: Path) -> None:
    from dashboard import sample_warehouse
    from nianbao import warehouse

    wh = tmp_path / "warehouse.duckdb"
    sample_warehouse.build(wh, institutions=12)  # one of its reports says `<script>...</script> **...**`
    rows = warehouse.run_query(
        "SELECT report_id FROM report_texts WHERE narrative LIKE '%<script>%' LIMIT 1", wh
    ).rows
    with server(wh) as url:
        page.goto(f"{url}/reports?report={rows[0][0]}")
        wait_ready(page)
        text = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
        assert "<script>window.__nianbao_xss=1</script>" in text
        assert "**不是粗体**" in text
        assert page.evaluate("() => window.__nianbao_xss") is None
        assert page.locator('[data-testid="stMainBlockContainer"] script').count() == 0
        page.screenshot(path=str(shots / "report_script.png"), full_page=True)
