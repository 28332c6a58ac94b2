"""`remit mcp-proxy`: a real MCP client (the official SDK), the proxy, and a real MCP server.

The SDK's client talks to the proxy, which runs `tests/data/mcp/server.py` (written with the
SDK's server) and gates its tool calls with `tests/data/mcp/policy.yaml`. The tests check what
the client gets, which calls reached the server (the server notes each call it runs), and
what the decision log holds. A raw JSON-RPC client covers what the SDK never sends.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner

import remit
from remit.cli import main
from remit.integrations.mcp_protocol import read_lines, server_name, trusted_hints
from remit.verify import verify_logs
from tests.conftest import DATA

mcp = pytest.importorskip("mcp")
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp import types as mt  # noqa: E402

SERVER = DATA / "mcp" / "server.py"
POLICY = DATA / "mcp" / "policy.yaml"
IMPORT_ROOT = str(Path(remit.__file__).resolve().parent.parent)
WAIT = 60.0
"""Seconds a test waits for a message before it fails (a bound on hangs, not a timing test)."""


def environment(calls: Path) -> dict[str, str]:
    """What the proxy and the server need: remit importable, and where the server notes calls."""
    paths = [IMPORT_ROOT, os.environ.get("PYTHONPATH", "")]
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
        "MCP_TEST_CALLS": str(calls),
    }


def proxy_args(log: Path, policy: Path = POLICY, *options: str) -> list[str]:
    return [
        "-m", "remit.cli", "mcp-proxy", "--policy", str(policy), "--log", str(log), "--name", "files",
        *options, "--", sys.executable, str(SERVER),
    ]  # fmt: skip


def ran(calls: Path) -> list[str]:
    """The tools the server ran, in order."""
    return calls.read_text().split() if calls.exists() else []


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def story(log: Path) -> list[tuple[str, ...]]:
    """The log as (tool, decision) and (outcome, by) rows, outcomes after their decision (other
    records, such as a policy reload, are left out)."""
    rows: list[tuple[str, ...]] = []
    for r in records(log):
        if r["kind"] == "decision":
            rows.append((r["tool"].removeprefix("mcp__files__"), r["decision"]))
        elif r["kind"] == "outcome":
            rows.append((r["outcome"], r["by"]))
    return rows


def text(result: mt.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, mt.TextContent)
    return block.text


class Human:
    """Answers elicitations from a script, and keeps what it was asked."""

    def __init__(self, *answers: mt.ElicitResult) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, context: Any, params: Any) -> mt.ElicitResult:
        self.asked.append(params.message)
        return self.answers.pop(0)


APPROVE = mt.ElicitResult(action="accept", content={"approve": True})
DECLINE = mt.ElicitResult(action="decline")
CANCEL = mt.ElicitResult(action="cancel")
SAY_NO = mt.ElicitResult(action="accept", content={"approve": False})


def session(
    tmp_path: Path, mode: str, human: Human | None, scenario: Any, policy: Path = POLICY
) -> tuple[Path, Path]:
    """Run `scenario(client)` through the proxy; returns the decision log and the calls file."""
    log, calls = tmp_path / f"{mode}.jsonl", tmp_path / f"{mode}.calls"
    params = StdioServerParameters(
        command=sys.executable, args=proxy_args(log, policy), env=environment(calls), cwd=str(tmp_path)
    )

    async def run() -> None:
        async with Client(params, mode=mode, elicitation_callback=human, read_timeout_seconds=WAIT) as c:
            await scenario(c)

    anyio.run(run)
    return log, calls


# -- the SDK client, the proxy, the SDK server ------------------------------------------------


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_a_real_client_and_server_through_the_proxy(tmp_path: Path, mode: str) -> None:
    """Handshake era (`legacy`: initialize, elicitation requests) and per-request era (`auto`
    negotiates 2026-07-28: `_meta` capabilities, `input_required` results)."""
    human = Human(APPROVE, DECLINE, SAY_NO, CANCEL)
    seen: dict[str, Any] = {}

    async def scenario(c: Client) -> None:
        seen["version"] = c.protocol_version
        listed = await c.list_tools()
        seen["annotations"] = {t.name: t.annotations for t in listed.tools}
        seen["echo"] = await c.call_tool("echo", {"text": "hi"})
        seen["secret"] = await c.call_tool("read_file", {"path": ".env"})
        seen["approved"] = await c.call_tool("delete_file", {"path": "notes.txt"})
        seen["refusals"] = [await c.call_tool("delete_file", {"path": "notes.txt"}) for _ in range(3)]

    log, calls = session(tmp_path, mode, human, scenario)

    assert seen["version"] == {"legacy": "2025-11-25", "auto": "2026-07-28"}[mode]
    # tools/list passes through, annotations included
    annotations = seen["annotations"]
    assert annotations["read_file"].read_only_hint is True
    assert annotations["delete_file"].destructive_hint is True
    # allowed: the server's result comes back as it was
    assert not seen["echo"].is_error and text(seen["echo"]) == "hi"
    assert seen["echo"].structured_content == {"result": "hi"}
    # blocked: a tool error the model can read, naming the rule and the reason
    assert seen["secret"].is_error
    assert "no-secret-reads" in text(seen["secret"]) and ".env" in text(seen["secret"])
    # asked: approved runs, declined / said no / dismissed do not
    assert not seen["approved"].is_error and text(seen["approved"]) == "deleted notes.txt"
    assert all(r.is_error for r in seen["refusals"])
    said = ["a human declined it", "a human did not approve it", "a human dismissed the request"]
    assert all(note in text(r) for note, r in zip(said, seen["refusals"], strict=True))
    assert "mcp__files__delete_file" in text(seen["refusals"][0])
    assert len(human.asked) == 4
    assert "mcp__files__delete_file" in human.asked[0] and '"path": "notes.txt"' in human.asked[0]
    assert "irreversible" in human.asked[0] and "mcp-gateway-test" in human.asked[0]

    assert ran(calls) == ["echo", "delete_file"]
    assert story(log) == [
        ("echo", "allow"),
        ("executed", "system"),
        ("read_file", "block"),
        ("delete_file", "ask"),
        ("approved", "human"),
        ("executed", "system"),
        ("delete_file", "ask"),
        ("denied", "human"),
        ("delete_file", "ask"),
        ("denied", "human"),
        ("delete_file", "ask"),
        ("denied", "human"),
    ]
    decisions = [r for r in records(log) if r["kind"] == "decision"]
    assert len({r["session"] for r in decisions}) == 1 and decisions[0]["session"].startswith("mcp-files-")
    assert decisions[0]["ctx"]["labels"]["mcp_server"] == "files"
    assert decisions[0]["ctx"]["cwd"] == str(tmp_path)
    assert verify_logs([log]).ok


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_the_server_own_elicitation_passes_through(tmp_path: Path, mode: str) -> None:
    """`rename_file` is allowed; the server then asks the user for the new name: in the
    handshake era with its own `elicitation/create` request, in the per-request era with an
    `input_required` result whose retry the proxy lets through without deciding again."""
    human = Human(mt.ElicitResult(action="accept", content={"new_name": "b.txt"}))

    async def scenario(c: Client) -> None:
        assert c.protocol_version == {"legacy": "2025-11-25", "auto": "2026-07-28"}[mode]
        result = await c.call_tool("rename_file", {"path": "a.txt"})
        assert not result.is_error and text(result) == "renamed a.txt to b.txt"

    log, calls = session(tmp_path, mode, human, scenario)
    assert human.asked == ["New name for a.txt?"]
    assert ran(calls) == ["rename_file"]
    assert story(log) == [("rename_file", "allow"), ("executed", "system")]


def test_a_client_without_elicitation_gets_the_policy_non_interactive_choice(tmp_path: Path) -> None:
    async def scenario(c: Client) -> None:
        result = await c.call_tool("delete_file", {"path": "notes.txt"})
        assert (
            result.is_error
            and "no elicitation" in text(result)
            and "non_interactive is block" in text(result)
        )

    log, calls = session(tmp_path, "legacy", None, scenario)
    assert ran(calls) == []
    assert story(log) == [("delete_file", "ask"), ("denied", "system")]

    lenient = tmp_path / "lenient.yaml"
    lenient.write_text(POLICY.read_text().replace("non_interactive: block", "non_interactive: allow"))

    async def lenient_scenario(c: Client) -> None:
        result = await c.call_tool("delete_file", {"path": "notes.txt"})
        assert not result.is_error and text(result) == "deleted notes.txt"

    (tmp_path / "lenient").mkdir()
    log, calls = session(tmp_path / "lenient", "auto", None, lenient_scenario, lenient)
    assert ran(calls) == ["delete_file"]
    assert story(log) == [("delete_file", "ask"), ("approved", "system"), ("executed", "system")]


def test_the_server_annotations_feed_the_rating(tmp_path: Path) -> None:
    """`list_snapshots` reads by its name but is annotated destructive: it asks. `inspect` says
    nothing by its name and is annotated read-only: it flows. `wipe_disk` is annotated
    read-only but named like a delete: the safer hint does not count, and it asks."""
    results: dict[str, mt.CallToolResult] = {}

    async def scenario(c: Client) -> None:
        await c.list_tools()
        for tool, args in (("list_snapshots", {}), ("inspect", {"target": "db"}), ("wipe_disk", {})):
            results[tool] = await c.call_tool(tool, args)

    log, calls = session(tmp_path, "legacy", None, scenario)
    assert ran(calls) == ["inspect"]
    assert results["list_snapshots"].is_error and results["wipe_disk"].is_error
    decided = {r["tool"]: r for r in records(log) if r["kind"] == "decision"}
    snapshots, inspect, wipe = (
        decided[f"mcp__files__{t}"] for t in ("list_snapshots", "inspect", "wipe_disk")
    )
    assert snapshots["decision"] == "ask" and snapshots["ctx"]["annotations"] == {"destructiveHint": True}
    assert snapshots["ratings"]["reversibility"] == "irreversible"
    assert inspect["decision"] == "allow" and inspect["ctx"]["annotations"] == {"readOnlyHint": True}
    assert wipe["decision"] == "ask" and "annotations" not in wipe["ctx"]


HINTED = """
remit: 1
name: hinted
unknown: {risk: name.risk, reversibility: name.reversibility}
tools:
  mcp__s__declared: {annotations: {destructiveHint: true}}
routes:
  - ask: risk >= 5 || reversibility == "irreversible"
  - allow: "true"
"""


def test_annotations_in_the_context_feed_the_name_analyzer() -> None:
    guard = remit.Guard.from_text(HINTED)
    read_only = {"annotations": {"readOnlyHint": True}}
    assert guard.check("mcp__s__frob", {}).decision.value == "ask"
    assert guard.check("mcp__s__frob", {}, read_only).decision.value == "allow"
    assert guard.check("mcp__s__frob", {}, {"annotations": "odd"}).decision.value == "ask"
    # a tool the policy declares with annotations keeps the policy's
    assert guard.check("mcp__s__declared", {}, read_only).decision.value == "ask"


def test_trusted_hints() -> None:
    # riskier hints always count; safer ones only where the name reads or says nothing
    assert trusted_hints("mcp__s__list_items", {"destructiveHint": True}) == {"destructiveHint": True}
    assert trusted_hints("mcp__s__frob", {"readOnlyHint": True, "title": "x"}) == {"readOnlyHint": True}
    assert trusted_hints("mcp__s__delete_all", {"readOnlyHint": True, "openWorldHint": True}) == {
        "openWorldHint": True
    }
    assert trusted_hints("mcp__s__send_email", {"destructiveHint": False, "idempotentHint": True}) == {}
    assert trusted_hints("mcp__s__get_page", {"readOnlyHint": "yes", "destructiveHint": 1}) == {}


def test_server_names() -> None:
    assert (
        server_name(["npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"]) == "server-filesystem"
    )
    assert server_name(["uvx", "mcp-server-fetch@latest"]) == "mcp-server-fetch"
    assert server_name(["/usr/bin/python3.11", "-m", "my_server", "--port", "1"]) == "my_server"
    assert server_name(["env", "TOKEN=x", "node", "build/github.js"]) == "github"
    assert server_name(["uv", "run", "server.py"]) == "server"
    assert server_name(["anything"], "my server__v2") == "my_server_v2"
    assert server_name(["python"]) == "server"


# -- a raw JSON-RPC client, for what the SDK never sends ---------------------------------------


class Raw:
    """The proxy as a process, spoken to line by line."""

    def __init__(
        self, tmp_path: Path, *options: str, policy: Path = POLICY, command: list[str] | None = None
    ):
        self.log, self.calls, self.err = tmp_path / "raw.jsonl", tmp_path / "raw.calls", tmp_path / "raw.err"
        args = proxy_args(self.log, policy, *options)
        if command is not None:
            args = [*args[: args.index("--") + 1], *command]
        with self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=environment(self.calls),
                cwd=tmp_path,
            )
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.inbox.put(json.loads(line))
        self.inbox.put(None)

    def send(self, message: Any) -> None:
        assert self.proc.stdin is not None
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        message = self.inbox.get(timeout=WAIT)
        assert message is not None, "the proxy closed its stdout"
        return message

    def initialize(self, elicitation: bool = False, version: str = "2025-06-18") -> None:
        capabilities = {"elicitation": {}} if elicitation else {}
        info = {"name": "raw", "version": "1"}
        self.send(
            {"jsonrpc": "2.0", "id": 0, "method": "initialize",
             "params": {"protocolVersion": version, "capabilities": capabilities, "clientInfo": info}}
        )  # fmt: skip
        assert self.read()["id"] == 0
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def call(self, rid: Any, tool: str, **args: Any) -> dict[str, Any]:
        return {
            "jsonrpc": "2.0",
            "id": rid,
            "method": "tools/call",
            "params": {"name": tool, "arguments": args},
        }

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(WAIT)

    def stderr(self) -> str:
        return self.err.read_text()

    def end(self) -> None:
        """Kill the proxy if it still runs, and close the pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(WAIT)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    """Start proxies (`start(*options, policy=..., command=...)`); they end with the test."""
    started: list[Raw] = []

    def make(*options: str, **kw: Any) -> Raw:
        started.append(Raw(tmp_path, *options, **kw))
        return started[-1]

    yield make
    for client in started:
        client.end()


@pytest.fixture
def raw(start: Any) -> Raw:
    client: Raw = start()
    return client


def test_malformed_client_lines_get_errors_and_never_reach_the_server(raw: Raw) -> None:
    raw.initialize()
    smuggled = b'{"jsonrpc":"2.0","id":7,"method":"tools/list","method":"tools/call",'
    smuggled += b'"params":{"name":"delete_file","arguments":{"path":"x"}}}'
    for line in (
        b"{not json",
        smuggled,
        b'{"jsonrpc":"2.0","id":8,"method":"ping","params":{"n":NaN}}',
        b"\xff{}",
        # beyond a double: infinity to JavaScript, an error to Go, and no JSON to re-encode
        b'{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a","n":1e400}}}',
        b'{"jsonrpc":"2.0","id":12,"method":"ping","params":{"n":-1e400}}',
        b'{"jsonrpc":"2.0","id":13,"method":"ping","params":{"n":1' + b"0" * 400 + b"}}",
    ):
        raw.send(line)
        answer = raw.read()
        assert answer["id"] is None and answer["error"]["code"] == -32700
    raw.send(b"[]")
    assert raw.read()["error"]["code"] == -32600
    raw.send({"jsonrpc": "2.0", "id": 9})
    error = {"code": -32600, "message": "not a request, a notification or a response"}
    assert raw.read() == {"jsonrpc": "2.0", "id": 9, "error": error}
    raw.send(raw.call(10, "echo", text="still here"))
    assert raw.read()["result"]["content"][0]["text"] == "still here"
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo"]
    assert "not strict JSON" in raw.stderr() and "duplicate key `method`" in raw.stderr()
    assert "number `1e400` is out of range" in raw.stderr()
    assert story(raw.log) == [("echo", "allow"), ("executed", "system")]


CASE_SMUGGLED = [
    # Go's encoding/json (mcp-go) reads keys ignoring case, `ſ` as `s`, and the last one wins
    '{"jsonrpc":"2.0","id":1,"method":"tools/list","Method":"tools/call",'
    '"params":{"name":"delete_file","arguments":{"path":"x"}}}',
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","Name":"delete_file",'
    '"arguments":{"text":"x","path":"x"}}}',
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_file",'
    '"arguments":{"path":"a"},"Arguments":{"path":".env"}}}',
    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"read_file",'
    '"arguments":{"path":"a"},"argument\\u017f":{"path":".env"}}}',
    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}},'
    '"PARAMS":{"name":"delete_file","arguments":{"path":"x"}}}',
    # an SDK that binds a tool's arguments to a struct reads them the same way
    '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"read_file",'
    '"arguments":{"path":"a","PATH":".env"}}}',
]
LOOKALIKES = [
    # one key, which remit does not read and a lenient server reads as the member it names
    ('{"jsonrpc":"2.0","id":7,"Method":"tools/call","params":{"name":"delete_file","arguments":{}}}', 7),
    ('{"jsonrpc":"2.0","id":8,"result":{},"Method":"tools/call","Params":{"name":"delete_file"}}', None),
    ('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"Name":"delete_file","arguments":{}}}', 9),
    ('{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","ARGUMENTS":{"text":"x"}}}', 10),
    ('{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"},'
     '"_META":{}}}', 11),
    # a method a lenient server could take for one remit decides
    ('{"jsonrpc":"2.0","id":12,"method":"Tools/Call","params":{"name":"delete_file","arguments":{}}}', 12),
    ('{"jsonrpc":"2.0","id":13,"method":"tools/call ","params":{"name":"delete_file","arguments":{}}}', 13),
    ('{"jsonrpc":"2.0","id":14,"method":"tools\\uff0fcall","params":{"name":"delete_file"}}', 14),
]  # fmt: skip


def test_keys_and_methods_a_lenient_server_reads_otherwise_never_reach_it(raw: Raw) -> None:
    """Keys of one object that are one key once case is folded are a parse error; a key or a
    method that folds to one remit reads, without being it, is an invalid request. Either
    way nothing is decided, nothing reaches the server, and the relay goes on."""
    raw.initialize()
    for line in CASE_SMUGGLED:
        raw.send(line.encode())
        answer = raw.read()
        assert answer["id"] is None and answer["error"]["code"] == -32700, (line, answer)
    for line, rid in LOOKALIKES:
        raw.send(line.encode())
        answer = raw.read()
        assert answer["id"] == rid and answer["error"]["code"] == -32600, (line, answer)
    raw.send(raw.call(20, "echo", text="still here"))
    assert raw.read()["result"]["content"][0]["text"] == "still here"
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo"]
    assert story(raw.log) == [("echo", "allow"), ("executed", "system")]
    err = raw.stderr()
    assert "keys `arguments` and `argument\\u017f` are one key" in err
    assert "key `Method` is not `method`" in err and "param `Name` is not `name`" in err
    assert "method `Tools/Call`" in err


def test_an_approved_retry_cannot_carry_other_arguments_under_another_case(raw: Raw) -> None:
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}},
    }
    params = {"name": "delete_file", "arguments": {"path": "notes.txt"}, "_meta": meta}
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
    first = raw.read()["result"]
    yes = {"remit-approval": {"action": "accept", "content": {"approve": True}}}
    retry = {**params, "inputResponses": yes, "requestState": first["requestState"]}
    without = {k: v for k, v in retry.items() if k != "arguments"}
    other = {"path": "/home"}
    for smuggled, code in (
        ({**retry, "Arguments": other}, -32700),
        ({**without, "Arguments": other}, -32600),
    ):
        raw.send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": smuggled})
        assert raw.read()["error"]["code"] == code
    raw.send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": retry})
    answer = raw.read()
    assert answer["id"] == 3 and answer["result"]["content"][0]["text"] == "deleted notes.txt"
    assert raw.close() == 0
    assert ran(raw.calls) == ["delete_file"]


def test_a_call_hidden_behind_a_bare_carriage_return_never_reaches_the_server(raw: Raw) -> None:
    """JSON reads a bare CR as whitespace; the SDK's stdio server splits lines on it. The
    proxy sends what it decided on, encoded again, never the client's own bytes."""
    raw.initialize()
    hidden = b'{"jsonrpc":"2.0","id":2,"method":"tools/call",'
    hidden += b'"params":{"name":"delete_file","arguments":{"path":"x"}}}'
    raw.send(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":\r' + hidden + b"\r}}")
    assert raw.read()["id"] == 1  # the ping's answer, and nothing for id 2
    raw.send(raw.call(3, "echo", text="after"))
    assert raw.read()["result"]["content"][0]["text"] == "after"
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo"]


def test_a_batch_a_call_without_id_and_the_relay_going_on(raw: Raw) -> None:
    raw.initialize()
    raw.send({"jsonrpc": "2.0", "method": "tools/call", "params": {"name": "delete_file", "arguments": {}}})
    raw.send(
        [raw.call(1, "echo", text="a"), raw.call(2, "read_file", path=".env"), raw.call(3, "echo", text="b")]
    )
    answers = {m["id"]: m for m in (raw.read(), raw.read(), raw.read())}
    assert answers[1]["result"]["content"][0]["text"] == "a"
    assert answers[2]["result"]["isError"] is True
    assert answers[3]["result"]["content"][0]["text"] == "b"
    odd = [
        {"name": "echo", "arguments": ["a"]},  # arguments that are not an object
        {"arguments": {"text": "a"}},  # no tool name
        {"name": "echo", "arguments": {"text": "a" * 1_000_001}},  # too much to decide on
    ]
    for n, params in enumerate(odd, 4):
        raw.send({"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": params})
        answer = raw.read()
        assert answer["id"] == n and answer["result"]["isError"] is True, answer
    raw.send({"jsonrpc": "2.0", "id": [1], "method": "tools/call", "params": {"name": "echo"}})
    assert raw.read()["error"]["code"] == -32600
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo", "echo"]
    assert "without an id" in raw.stderr()
    assert [d for _, d in story(raw.log)[-3:]] == ["block", "block", "block"]


def test_an_unanswered_ask_times_out_and_a_cancelled_one_stops(start: Any) -> None:
    raw = start("--ask-timeout", "0.5")
    raw.initialize(elicitation=True)
    raw.send(raw.call(1, "delete_file", path="notes.txt"))
    ask = raw.read()
    assert ask["method"] == "elicitation/create" and ask["id"].startswith("remit-ask-")
    assert ask["params"]["requestedSchema"]["properties"]["approve"]["type"] == "boolean"
    assert "mode" not in ask["params"]  # a 2025-06-18 client declared `elicitation: {}`
    first, second = raw.read(), raw.read()
    assert first == {
        "jsonrpc": "2.0",
        "method": "notifications/cancelled",
        "params": {"requestId": ask["id"], "reason": "no one answered within 0.5s"},
    }
    assert second["id"] == 1 and second["result"]["isError"] is True
    raw.send(
        {"jsonrpc": "2.0", "id": ask["id"], "result": {"action": "accept", "content": {"approve": True}}}
    )

    raw.send(raw.call(2, "delete_file", path="other.txt"))
    ask = raw.read()
    raw.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2}})
    cancelled = raw.read()
    assert cancelled["method"] == "notifications/cancelled" and cancelled["params"]["requestId"] == ask["id"]
    raw.send(raw.call(3, "echo", text="still here"))
    assert raw.read()["id"] == 3  # no answer for the cancelled call came first
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo"]
    outcomes = [(r["outcome"], r["by"]) for r in records(raw.log) if r["kind"] == "outcome"]
    assert outcomes == [("timeout", "system"), ("interrupted", "agent"), ("executed", "system")]


def test_calls_waiting_for_a_human_are_bounded(raw: Raw) -> None:
    raw.initialize(elicitation=True)
    for n in range(33):
        raw.send(raw.call(n + 1, "delete_file", path=f"f{n}"))
    messages = [raw.read() for _ in range(33)]
    asks = [m for m in messages if m.get("method") == "elicitation/create"]
    (refused,) = [m for m in messages if "result" in m]
    assert len(asks) == 32 and refused["id"] == 33 and refused["result"]["isError"] is True
    assert "32 calls are already waiting for a human" in refused["result"]["content"][0]["text"]
    assert raw.close() == 0  # the client leaves with 32 questions open
    outcomes = [(r["outcome"], r["detail"]) for r in records(raw.log) if r["kind"] == "outcome"]
    assert outcomes.count(("interrupted", "the client went away")) == 32
    assert ran(raw.calls) == []


def test_a_retry_must_carry_the_call_that_was_put_to_the_human(raw: Raw) -> None:
    meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}},
    }

    def call(rid: int, path: str, **extra: Any) -> dict[str, Any]:
        params = {"name": "delete_file", "arguments": {"path": path}, "_meta": meta, **extra}
        return {"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": params}

    raw.send({"jsonrpc": "2.0", "id": 0, "method": "server/discover", "params": {"_meta": meta}})
    assert raw.read()["result"]["supportedVersions"]
    raw.send(call(1, "notes.txt"))
    first = raw.read()["result"]
    assert first["resultType"] == "input_required"
    (key,) = first["inputRequests"]
    assert first["inputRequests"][key]["method"] == "elicitation/create"
    yes = {key: {"action": "accept", "content": {"approve": True}}}
    raw.send(call(2, "/etc/passwd", inputResponses=yes, requestState=first["requestState"]))
    swapped = raw.read()
    assert swapped["id"] == 2 and swapped["result"]["isError"] is True
    assert "not the one put to the human" in swapped["result"]["content"][0]["text"]
    raw.send(call(3, "notes.txt", inputResponses=yes, requestState=first["requestState"]))
    stale = raw.read()
    assert stale["result"]["isError"] is True and "no longer pending" in stale["result"]["content"][0]["text"]
    raw.send(call(4, "notes.txt", inputResponses=yes, requestState="remit:forged"))
    assert raw.read()["result"]["isError"] is True
    assert raw.close() == 0
    assert ran(raw.calls) == []


NOISY_SERVER = """
import json, sys
print("stray debug output", flush=True)  # where the protocol goes, as careless servers do
for line in sys.stdin:
    message = json.loads(line)
    if "id" in message:
        print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": {}}), flush=True)
"""


def test_a_stray_line_from_the_server_is_dropped(start: Any) -> None:
    raw = start(command=[sys.executable, "-c", NOISY_SERVER])
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert raw.read() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert raw.close() == 0
    assert "not JSON: stray debug output" in raw.stderr()


def test_the_server_crashing_ends_the_proxy_with_its_code(raw: Raw) -> None:
    raw.initialize()
    raw.send(raw.call(1, "crash"))
    assert raw.inbox.get(timeout=WAIT) is None
    assert raw.proc.wait(WAIT) == 3
    assert "exited with code 3" in raw.stderr()
    assert story(raw.log) == [("crash", "allow"), ("interrupted", "system")]
    (outcome,) = [r for r in records(raw.log) if r["kind"] == "outcome"]
    assert outcome["detail"] == "the MCP server exited with code 3"


HOLDING_SERVER = """
import json, os, sys
held = []
for line in sys.stdin:
    message = json.loads(line)
    method, params = message.get("method"), message.get("params") or {}
    if method == "test/release":  # a notification: the calls held so far get their results
        for result in held:
            print(json.dumps(result), flush=True)
        held.clear()
    elif method == "tools/call":
        with open(os.environ["MCP_TEST_CALLS"], "a") as f:
            f.write(params["name"] + "\\n")
        failed = bool((params.get("arguments") or {}).get("fail"))
        result = {"content": [{"type": "text", "text": "ran"}], "isError": failed}
        held.append({"jsonrpc": "2.0", "id": message["id"], "result": result})
    elif method is not None and "id" in message:
        print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": {}}), flush=True)
"""
"""Answers each request at once, except calls: it runs them and holds their results until the
client sends `test/release`; cancellations it ignores, as a server may."""


def test_each_result_is_matched_to_the_call_it_answers(start: Any) -> None:
    raw = start(command=[sys.executable, "-c", HOLDING_SERVER])
    raw.initialize(elicitation=True)
    release = {"jsonrpc": "2.0", "method": "test/release"}

    def cancel(rid: int) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": rid}}

    # an id in use by a call in flight is refused: the ping's answer would pass for the call's
    raw.send(raw.call(1, "echo", fail=True))
    for reuse in ({"jsonrpc": "2.0", "id": 1, "method": "ping"}, raw.call(1, "echo")):
        raw.send(reuse)
        assert raw.read() == {
            "jsonrpc": "2.0",
            "id": 1,
            "error": {"code": -32600, "message": "request id `1` is in use by a request in flight"},
        }
    raw.send(release)
    assert raw.read()["result"]["isError"] is True
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "ping"})  # answered: the id is free again
    assert raw.read() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    # a call the client cancelled but whose result comes all the same ran
    raw.send(raw.call(2, "echo"))
    raw.send(cancel(2))
    raw.send(release)
    assert raw.read()["id"] == 2
    # a cancelled id is free: reused before a result came, the call is interrupted
    raw.send(raw.call(3, "echo"))
    raw.send(cancel(3))
    raw.send({"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert raw.read() == {"jsonrpc": "2.0", "id": 3, "result": {}}
    # a call waiting for a human holds its id too
    raw.send(raw.call(4, "delete_file", path="x"))
    assert raw.read()["method"] == "elicitation/create"
    raw.send(raw.call(4, "echo"))
    assert raw.read()["error"]["message"] == "request id `4` is in use by a request in flight"
    raw.send(cancel(4))
    assert raw.read()["method"] == "notifications/cancelled"
    # the server gone, the call it did not answer is interrupted
    raw.send(raw.call(5, "echo"))
    assert raw.close() == 0
    assert ran(raw.calls) == ["echo", "echo", "echo", "echo"]
    outcomes = [(r["outcome"], r["by"], r["detail"]) for r in records(raw.log) if r["kind"] == "outcome"]
    assert outcomes == [
        ("failed", "system", "the tool reported an error"),
        ("executed", "system", ""),
        ("interrupted", "agent", "the client cancelled the call"),
        ("interrupted", "agent", "the client cancelled the call"),
        ("interrupted", "system", "the client went away"),
    ]
    assert verify_logs([raw.log]).ok


DEAF_SERVER = """
import os, signal, sys, time
if sys.argv[2:] == ["stubborn"]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it
with open(sys.argv[1] + ".new", "w") as f:
    f.write(str(os.getpid()))
os.replace(sys.argv[1] + ".new", sys.argv[1])
time.sleep(600)  # reads nothing: a line longer than the pipe holds blocks its writer
"""


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("how", ["sigterm", "sigterm-twice", "client-closes"])
def test_a_server_that_does_not_read_is_stopped_without_waiting_on_a_write(
    start: Any, tmp_path: Path, how: str
) -> None:
    """A message to a server that does not read blocks its writer, which holds the channel;
    the shutdown that SIGTERM or the client's leaving starts must not wait for that write,
    and must not leave the server behind, even when a second SIGTERM comes during it."""
    pid_file = tmp_path / "server.pid"
    stubborn = ["stubborn"] if how == "sigterm-twice" else []
    raw = start(command=[sys.executable, "-c", DEAF_SERVER, str(pid_file), *stubborn])
    big = "x" * 300_000
    if how.startswith("sigterm"):  # the client's own thread blocks, writing a ping
        raw.send({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": big}})
    else:  # an approved call blocks the thread of its ask, and the client leaves
        capabilities = {"capabilities": {"elicitation": {}}}
        raw.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": capabilities})
        raw.send(raw.call(1, "delete_file", path=big))
        ask = raw.read()
        approve = {"action": "accept", "content": {"approve": True}}
        raw.send({"jsonrpc": "2.0", "id": ask["id"], "result": approve})
    deadline = time.monotonic() + WAIT
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    time.sleep(0.5)  # the write has begun, and blocks
    try:
        if how.startswith("sigterm"):
            raw.proc.send_signal(signal.SIGTERM)
            if stubborn:  # the proxy is waiting for the server, which ignores SIGTERM
                time.sleep(2)
                raw.proc.send_signal(signal.SIGTERM)
            assert raw.proc.wait(WAIT) == 128 + signal.SIGTERM
        else:
            assert raw.close() == 128 + signal.SIGTERM  # the server's code: it was terminated
            assert story(raw.log)[-1] == ("interrupted", "system")
        assert gone(pid)
    finally:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)


ORPHANING_SERVER = """
import json, subprocess, sys
message = json.loads(sys.stdin.readline())
print(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": {}}), flush=True)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(sys.argv[1], "w") as f:
    f.write(str(child.pid))
print(json.dumps({"jsonrpc": "2.0", "method": "notifications/message", "params": {}}), flush=True)
sys.exit(3)
"""
"""Answers one request, starts a child that inherits its stdout and outlives it, and exits."""


def test_a_server_that_exits_ends_the_proxy_though_its_children_hold_its_stdout(
    start: Any, tmp_path: Path
) -> None:
    """The end of the server's stdout never comes while a child of the server holds it: the
    proxy stops reading once the server has exited and what it wrote before is relayed."""
    pid_file = tmp_path / "child.pid"
    raw = start(command=[sys.executable, "-c", ORPHANING_SERVER, str(pid_file)])
    try:
        raw.send({"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert raw.read() == {"jsonrpc": "2.0", "id": 1, "result": {}}
        assert raw.read()["method"] == "notifications/message"  # written just before it exited
        assert raw.proc.wait(WAIT) == 3
        assert "exited with code 3" in raw.stderr()
    finally:
        deadline = time.monotonic() + WAIT
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_file.exists() and pid_file.read_text() and not gone(pid := int(pid_file.read_text())):
            os.kill(pid, signal.SIGKILL)


def test_a_server_that_cannot_start(start: Any, tmp_path: Path) -> None:
    raw = start(command=[str(tmp_path / "no-such-server")])
    assert raw.proc.wait(WAIT) == 127
    assert "cannot start the MCP server" in raw.stderr()


def test_sighup_reloads_the_policy(start: Any, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.read_text())
    raw = start(policy=policy)
    raw.initialize()
    raw.send(raw.call(1, "echo", text="a"))
    assert raw.read()["result"]["isError"] is False
    quiet = "rules:\n  - id: quiet\n    block: tool.endsWith('echo')\n"
    policy.write_text(POLICY.read_text().replace("rules:\n", quiet))
    raw.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + WAIT
    while "policy reloaded" not in raw.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    raw.send(raw.call(2, "echo", text="b"))
    answer = raw.read()
    assert answer["result"]["isError"] is True and "quiet" in answer["result"]["content"][0]["text"]
    assert raw.close() == 0
    assert story(raw.log) == [("echo", "allow"), ("executed", "system"), ("echo", "block")]
    assert "policy reloaded" in raw.stderr()


def test_the_command_line_refuses_a_broken_policy_or_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("remit: 1\nname: b\nrules:\n  - block: nope(\n")
    result = CliRunner().invoke(main, ["mcp-proxy", "--policy", str(broken), "--", "true"])
    assert result.exit_code == 1 and "problem" in result.stderr and result.stdout == ""
    (tmp_path / "file").write_text("")
    unwritable = str(tmp_path / "file" / "x.jsonl")
    result = CliRunner().invoke(
        main, ["mcp-proxy", "--policy", str(POLICY), "--log", unwritable, "--", "true"]
    )
    assert result.exit_code == 1 and "decision log" in result.stderr and result.stdout == ""
    result = CliRunner().invoke(main, ["mcp-proxy", "--policy", str(POLICY)])
    assert result.exit_code == 2


def test_lines_skips_what_is_too_long() -> None:
    read, write = os.pipe()
    os.write(write, b'{"a":1}\n' + b"x" * 100 + b'\n{"b":2}\n{"c":')
    os.close(write)
    assert list(read_lines(read, 50)) == [b'{"a":1}', None, b'{"b":2}', b'{"c":']
    os.close(read)
