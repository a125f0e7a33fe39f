"""The real dashboard server in headless Chromium (Debian's /usr/bin/chromium through Python Playwright).

One server for the module, on the `dashboard_warehouse` session fixture (tests/conftest.py: `nianbao ingest`
of the real sample, the demo corpus and a copy of the sample with `<script>`, entities and Markdown in it).
Opens every page: no error element, the Chinese text is there; clicks a square of the country × year chart
and sees the activities with their evidence highlighted; the hostile report shows its markup as text.
Screenshots go to the pytest temp folder (and to $NIANBAO_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.testing import CHROMIUM, click_busiest_square, launch_chromium, page_url, server, wait_ready

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is not installed (scripts/ci-system-packages.sh installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

from conftest import HOSTILE_NAME, HOSTILE_SCRIPT  # noqa: E402
from test_dashboard_apptest import PAGES  # noqa: E402

from nianbao import warehouse  # noqa: E402

ERROR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
HIGHLIGHT_JS = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] span')]
    .filter(s => getComputedStyle(s).backgroundColor !== 'rgba(0, 0, 0, 0)' && s.innerText.trim().length > 4)
    .map(s => s.innerText)"""


@pytest.fixture(scope="module")
def base_url(dashboard_warehouse: Path):
    with server(dashboard_warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(180_000)  # generous: a loaded machine is slow, the waits are on app state
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
    page.goto(page_url(base_url, name))
    wait_ready(page)
    assert page.get_by_text("Page not found").count() == 0
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", title) or name == "sql", title
    assert page.locator(ERROR).count() == 0, page.locator(ERROR).first.inner_text()
    assert "筛选 Filters" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert not page.js_errors, page.js_errors


def test_clicking_the_country_year_chart_shows_evidence(
    base_url: str, dashboard_warehouse: Path, page, shots: Path
) -> None:
    page.goto(page_url(base_url, "exchange"))
    wait_ready(page)
    assert page.evaluate(HIGHLIGHT_JS) == []
    click_busiest_square(page)
    query = parse_qs(urlparse(page.url).query)
    country, year = query["d_country"][0], int(query["d_year"][0])
    with warehouse.connect(dashboard_warehouse) as con:
        expected = [
            row[0]
            for row in con.execute(
                "SELECT a.evidence FROM exchange_activities a JOIN activity_countries c USING (activity_id)"
                " WHERE c.country_code = ? AND a.report_year = ? AND a.report_status = 'current'",
                [country, year],
            ).fetchall()
        ]
    assert len(expected) >= 2  # the busiest square
    page.get_by_text(f"共 {len(expected)} 项活动").first.wait_for()
    evidence = page.evaluate(HIGHLIGHT_JS)
    assert evidence, "no highlighted evidence after the click"
    assert all(any(e.strip() in x for x in expected) for e in evidence), evidence
    assert page.locator(ERROR).count() == 0
    page.get_by_text("活动明细与原文").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "exchange_drilldown.png"), full_page=True)


def test_report_text_with_a_script_tag_is_shown_as_text(
    base_url: str, dashboard_warehouse: Path, page, shots: Path
) -> None:
    with warehouse.connect(dashboard_warehouse) as con:
        report_id = con.execute(
            "SELECT report_id FROM reports WHERE name = ? AND report_year = 2024", [HOSTILE_NAME]
        ).fetchone()[0]
    page.goto(f"{base_url}/reports?report={report_id}")
    wait_ready(page)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    text = main.inner_text()
    assert HOSTILE_NAME in main.locator("h2").first.inner_text()  # the name's ** are not bold
    assert text.count(HOSTILE_SCRIPT) >= 1
    assert "**不是粗体** _不是斜体_ [不是链接](javascript:alert(1))" in text
    assert "&lt;b&gt;不是标签&lt;/b&gt; &amp; $x^2$" in text  # entities not decoded, no math
    assert page.evaluate("() => window.__nianbao_xss") is None
    assert main.locator("script").count() == 0 and main.locator("a[href^='javascript']").count() == 0
    assert not page.js_errors, page.js_errors
    page.screenshot(path=str(shots / "report_script.png"), full_page=True)


MAP = ".st-key-ex_map .js-plotly-plot"


def test_the_map_draws_without_network_and_a_country_click_drills_down(
    base_url: str, dashboard_warehouse: Path, browser, shots: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(180_000)
    outside: list[str] = []

    def only_the_dashboard(route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:  # a CDN, a tile server, a font host: refused, and remembered
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_dashboard)
    page = context.new_page()
    page.goto(page_url(base_url, "exchange"))
    wait_ready(page)
    page.wait_for_function(f"() => document.querySelectorAll('{MAP} .choroplethlocation').length > 150")
    assert page.locator(f"{MAP} .scattergeo path.point").count() >= 5  # the placed partner cities
    assert outside == [], outside
    # click the country with the most activities: the drill-down lists exactly its activities
    code, index = page.evaluate(
        f"""() => {{
            const t = document.querySelector('{MAP}')._fullData[1];
            const z = Array.from(t.z);
            const i = z.indexOf(Math.max(...z));
            return [t.locations[i], i];
        }}"""
    )
    country = page.locator(f"{MAP} .choroplethlocation").nth(index)
    country.scroll_into_view_if_needed()
    box = country.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('d_country=')")
    wait_ready(page)
    assert parse_qs(urlparse(page.url).query)["d_country"] == [code]
    with warehouse.connect(dashboard_warehouse) as con:
        (n,) = con.execute(
            "SELECT count(*) FROM activity_countries c JOIN exchange_activities a USING (activity_id)"
            " WHERE c.country_code = ? AND a.report_status = 'current'",
            [code],
        ).fetchone()
    page.get_by_text(f"共 {n:,} 项活动").first.wait_for()
    assert page.locator(ERROR).count() == 0 and outside == []
    page.screenshot(path=str(shots / "exchange_map.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("name", ["overview", "finances", "exchange"])
def test_a_laptop_half_screen_keeps_numbers_whole(browser, base_url: str, shots: Path, name: str) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 900}, locale="zh-CN")
    context.set_default_timeout(180_000)
    page = context.new_page()
    page.goto(page_url(base_url, name))
    wait_ready(page)
    # the page style (st.html) mounts with the page: wait for it to narrow the sidebar to ≤ 30 % of the width
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().width <= 240",
    )
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetric"], [data-testid="stMetric"] *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
    )
    assert cut == [], cut  # no card value or label cut short ("139,…")
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot .xaxislayer-above')].flatMap(axis => {
            // labels Plotly rotated to make room are fine; level ones must not run into each other
            const level = [...axis.querySelectorAll('.xtick text')]
                .filter(t => !(t.getAttribute('transform') || '').includes('rotate'));
            const boxes = level.map(t => t.getBoundingClientRect())
                .filter(b => b.width > 0).sort((a, b) => a.left - b.left);
            return boxes.slice(1).filter((b, i) => b.left < boxes[i].right - 1).map(b => b.left);
        })"""
    )
    assert overlaps == [], overlaps
    page.screenshot(path=str(shots / f"{name}_800px.png"), full_page=True)
    context.close()


def test_the_institution_profile_prints_cleanly(browser, base_url: str, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(180_000)
    page = context.new_page()
    page.goto(f"{base_url}/institutions?inst=12330500676151570Y")
    wait_ready(page)
    page.get_by_text("打印 / 存为 PDF").first.wait_for()
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.get_by_text("打印 / 存为 PDF").first.is_visible()
    assert not page.locator('[data-testid="stDownloadButton"]').first.is_visible()
    assert page.locator("h2", has_text="湖州市人民对外友好协会秘书处").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (shots / "institution_profile.pdf").write_bytes(pdf)
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_raw_missing_value_on_screen(base_url: str, page, name: str) -> None:
    page.goto(page_url(base_url, name) + ("?q=友好 访问" if name == "search" else ""))
    wait_ready(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    found = re.findall(r"(?<![A-Za-z])(None|nan|NaN|null|NaT|<NA>)(?![A-Za-z])", text)
    assert found == [], found
