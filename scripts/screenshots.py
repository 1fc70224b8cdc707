"""The README's pictures of the report's explorers, taken in headless Chromium (Debian's) from a
report.html, such as `make demo`'s:

    .venv/bin/python scripts/screenshots.py runs/lecture/report.html docs/
    .venv/bin/python scripts/screenshots.py runs/lecture/report-zh-TW.html docs/ --prefix zh-TW-   # (needs a Chinese font)

The batch explorer is shown after its "100 updates" button. `tests/test_report.py` checks the
explorers; this only photographs them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--prefix", default="", help="before each file's name, e.g. zh-TW- for a report in Chinese")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(args.report.resolve().as_uri(), wait_until="load")
            page.wait_for_function("window.viewcast && window.viewcast.widgets && window.viewcast.widgets.descent")
            page.locator("#explore-batches .run").click()
            page.wait_for_timeout(1500)  # the descent path is drawn over about a second
            for name in ("descent", "sigmoids", "batches"):
                path = args.folder / f"{args.prefix}explorer-{name}.png"
                page.locator(f"#explore-{name}").screenshot(path=str(path))
                print(f"wrote {path}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
