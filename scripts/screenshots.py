"""Regenerate the README's dashboard screenshots (docs/img/*.png) in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--warehouse PATH] [--out docs/img]

Without --warehouse, a demo snapshot is built in a temporary folder (`dashboard.sample_warehouse`: the real
sample report plus seeded synthetic institutions). Needs /usr/bin/chromium and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard.testing import launch_chromium, server, wait_ready  # noqa: E402

VIEWPORT = {"width": 1440, "height": 1500}


def _tall(page) -> None:
    """Streamlit scrolls inside its main block: grow the viewport to the content, so one shot holds
    the page.
    """
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || document.body.scrollHeight"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(int(height), 900), 2600)})
    page.wait_for_timeout(800)


def take(url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
        page.goto(f"{url}/overview")
        wait_ready(page)
        page.wait_for_timeout(1000)
        written.append(out / "dashboard-overview.png")
        page.screenshot(path=str(written[-1]))

        page.goto(f"{url}/exchange")
        wait_ready(page)
        square = page.locator(".js-plotly-plot .scatterlayer .trace .points path").last
        box = square.bounding_box()
        if box:
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_function("() => location.search.includes('d_country=')", timeout=20_000)
            wait_ready(page)
        page.get_by_text("活动明细与原文").first.scroll_into_view_if_needed()
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
            from dashboard import sample_warehouse

            wh = Path(tmp) / "warehouse.duckdb"
            sample_warehouse.build(wh, institutions=40)
        with server(wh) as url:
            for path in take(url, args.out):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
