"""The report's HTML page (self-contained, with its charts) and its terminal summary."""

from __future__ import annotations

import html
import itertools
import json
import re
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

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


def test_damaged_lines_are_shown(tmp_path: Path) -> None:
    generate(tmp_path, seed=4, sessions=9)
    with (tmp_path / "decisions.jsonl").open("a") as log:
        log.write('{"v": 1, "kind": "decis\n{"v": 1, "kind": "decision", "id": "x"\n')
    report = build_report([tmp_path])
    assert "2 damaged log line(s) skipped" in render_html(report)
    console = Console(record=True, width=200)
    print_report(console, report)
    assert "2 damaged line(s) of" in console.export_text()


def test_trace_problems_are_shown(tmp_path: Path) -> None:
    """Calls of a trace that could not be read are in no figure: the report says so."""
    trace = tmp_path / "t.jsonl"
    call = {"type": "assistant", "sessionId": "s", "timestamp": "2026-01-05T10:00:00Z"}
    call["message"] = {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Read"}]}
    trace.write_text(json.dumps(call) + "\n" + '{"type": "assistant", "sessionId": "s", "messa\n')
    report = build_report([trace])
    assert report.as_dict()["inputs"]["trace_problems"]
    assert "trace problem(s) skipped" in render_html(report)
    console = Console(record=True, width=200)
    print_report(console, report)
    assert "trace problem(s) skipped" in console.export_text()


@pytest.mark.skipif(not (CORPORA / "claude-code").is_dir(), reason="the claude-code corpus is absent")
def test_html_of_real_traces_has_the_charts() -> None:
    page = render_html(build_report([CORPORA / "claude-code"]))
    for title in CHARTS:
        assert title in page, title


# -- the page in a browser ------------------------------------------------------------------------

WINDOW = (1400, 3000)
MEASURE = """(function () {
  const charts = [];
  document.querySelectorAll("svg").forEach((svg) => {
    const box = svg.getBoundingClientRect();
    const scale = svg.viewBox.baseVal.width ? box.width / svg.viewBox.baseVal.width : 1;
    const texts = Array.from(svg.querySelectorAll("text")).map((t) => {
      const r = t.getBoundingClientRect();
      return {x: r.left, y: r.top, w: r.width, h: r.height, text: t.textContent,
              px: parseFloat(t.getAttribute("font-size")) * scale, slanted: t.hasAttribute("transform")};
    });
    charts.push({title: svg.getAttribute("aria-label"), x: box.left, y: box.top, w: box.width,
                 h: box.height, marks: svg.querySelectorAll("rect, polyline, circle").length, texts});
  });
  const out = document.createElement("pre");
  out.id = "remit-layout";
  out.textContent = JSON.stringify(charts);
  document.body.appendChild(out);
})();"""


def browse(chromium: str, page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Chromium, headless, offline and with a fresh profile, on a local page."""
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ]
    return subprocess.run(
        [chromium, *flags, *args, page.as_uri()], capture_output=True, text=True, timeout=180, check=False
    )


def layout(chromium: str, page_html: str, tmp: Path) -> list[dict[str, Any]]:
    """Where the browser laid out each chart and each of its texts (page pixels)."""
    page = tmp / "measured.html"
    page.write_text(page_html.replace("</body>", f"<script>{MEASURE}</script></body>"), encoding="utf-8")
    dom = browse(chromium, page, tmp, "--dump-dom").stdout
    found = re.search(r'<pre id="remit-layout">(.*?)</pre>', dom, re.S)
    assert found, "the browser did not lay out the page"
    charts: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return charts


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB rows of an 8-bit RGB or RGBA PNG (zlib and the five filters)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], b""
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            header = data[pos + 8 : pos + 8 + size]
        elif kind == b"IDAT":
            idat.append(data[pos + 8 : pos + 8 + size])
        pos += size + 12
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), "an 8-bit RGB or RGBA image"
    bpp = 3 if color == 2 else 4
    raw, stride, prev, rows = zlib.decompress(b"".join(idat)), width * bpp, bytearray(width * bpp), []
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), prev, bpp)
        rows.append(bytes(row) if bpp == 3 else bytes(v for i, v in enumerate(row) if i % 4 != 3))
        prev = row
    return width, height, rows


def _unfilter(kind: int, row: bytearray, prev: bytearray, bpp: int) -> bytearray:
    if kind == 1:
        for i in range(bpp, len(row)):
            row[i] = (row[i] + row[i - bpp]) & 255
    elif kind == 2:
        row = bytearray((a + b) & 255 for a, b in zip(row, prev, strict=True))
    elif kind == 3:
        for i in range(len(row)):
            row[i] = (row[i] + ((row[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
    elif kind == 4:
        for i in range(len(row)):
            a, b, c = (row[i - bpp], prev[i], prev[i - bpp]) if i >= bpp else (0, prev[i], 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    return row


def test_the_charts_survive_layout_readable(report: Report, chromium: str, tmp_path: Path) -> None:
    """Every chart is laid out full size; its texts are big enough, inside it, and apart."""
    page = render_html(report)
    charts = layout(chromium, page, tmp_path)
    assert [c["title"] for c in charts] == re.findall(r"<svg [^>]*aria-label='([^']*)'", page)
    for chart in charts:
        name = chart["title"]
        assert chart["w"] >= 400 and chart["h"] >= 150 and chart["marks"] >= 4, name
        texts = [t for t in chart["texts"] if t["w"] > 0]
        assert len(texts) >= 5, name
        for t in texts:
            assert t["px"] >= 10, f"{name}: `{t['text']}` is drawn at {t['px']:.1f}px"
            inside = chart["x"] - 1 <= t["x"] and t["x"] + t["w"] <= chart["x"] + chart["w"] + 1
            assert inside and chart["y"] - 1 <= t["y"] <= t["y"] + t["h"] <= chart["y"] + chart["h"] + 1, (
                f"{name}: `{t['text']}` is cut by the chart's edge"
            )
        level = [t for t in texts if not t["slanted"]]
        for a, b in itertools.combinations(level, 2):
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            assert dx <= 1 or dy <= 1, f"{name}: `{a['text']}` overlaps `{b['text']}`"


def test_the_screenshot_shows_the_charts(report: Report, chromium: str, tmp_path: Path) -> None:
    """The screenshot has the window's size, and each chart on it is drawn: colour where it is."""
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    png = tmp_path / "report.png"
    browse(chromium, page, tmp_path, f"--screenshot={png}")
    width, height, rows = png_pixels(png.read_bytes())
    assert (width, height) == WINDOW
    background = {bytes((246, 248, 250)), bytes((255, 255, 255))}
    shown = [c for c in layout(chromium, render_html(report), tmp_path) if c["y"] + c["h"] <= height]
    assert len(shown) >= 6  # the window holds most of the page
    for chart in shown:
        x0, y0 = int(chart["x"]), int(chart["y"])
        pixels = [
            row[3 * x : 3 * x + 3]
            for row in rows[y0 : y0 + int(chart["h"])]
            for x in range(x0, x0 + int(chart["w"]), 2)
        ]
        inked = sum(p not in background for p in pixels)
        assert inked / len(pixels) > 0.03, f"{chart['title']} is blank on the screenshot"
        assert len(set(pixels)) >= 8, f"{chart['title']} has hardly any colour"
