"""The HTML report in real headless Chromium: self-contained, no console errors, the expected
tables present, sorting working, and a screenshot at laptop size."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

import report_logs  # noqa: E402

from trustbench.report import build_report  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROBE = """<script>
console.error("report-probe");
var table = document.querySelector("#overview ~ .table-wrap table");
table.querySelector("th:nth-child(4)").click();
var rows = table.tBodies[0].rows;
document.title = Array.prototype.map.call(rows, function (r) { return r.cells[3].textContent; }).join(",");
</script>"""


def find_chromium() -> str:
    """`$CHROMIUM`, else the first Chromium or Chrome on the PATH, else a failure saying how to
    get one (`make test` installs Debian's package when it runs as root)."""
    found = os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        pytest.fail(
            "Headless Chromium is needed to check the HTML report, and none is on the PATH: "
            "install it (`sudo apt-get install chromium` on Debian and Ubuntu), or set "
            "CHROMIUM=/path/to/chromium-or-chrome."
        )
    return found


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [find_chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    dirs = [
        report_logs.planning_logs(tmp_path_factory),
        report_logs.synthetic_logs(tmp_path_factory),
        report_logs.errored_logs(tmp_path_factory),
    ]
    out = tmp_path_factory.mktemp("html-report")
    return build_report(dirs, baseline="scripted/gridworld-bfs", out_dir=out, formats="html")


def test_html_is_self_contained(report):
    html = report.files["html"].read_text()
    assert set(report.files) == {"html"}
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html
    assert html.count('src="data:image/png;base64,') >= 5


def test_chromium_renders_it_without_console_errors(report, tmp_path):
    page = report.files["html"]
    shown = chromium(tmp_path, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert console_messages(shown.stderr) == []
    dom = shown.stdout
    for caption in [
        "trustbench results",
        "Run facts",
        "Paired differences",
        "visual_planning: accuracy in vs out of distribution",
        "report_quiz: mean by domain",
        "epfl_courses: question score by view",
        "report_plugin: all logged metrics",
    ]:
        assert f"<caption>{caption}</caption>" in dom, caption
    assert dom.count("<table") >= 15
    screenshot = tmp_path / "report.png"
    shot = chromium(tmp_path, page, f"--screenshot={screenshot}", "--window-size=1366,900")
    assert shot.returncode == 0 and screenshot.stat().st_size > 20_000
    shutil.copy(screenshot, report.out_dir / "screenshot.png")


def test_console_capture_and_table_sorting_work_in_chromium(report, tmp_path):
    """The same page with a probe: its console error must be seen (so that the check above
    means something), and a click on the value header must sort the overview ascending."""
    probe = report.out_dir / "probe.html"
    probe.write_text(report.files["html"].read_text().replace("</body>", PROBE + "</body>"))
    shown = chromium(tmp_path, probe, "--enable-logging=stderr", "--v=0", "--dump-dom")
    messages = console_messages(shown.stderr)
    assert len(messages) == 1 and "report-probe" in messages[0]
    title = re.search(r"<title>(.*)</title>", shown.stdout).group(1)
    values = [float(v.removesuffix(" ★")) for v in title.split(",") if v != "-"]
    assert values == sorted(values) and len(values) == 9
    assert title.endswith(",-")
