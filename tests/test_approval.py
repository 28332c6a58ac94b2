"""Asking a human: answers (once, for the session, with a note), the terminal prompt on a real
pty (what it shows, its answers, its deadline), and an approver written against the interface."""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import io
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import remit
from remit.approval import (
    UNSHOWN_ARGS,
    UNSHOWN_MESSAGE,
    Answer,
    DeadlineApprover,
    TerminalApprover,
    as_answer,
    parse_answer,
    render_ask,
    show_args,
)
from remit.log import read_log
from remit.redact import UNPRINTABLE, marker

POLICY = """
name: approval-test
version: "3"
ratings:
  - id: payments
    tools: [send_money]
    risk: 8
    reversibility: irreversible
rules:
  - id: confirm-payment
    tools: [send_money]
    ask: "true"
    reason: "sending {args.amount} to {args.to} cannot be undone"
  - id: no-wipe
    tools: [wipe_disk]
    block: "true"
routes:
  - {id: fallback, ask: "true"}
"""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SECRET = "sk-ant-api03-" + "Q" * 40


def make(**options: Any) -> remit.Guard:
    return remit.Guard.from_text(POLICY, **options)


def outcomes(log: Path) -> list[dict[str, Any]]:
    return [r for r in read_log(log) if r["kind"] == "outcome"]


# -- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("y", Answer.approve()),
        ("YES\r", Answer.approve()),
        ("s", Answer.approve(for_session=True)),
        ("session", Answer.approve(for_session=True)),
        ("n", Answer.deny()),
        ("", Answer.deny()),
        ("n use the staging account", Answer.deny("use the staging account")),
        ("no, not today", Answer.deny("not today")),
        ("maybe", None),
        ("yy", None),
    ],
)
def test_typed_lines_are_answers(line: str, expected: Answer | None) -> None:
    assert parse_answer(line) == expected


def test_the_session_option_can_be_left_out() -> None:
    assert parse_answer("s", session_option=False) is None


def test_only_an_explicit_yes_approves() -> None:
    assert as_answer(True) == Answer.approve()
    for value in (False, None, "yes", 1, {"approved": True}):
        assert as_answer(value) == Answer.deny()
    with pytest.raises(ValueError, match="scope"):
        Answer(True, "forever")


def test_an_answer_for_the_session_settles_the_same_call_again(tmp_path: Path) -> None:
    asked: list[str] = []

    def approver(decision: remit.Decision) -> Answer:
        asked.append(decision.id)
        return Answer.approve(for_session=True)

    log = tmp_path / "d.jsonl"
    guard = make(ask=approver, log=log)
    pay = {"amount": 20, "to": "acme"}
    first = guard.check("send_money", pay, {"session_id": "s1"})
    assert guard.approve(first)
    again = guard.check("send_money", dict(pay), {"session_id": "s1"})
    assert guard.approve(again)
    assert len(asked) == 1  # not asked twice
    other = guard.check("send_money", {"amount": 21, "to": "acme"}, {"session_id": "s1"})
    elsewhere = guard.check("send_money", pay, {"session_id": "s2"})
    assert guard.approve(other) and guard.approve(elsewhere)
    assert len(asked) == 3  # other arguments, another session: asked again
    records = outcomes(log)
    assert [(r["decision"], r["outcome"], r["by"]) for r in records[:2]] == [
        (first.id, "approved", "human"),
        (again.id, "approved", "system"),
    ]
    assert records[0]["detail"] == "for this session"
    assert records[1]["detail"] == f"approved for this session at decision {first.id}"


def test_a_session_answer_needs_a_session_and_the_same_directory(tmp_path: Path) -> None:
    asked: list[tuple[str, str]] = []

    def approver(decision: remit.Decision) -> Answer:
        asked.append((str(decision.ctx.get("session_id", "")), str(decision.ctx.get("cwd"))))
        return Answer.approve(for_session=True)

    guard = make(ask=approver)
    pay = {"amount": 20, "to": "acme"}
    for ctx in (
        {"cwd": "/a"},
        {"cwd": "/b"},
        {"session_id": "s1", "cwd": "/a"},
        {"session_id": "s1", "cwd": "/b"},
    ):
        assert guard.approve(guard.check("send_money", pay, ctx))
    assert guard.approve(guard.check("send_money", pay, {"session_id": "s1", "cwd": "/a"}))
    # callers without a session id share nothing; another directory is another call
    assert asked == [("", "/a"), ("", "/b"), ("s1", "/a"), ("s1", "/b")]


@pytest.mark.parametrize("approved", ["no", "False", 0.5, 1, [0]])
def test_only_a_true_approval_approves(approved: object) -> None:
    guard = make(ask=lambda d: Answer(approved))  # type: ignore[arg-type]
    assert not guard.approve(guard.check("send_money", {"amount": 20, "to": "acme"}))


def test_an_approver_that_never_returns_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    script = tmp_path / "hang.py"
    script.write_text(
        "import threading, remit\n"
        "g = remit.Guard.from_text('name: p\\nrules: [{id: r, tools: [t], ask: \"true\"}]\\n',"
        " ask=lambda d: threading.Event().wait(), ask_timeout=0.2)\n"
        "assert not g.approve(g.check('t', {}))\n"
        "print('done', flush=True)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr


def test_a_denial_for_the_session_and_its_note_reach_the_agent(tmp_path: Path) -> None:
    calls = []

    def approver(decision: remit.Decision) -> Answer:
        calls.append(decision)
        return Answer.deny("pay through the invoice system", for_session=True)

    log = tmp_path / "d.jsonl"
    guard = make(ask=approver, log=log)

    @guard.guard("send_money", ctx={"session_id": "s1"})
    def send_money(amount: int, to: str) -> str:
        return "sent"

    with pytest.raises(remit.Blocked, match="denied: pay through the invoice system"):
        send_money(amount=5, to="bob")
    with pytest.raises(remit.Blocked):
        send_money(amount=5, to="bob")
    assert len(calls) == 1
    records = outcomes(log)
    assert [(r["outcome"], r["by"]) for r in records] == [("denied", "human"), ("denied", "system")]
    assert records[0]["detail"] == "for this session: pay through the invoice system"


def test_a_remembered_answer_never_lets_a_blocked_call_through() -> None:
    asked = []

    def approver(decision: remit.Decision) -> Answer:
        asked.append(decision.id)
        return Answer.approve(for_session=True)

    guard = make(ask=approver)
    blocked = guard.check("wipe_disk", {"disk": "/dev/sda"}, {"session_id": "s"})
    assert guard.approve(blocked)  # a caller asking about a blocked call gets its answer...
    again = guard.check("wipe_disk", {"disk": "/dev/sda"}, {"session_id": "s"})
    assert again.decision is remit.Route.BLOCK
    with pytest.raises(remit.Blocked):
        guard.enforce(again)  # ...but enforcing a block asks no one
    assert guard.approve(again) and len(asked) == 2  # and the answer was not remembered


def test_notes_are_redacted_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = make(ask=lambda d: Answer.deny(f"use key {SECRET} instead"), log=log)
    guard.approve(guard.check("send_money", {"amount": 1, "to": "x"}))
    detail = outcomes(log)[0]["detail"]
    assert SECRET not in detail and "[REDACTED:anthropic_key:" in detail


# -- an approver written against the interface: a chat channel --------------------------------


class ChatApprover:
    """Posts the question to a channel and waits for a reply, as a Slack or Teams approver would."""

    def __init__(self) -> None:
        self.posted: asyncio.Queue[str] = asyncio.Queue()
        self.replies: asyncio.Queue[str] = asyncio.Queue()

    async def __call__(self, decision: remit.Decision) -> Answer:
        r = decision.ratings
        await self.posted.put(f"{decision.tool} risk {r.risk} {r.reversibility}: {decision.reason}")
        reply = await self.replies.get()
        verb, _, note = reply.partition(":")
        if verb == "approve-session":
            return Answer.approve(for_session=True)
        return Answer.approve() if verb == "approve" else Answer.deny(note.strip())


def test_an_async_chat_approver_through_the_decorator(tmp_path: Path) -> None:
    chat = ChatApprover()
    log = tmp_path / "d.jsonl"
    guard = make(ask=chat, log=log)

    @guard.guard("send_money", ctx={"session_id": "chat"})
    async def send_money(amount: int, to: str) -> str:
        return f"sent {amount}"

    async def human(replies: list[str]) -> list[str]:
        seen = []
        for reply in replies:
            seen.append(await chat.posted.get())
            await chat.replies.put(reply)
        return seen

    async def scenario() -> tuple[list[Any], list[str]]:
        answers = ["approve-session", "deny: too much this week"]
        helper = asyncio.create_task(human(answers))
        results: list[Any] = []
        for amount in (10, 10, 99):
            try:
                results.append(await send_money(amount=amount, to="acme"))
            except remit.Blocked as exc:
                results.append(str(exc))
        return results, await helper

    results, posted = asyncio.run(scenario())
    assert results[:2] == ["sent 10", "sent 10"]  # the second from the session's memory
    assert "denied: too much this week" in results[2]
    assert posted == [
        "send_money risk 8 irreversible: sending 10 to acme cannot be undone",
        "send_money risk 8 irreversible: sending 99 to acme cannot be undone",
    ]
    assert [(r["outcome"], r["by"]) for r in outcomes(log)] == [
        ("approved", "human"),
        ("approved", "system"),
        ("denied", "human"),
    ]


def test_an_async_approver_from_sync_code() -> None:
    async def approver(decision: remit.Decision) -> Answer:
        await asyncio.sleep(0)
        return Answer.approve()

    guard = make(ask=approver)
    assert guard.approve(guard.check("send_money", {"amount": 1, "to": "x"}))


# -- the terminal -----------------------------------------------------------------------------


class Pty:
    """A pseudo-terminal: the approver opens the child side by name, the test types on the parent."""

    def __init__(self, columns: int = 160) -> None:
        self.parent, self.child = os.openpty()
        fcntl.ioctl(self.child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        self.name = os.ttyname(self.child)
        self.seen = b""
        self.start = 0

    def mark(self) -> None:
        """From now on, `read_until` looks only at what is shown after this point."""
        self.start = len(self.seen)

    def read_until(self, text: str, timeout: float = 20.0) -> str:
        """Output shown on the terminal until `text` appears (ANSI styling removed)."""
        deadline = time.monotonic() + timeout
        while text not in self.text(self.start):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} never appeared in:\n{self.text()}"
            ready, _, _ = select.select([self.parent], [], [], remaining)
            if ready:
                self.seen += os.read(self.parent, 65536)
        return self.text()

    def drain(self, wait: float = 0.2) -> str:
        while select.select([self.parent], [], [], wait)[0]:
            self.seen += os.read(self.parent, 65536)
        return self.text()

    def text(self, start: int = 0) -> str:
        return ANSI.sub("", self.seen[start:].decode("utf-8", "replace")).replace("\r", "")

    def type(self, keys: str) -> None:
        os.write(self.parent, keys.encode())

    def close(self) -> None:
        for fd in (self.parent, self.child):
            os.close(fd)


@pytest.fixture
def pty() -> Iterator[Pty]:
    terminal = Pty()
    yield terminal
    terminal.close()


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def finished(thread: threading.Thread, result: dict[str, Any]) -> Any:
    thread.join(20)
    assert not thread.is_alive(), "the approver is still waiting"
    if "error" in result:
        raise result["error"]
    return result["value"]


PAYMENT = {"amount": 5000, "to": "acme", "api_key": SECRET, "memo": "rent\x1b[2J\u202eevil"}


def test_the_prompt_shows_the_call_and_a_yes_approves(pty: Pty, tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = make(ask=TerminalApprover(tty=pty.name), ask_timeout=60, log=log)
    decision = guard.check("send_money", PAYMENT, {"session_id": "s1"})
    thread, result = in_thread(lambda: guard.answer(decision))
    shown = pty.read_until("approve? ")
    pty.type("y\n")
    assert finished(thread, result) == Answer.approve()
    shown = pty.drain()
    for text in (
        "remit asks: send_money",
        "risk 8/10 (payments)",
        "irreversible (payments)",
        "autonomy",
        "rule confirm-payment -> ask: sending 5000 to acme cannot be undone",
        '"amount": 5000',
        "[REDACTED:",
        "policy approval-test 3",
        "[s] approve this call for the session",
        "approved",
    ):
        assert text in shown, f"{text!r} not in:\n{shown}"
    assert SECRET not in shown
    raw = pty.seen.decode("utf-8", "replace")
    assert "\x1b[2J" not in raw and "\u202e" not in raw  # the call cannot clear or reorder the screen
    assert "rent\\u001b[2J\\u202eevil" in shown
    assert [(r["outcome"], r["by"]) for r in outcomes(log)] == [("approved", "human")]


def test_deny_with_a_note_and_for_the_session(pty: Pty, tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = make(ask=TerminalApprover(tty=pty.name), ask_timeout=60, log=log)
    first = guard.check("send_money", {"amount": 1, "to": "a"}, {"session_id": "s1"})
    thread, result = in_thread(lambda: guard.answer(first))
    pty.read_until("approve? ")
    pty.type("n wrong account\n")
    assert finished(thread, result) == Answer.deny("wrong account")
    second = guard.check("send_money", {"amount": 2, "to": "a"}, {"session_id": "s1"})
    pty.mark()
    thread, result = in_thread(lambda: guard.answer(second))
    pty.read_until("approve? ")
    pty.type("what?\n")
    pty.read_until("`what?` is not an answer")
    pty.type("s\n")
    assert finished(thread, result).scope == "session"
    third = guard.check("send_money", {"amount": 2, "to": "a"}, {"session_id": "s1"})
    assert guard.approve(third)  # remembered: the terminal is not asked again
    assert pty.drain().count("remit asks: send_money") == 2
    assert [(r["outcome"], r["by"], r["detail"]) for r in outcomes(log)] == [
        ("denied", "human", "wrong account"),
        ("approved", "human", "for this session"),
        ("approved", "system", f"approved for this session at decision {second.id}"),
    ]


def test_no_answer_in_time_is_a_timeout_and_nothing_keeps_reading(pty: Pty, tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = make(ask=TerminalApprover(tty=pty.name), ask_timeout=0.5, log=log)
    decision = guard.check("send_money", {"amount": 1, "to": "a"})
    thread, result = in_thread(lambda: guard.answer(decision))
    pty.read_until("approve? ")
    pty.type("y")  # typed, never sent: it was meant for this question, and is dropped with it
    answer = finished(thread, result)
    assert not answer.approved
    assert "no answer in time: denied" in pty.read_until("denied")
    [record] = outcomes(log)
    assert (record["outcome"], record["by"], record["detail"]) == (
        "timeout",
        "system",
        "no answer within 0.5s",
    )
    pty.type("ls\n")  # the next line typed goes to whoever reads next, whole
    assert select.select([pty.child], [], [], 10)[0]
    assert os.read(pty.child, 100) == b"ls\n"


def test_answers_typed_before_the_question_do_not_count(pty: Pty) -> None:
    pty.type("y\n")  # typed ahead, before anything was asked
    decision = make().check("send_money", {"amount": 1, "to": "a"})
    thread, result = in_thread(lambda: TerminalApprover(tty=pty.name, timeout=60)(decision))
    pty.read_until("approve? ")
    time.sleep(0.2)
    assert thread.is_alive()  # still waiting: the early "y" was discarded
    pty.type("n\n")
    assert finished(thread, result) == Answer.deny()


def test_standard_input_is_the_fallback_when_it_is_a_terminal(pty: Pty) -> None:
    question = io.StringIO()
    with os.fdopen(os.dup(pty.child)) as stdin:
        approver = TerminalApprover(tty=None, stdin=stdin, stderr=question, timeout=60)
        assert isinstance(approver, DeadlineApprover)
        decision = make().check("send_money", {"amount": 7, "to": "b"})
        thread, result = in_thread(lambda: approver(decision))
        deadline = time.monotonic() + 20
        while "approve? " not in question.getvalue():
            assert time.monotonic() < deadline, question.getvalue()
            time.sleep(0.02)
        pty.type("yes\n")
        assert finished(thread, result) == Answer.approve()
    assert "remit asks: send_money" in question.getvalue()


def test_without_a_terminal_nobody_answers_and_the_policy_decides(tmp_path: Path) -> None:
    read, write = os.pipe()
    try:
        with os.fdopen(read) as pipe:
            approver = TerminalApprover(tty=str(tmp_path / "no-tty"), stdin=pipe, timeout=60)
            decision = make().check("send_money", {"amount": 1, "to": "a"})
            started = time.monotonic()
            assert approver(decision) == Answer.nobody("no terminal to ask on")
            assert time.monotonic() - started < 10  # answered at once, never waited on the pipe
    finally:
        os.close(write)
    log = tmp_path / "d.jsonl"
    strict = make(ask=TerminalApprover(tty=None, stdin=io.StringIO()), log=log)
    assert not strict.approve(strict.check("send_money", {"amount": 1, "to": "a"}))
    lenient_policy = POLICY.replace('version: "3"', 'version: "3"\ndefaults: {non_interactive: allow}')
    lenient = remit.Guard.from_text(
        lenient_policy, ask=TerminalApprover(tty=None, stdin=io.StringIO()), log=log
    )
    assert lenient.approve(lenient.check("send_money", {"amount": 1, "to": "a"}))
    assert [(r["outcome"], r["by"], r["detail"]) for r in outcomes(log)] == [
        ("denied", "system", "no one to ask: non_interactive is block (no terminal to ask on)"),
        ("approved", "system", "no one to ask: non_interactive is allow (no terminal to ask on)"),
    ]


# -- what the question shows: what the log holds ---------------------------------------------

CARD = "4111111111111111"
ACME = "acme_" + "Q7" * 16
REDACTING = """
name: payments
redaction:
  patterns:
    - {name: acme-token, regex: '\\bacme_[A-Za-z0-9]{32}\\b'}
  drop: [args.card.number, ctx.labels.customer]
rules:
  - id: confirm-charge
    tools: [charge_card]
    ask: "true"
    reason: "charging card {args.card.number} for {ctx.labels.customer} with {args.note}, pw {args.password}"
"""
CHARGE = {
    "amount": 20,
    "card": {"number": CARD},
    "note": ACME,
    "password": "424242",
    "nextPageToken": "CAUQA",
}
CHARGE_CTX = {"session_id": "s1", "labels": {"customer": "ann@example.com"}}


def printed(renderable: Any) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_question_hides_what_the_policy_redacts_as_the_log_does(tmp_path: Path) -> None:
    log = tmp_path / "d.jsonl"
    guard = remit.Guard.from_text(REDACTING, log=log)
    decision = guard.check("charge_card", CHARGE, CHARGE_CTX)
    [record] = [r for r in read_log(log) if r["kind"] == "decision"]
    redaction = guard.policy.redaction
    listing = show_args(decision.args, redaction=redaction, ctx=decision.ctx)
    assert listing == json.dumps(record["args"], indent=2, ensure_ascii=False)  # the log's args, as is
    text = printed(render_ask(decision, redaction=redaction))
    assert f"ask: {record['reasons'][0]['message']}" in text  # and the log's reason
    for secret in (CARD, ACME, "ann@example.com", "424242"):
        assert secret not in text
    for kept in ('"number": "[DROPPED]"', marker("acme-token", ACME), marker("field", "424242")):
        assert kept in text
    assert '"nextPageToken": "CAUQA"' in text and '"amount": 20' in text
    assert printed(render_ask(decision)) == text  # the decision carries its policy's redaction
    # a decision made elsewhere, without one: the built-in redaction alone applies
    bare = dataclasses.replace(decision, redaction=None)
    assert CARD in printed(render_ask(bare)) and marker("field", "424242") in printed(render_ask(bare))


def test_a_reloaded_policy_does_not_change_how_an_earlier_decision_is_shown(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(REDACTING)
    guard = remit.Guard.from_path(policy)
    decision = guard.check("charge_card", CHARGE, CHARGE_CTX)
    policy.write_text('name: open\nroutes:\n  - {id: ask-all, ask: "true"}\n')
    guard.reload()
    text = printed(render_ask(decision))
    assert CARD not in text and '"number": "[DROPPED]"' in text


class Failing:
    """A redaction that cannot redact."""

    def call(self, args: Any, ctx: Any) -> Any:
        raise RuntimeError(f"cannot redact {args}")


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError(f"no text for {CARD}")


def test_a_redaction_that_fails_shows_nothing_of_the_call() -> None:
    decision = remit.Guard.from_text(REDACTING).check("charge_card", CHARGE, CHARGE_CTX)
    text = printed(render_ask(decision, redaction=Failing()))  # type: ignore[arg-type]
    assert UNSHOWN_ARGS in text and f"ask: {UNSHOWN_MESSAGE}" in text
    assert CARD not in text and ACME not in text and "424242" not in text and "CAUQA" not in text
    # a value whose text cannot be had stands for itself alone, never as `repr` of the args
    assert json.loads(show_args({"x": Unprintable(), "y": 1})) == {"x": UNPRINTABLE, "y": 1}
    assert show_args(CHARGE, redaction=Failing()) == json.dumps(UNSHOWN_ARGS)  # type: ignore[arg-type]


def test_the_prompt_shows_what_the_log_holds(pty: Pty) -> None:
    guard = remit.Guard.from_text(REDACTING)
    guard.ask, guard.ask_timeout = TerminalApprover(tty=pty.name), 60
    decision = guard.check("charge_card", CHARGE, CHARGE_CTX)
    thread, result = in_thread(lambda: guard.answer(decision))
    text = pty.read_until("approve? ")
    pty.type("n\n")
    assert finished(thread, result) == Answer.deny()
    assert '"number": "[DROPPED]"' in text and "[REDACTED:acme-token:" in text
    assert "charging card [DROPPED] for [DROPPED] with [REDACTED:acme-token:" in text
    for secret in (CARD, ACME, "ann@example.com", "424242"):
        assert secret not in text


def test_long_arguments_are_cut() -> None:
    shown = show_args({"body": "x" * 1000, "items": list(range(100))}, max_chars=50, max_lines=10)
    assert "x" * 50 + "... (950 more characters)" in shown
    assert shown.splitlines()[-1] == "... (95 more lines)"  # of 105: braces, body, items, 100 numbers
    assert len(shown.splitlines()) == 11


# -- remit check --ask ------------------------------------------------------------------------


def check_process(
    policy: Path, log: Path, tool: str = "send_money", args: Any = None, **streams: Any
) -> subprocess.Popen[bytes]:
    """`remit check --ask` in a new session: no controlling terminal, so only stdin can be asked on."""
    given = json.dumps({"amount": 9, "to": "z"} if args is None else args)
    argv = [sys.executable, "-c", "from remit.cli import main; main()", "check", str(policy)]
    argv += ["--tool", tool, "--args", given, "--log", str(log), "--ask"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(argv, env=env, start_new_session=True, **streams)


def test_check_ask_asks_on_the_terminal_and_exits_with_the_answer(pty: Pty, tmp_path: Path) -> None:
    policy, log = tmp_path / "p.yaml", tmp_path / "d.jsonl"
    policy.write_text(POLICY)
    proc = check_process(policy, log, stdin=pty.child, stdout=subprocess.PIPE, stderr=pty.child)
    pty.read_until("approve? ")
    pty.type("y\n")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "ASK send_money" in out.decode()
    assert "remit asks: send_money" in pty.text()
    assert [(r["outcome"], r["by"]) for r in outcomes(log)] == [("approved", "human")]


def test_check_ask_shows_the_call_with_the_policys_redaction(pty: Pty, tmp_path: Path) -> None:
    policy, log = tmp_path / "p.yaml", tmp_path / "d.jsonl"
    policy.write_text(REDACTING)
    args = {"amount": 20, "card": {"number": CARD}, "note": ACME}
    proc = check_process(
        policy, log, "charge_card", args, stdin=pty.child, stdout=subprocess.PIPE, stderr=pty.child
    )
    pty.read_until("approve? ")
    pty.type("n\n")
    proc.communicate(timeout=60)
    assert proc.returncode == 4
    text = pty.text()
    assert '"number": "[DROPPED]"' in text and "[REDACTED:acme-token:" in text
    assert CARD not in text and ACME not in text


def test_check_ask_without_a_terminal_does_not_wait(tmp_path: Path) -> None:
    policy, log = tmp_path / "p.yaml", tmp_path / "d.jsonl"
    policy.write_text(POLICY)
    proc = check_process(
        policy, log, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.communicate(timeout=60)
    assert proc.returncode == 4
    [record] = outcomes(log)
    assert (record["outcome"], record["by"]) == ("denied", "system")
    assert "no terminal to ask on" in record["detail"]
