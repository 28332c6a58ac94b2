"""The report's HTML page (self-contained, with its charts) and its terminal summary."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from remit.report import Report, build_report, print_report, render_html
from remit.report.synthetic import generate
from tests.conftest import CORPORA

CHARTS = (
    "calls by risk (rows) and autonomy (columns)",
    "turns by duration",
    "turn duration per week",
    "decisions per week",
    "friction per rule",
)
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, seed=11, sessions=120)
    return build_report([folder])


def test_html_is_self_contained_with_charts(report: Report) -> None:
    page = render_html(report)
    assert page.startswith("<!doctype html>")
    for title in CHARTS:
        assert title in page, title
    assert page.count("<svg") >= 7
    assert not re.search(r"<script|<link|<img|\bsrc=|@import|url\(", page)  # nothing to fetch


def test_html_shows_missing_figures_as_missing(tmp_path: Path) -> None:
    generate(tmp_path, seed=2, sessions=9)
    page = render_html(build_report([tmp_path / "decisions.jsonl"]))
    assert "no turn events" in page


def test_terminal_summary(report: Report) -> None:
    console = Console(record=True, width=160)
    print_report(console, report)
    text = console.export_text()
    for heading in ("Headline", "Turn duration", "By experience", "By task complexity", "Rules"):
        assert heading in text
    assert "candidate to allow" in text and "ask-deploy" in text


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="the claude-code corpus is absent")
def test_html_of_real_traces_has_the_charts() -> None:
    page = render_html(build_report([CORPORA / "claude-code"]))
    for title in CHARTS:
        assert title in page, title


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_screenshot_is_not_blank(report: Report, tmp_path: Path) -> None:
    html, png = tmp_path / "report.html", tmp_path / "report.png"
    html.write_text(render_html(report), encoding="utf-8")
    assert CHROMIUM is not None and shutil.which(CHROMIUM)
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={png}",
            "--window-size=1280,2000",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 100_000  # a blank page compresses to a few kilobytes
