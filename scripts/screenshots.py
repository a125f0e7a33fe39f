"""Regenerate the README's dashboard screenshots (docs/img/*.png) in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--warehouse PATH] [--out docs/img]

Without --warehouse, the demo warehouse is built in a temporary folder by the real pipeline:
`nianbao ingest` of the real sample report and the demo corpus (data/samples/demo/reports).
Needs /usr/bin/chromium and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard.testing import click_busiest_square, launch_chromium, page_url, server, wait_ready  # noqa: E402

VIEWPORT = {"width": 1440, "height": 1500}
DEMO_INPUTS = (
    ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt",
    ROOT / "data" / "samples" / "demo" / "reports",
)


def build_demo_warehouse(wh: Path) -> Path:
    """`nianbao ingest --warehouse WH` of the real sample and the demo corpus."""
    cmd = [sys.executable, "-m", "nianbao.cli", "ingest", "--warehouse", str(wh), "--quiet"]
    subprocess.run([*cmd, *map(str, DEMO_INPUTS)], check=True, cwd=ROOT)
    return wh


def take(url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
        page.goto(page_url(url, "overview"))
        wait_ready(page)
        # the table draws on a canvas from a chunk loaded on first use
        page.wait_for_selector('[data-testid="stDataFrame"] canvas', timeout=60_000)
        page.wait_for_timeout(1000)
        written.append(out / "dashboard-overview.png")
        page.screenshot(path=str(written[-1]))

        page.goto(page_url(url, "exchange"))
        wait_ready(page)
        # the map: partner countries shaded by activities, partner cities as points (drawn offline)
        page.wait_for_function(
            "() => document.querySelectorAll('.st-key-ex_map .choroplethlocation').length > 150",
            timeout=30_000,
        )
        page.locator(".st-key-ex_map").scroll_into_view_if_needed()
        page.evaluate(
            """() => {
                const map = document.querySelector('.st-key-ex_map');
                const main = document.querySelector('[data-testid="stMain"]');
                main.scrollBy(0, map.getBoundingClientRect().top - 400);
            }"""
        )
        page.mouse.move(5, 5)
        page.wait_for_timeout(1000)
        written.append(out / "dashboard-exchange-map.png")
        page.screenshot(
            path=str(written[-1]), clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": 900}
        )

        click_busiest_square(page)
        # the drill-down panel at the top of the picture: what was clicked, its activities, their evidence
        page.evaluate(
            """() => {
                const head = [...document.querySelectorAll('h2, h3')]
                    .find(h => h.innerText.includes('活动明细与原文'));
                const main = document.querySelector('[data-testid="stMain"]');
                main.scrollBy(0, head.getBoundingClientRect().top - 90);
            }"""
        )
        page.mouse.move(5, 5)  # no hover toolbar over the table
        page.wait_for_timeout(1000)
        written.append(out / "dashboard-exchange-evidence.png")
        page.screenshot(path=str(written[-1]))
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a warehouse with a published snapshot")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wh = args.warehouse
        if wh is None:
            wh = build_demo_warehouse(Path(tmp) / "warehouse.duckdb")
        with server(wh) as url:
            for path in take(url, args.out):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
