"""`python -m benchmarks.serve_load`: load the HTTP decision service on loopback and time it.

    python -m benchmarks.serve_load                       # 5000 requests, 16 clients, own server
    python -m benchmarks.serve_load -n 20000 -c 64 --no-log
    python -m benchmarks.serve_load --port 8765           # a `remit serve` already on 127.0.0.1

Starts `remit.serve.run` in a child process on 127.0.0.1 (a free port), sends N
`POST /v1/decide` requests from K concurrent keep-alive clients (the benchmark's realistic
calls, round robin), then stops the server and prints decisions/s and latency percentiles.
Bounded: at most N requests and at most `--max-seconds`; it only ever talks to 127.0.0.1.
Needs the `serve` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .calls import all_calls

HOST = "127.0.0.1"  # loopback only, by design: there is no option to point this elsewhere
HERE = Path(__file__).resolve().parent
BENCH_50 = HERE / "policies" / "bench-50.yaml"


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)
    decisions: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.serve_load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("-n", "--requests", type=int, default=5000, help="requests to send (default 5000)")
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--policy", default=str(BENCH_50), help="policy the spawned server loads")
    parser.add_argument("--no-log", action="store_true", help="spawned server keeps no decision log")
    parser.add_argument("--port", type=int, help="use a server already listening on 127.0.0.1:PORT")
    parser.add_argument("--token", help="bearer token for that server")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop sending after this long")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 1_000_000:
        parser.error("--requests must be between 1 and 1000000")
    if not 1 <= args.concurrency <= 1024:
        parser.error("--concurrency must be between 1 and 1024")
    return args


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(port: int, proc: subprocess.Popen[bytes] | None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}/v1/health"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                return
        time.sleep(0.05)
    raise SystemExit(f"no healthy server on {HOST}:{port} after {timeout:g}s")


def _request(port: int, body: bytes, token: str | None) -> bytes:
    head = (
        f"POST /v1/decide HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    return (head + "\r\n").encode() + body


async def _client(
    port: int,
    bodies: list[bytes],
    token: str | None,
    next_index: list[int],
    total: int,
    deadline: float,
    tally: Tally,
) -> None:
    """One keep-alive connection sending requests until the shared count or the time runs out."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while next_index[0] < total and time.monotonic() < deadline:
            i = next_index[0]
            next_index[0] += 1
            start = time.perf_counter()
            writer.write(_request(port, bodies[i % len(bodies)], token))
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            payload = await reader.readexactly(length)
            tally.latencies.append(time.perf_counter() - start)
            parts = status_line.split()
            status = parts[1].decode() if len(parts) > 1 else "?"
            if status != "200":
                tally.errors[status] += 1
                continue
            tally.decisions[str(json.loads(payload).get("effective"))] += 1
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _load(port: int, n: int, k: int, token: str | None, max_seconds: float) -> tuple[Tally, float]:
    bodies = [
        json.dumps({"tool": c.tool, "args": c.args, "ctx": c.ctx}, separators=(",", ":")).encode()
        for c in all_calls()
    ]
    tally = Tally()
    next_index = [0]
    start = time.perf_counter()
    deadline = time.monotonic() + max_seconds
    results = await asyncio.gather(
        *(_client(port, bodies, token, next_index, n, deadline, tally) for _ in range(min(k, n))),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - start
    for r in results:
        if isinstance(r, BaseException):
            tally.errors[type(r).__name__] += 1
    return tally, elapsed


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def _spawn(policy: str, log: str | None, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from remit.serve import run; "
        "run(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), log=sys.argv[3] or None, "
        "reload_interval=1.0, log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code, policy, str(port), log or ""], env=dict(os.environ))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load and print the results; exit 1 if any request failed."""
    args = parse_args(argv)
    proc: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="remit-serve-load-") as tmp:
        log = None if args.no_log else str(Path(tmp) / "decisions.jsonl")
        try:
            if args.port is None:
                port = _free_port()
                proc = _spawn(args.policy, log, port)
            else:
                port = args.port
            _wait_healthy(port, proc)
            tally, elapsed = asyncio.run(
                _load(port, args.requests, args.concurrency, args.token, args.max_seconds)
            )
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    lat = sorted(tally.latencies)
    done = len(lat)
    result = {
        "requests": done,
        "concurrency": args.concurrency,
        "server": "spawned" if args.port is None else f"{HOST}:{args.port}",
        "log": None if args.port is not None else not args.no_log,
        "seconds": round(elapsed, 3),
        "decisions_per_s": round(sum(tally.decisions.values()) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(_percentile(lat, 0.50) * 1000, 3),
        "p99_ms": round(_percentile(lat, 0.99) * 1000, 3),
        "max_ms": round(lat[-1] * 1000, 3) if lat else None,
        "decisions": dict(tally.decisions),
        "errors": dict(tally.errors),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{done} requests, {args.concurrency} clients, {elapsed:.2f} s "
            f"(server: {result['server']}, decision log: {result['log']})"
        )
        rate, p50, p99 = result["decisions_per_s"], result["p50_ms"], result["p99_ms"]
        print(f"decisions/s {rate:.0f}   p50 {p50:.2f} ms   p99 {p99:.2f} ms")
        print("decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.decisions.items())))
        if tally.errors:
            print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.errors.items())))
    return 1 if tally.errors or done < args.requests else 0


if __name__ == "__main__":
    sys.exit(main())
