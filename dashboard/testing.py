"""Run the real dashboard server and drive it with headless Chromium (browser tests, README screenshots).

Uses Debian's `/usr/bin/chromium` through Python Playwright (`playwright install`'s download is not needed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from nianbao import warehouse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(
    warehouse_path: str | os.PathLike[str], port: int | None = None, timeout_s: float = 300
) -> Iterator[str]:
    """`nianbao dashboard` on a free localhost port; yields its base URL, stops it on exit."""
    port = port or free_port()
    env = {**os.environ, warehouse.ENV_WAREHOUSE: str(warehouse_path)}
    cmd = [
        sys.executable,
        "-m",
        "nianbao.cli",
        "dashboard",
        "--warehouse",
        str(warehouse_path),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"dashboard exited with {proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"dashboard did not answer on {url} within {timeout_s} s")
            time.sleep(0.3)
        yield url
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (nianbao and its streamlit child), then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def wait_ready(page, timeout_ms: int = 180_000) -> None:
    """Wait until Streamlit finished running the page script: the app's own state (not running, title
    drawn, nothing left stale from a previous run), never a timer. The limit is generous because a loaded
    machine can take tens of seconds for a page run that takes one on an idle one."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && document.querySelector('[data-testid="stMainBlockContainer"] h1')
                && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=timeout_ms,
    )


def page_url(base_url: str, name: str) -> str:
    """The address of a page: the overview is the default page, served at the root (not /overview)."""
    return f"{base_url}/" if name == "overview" else f"{base_url}/{name}"


MATRIX = ".st-key-ex_matrix .js-plotly-plot"  # the exchange page's country × year chart (its key's class)


def click_busiest_square(page) -> None:
    """Click the square of the country × year chart with most activities."""
    page.wait_for_function(
        f"() => document.querySelector('{MATRIX}')?._fullData?.[0]?.marker?.color", timeout=180_000
    )
    index = page.evaluate(
        f"""() => {{
            const colors = Array.from(document.querySelector('{MATRIX}')._fullData[0].marker.color);
            return colors.indexOf(Math.max(...colors));
        }}"""
    )
    square = page.locator(MATRIX).first.locator(".scatterlayer .trace .points path").nth(index)
    square.scroll_into_view_if_needed()
    box = square.bounding_box()
    if box is None:
        raise AssertionError("no square in the country × year chart")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('d_country=')", timeout=180_000)
    wait_ready(page)
