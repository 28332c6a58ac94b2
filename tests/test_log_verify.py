"""`verify_logs`: logs written by the real writer, then tampered with, each way detected."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

import remit
from remit import log as log_module
from remit.log import DecisionLog, outcome_record
from remit.verify import KINDS, LogProblem, verify_logs

POLICY = """
name: verify-test
version: "1"
rules:
  - id: no-delete
    tools: [delete_file]
    block: "true"
  - id: reads
    tools: [read_file]
    allow: "true"
routes:
  - {id: fallback, ask: "true"}
"""


def write_log(path: Path, n: int, start: int = 0) -> list[str]:
    """`n` decisions (and an outcome after every fifth) appended to `path` by a real guard."""
    guard = remit.Guard.from_text(POLICY, log=path)
    ids = []
    for i in range(start, start + n):
        tool = ("read_file", "delete_file", "send_email")[i % 3]
        decision = guard.check(tool, {"path": f"/tmp/f{i}.txt"}, {"session_id": f"s{i % 7}"})
        ids.append(decision.id)
        if i % 5 == 4:
            guard.record_outcome(decision.id, "approved", latency_ms=12.5)
    assert guard.log is not None
    guard.log.close()
    return ids


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def put(path: Path, content: list[bytes]) -> None:
    path.write_bytes(b"".join(content))


def found(paths: list[Path]) -> list[tuple[int, str]]:
    result = verify_logs(paths)
    assert all(p.kind in KINDS for p in result.problems)
    assert result.ok == (not result.problems)
    return [(p.line, p.kind) for p in result.problems]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "decisions.jsonl"
    write_log(path, 20)
    assert len(lines(path)) == 24  # 20 decisions, 4 outcomes
    return path


def test_intact_log_of_thousands_of_records_verifies(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    write_log(path, 3000)
    result = verify_logs([path])
    assert result.ok and result.problems == []
    assert result.records == 3600 and result.files == 1
    head = {"hash": hashlib.sha256(lines(path)[-1][:-1]).hexdigest(), "file": str(path), "line": 3600}
    assert result.as_dict() == {"ok": True, "records": 3600, "files": 1, "problems": [], "head": head}
    assert verify_logs([path], window=8).ok  # a small window changes nothing for an intact log


def test_gzip_is_read_transparently(log: Path) -> None:
    packed = log.with_name("decisions.jsonl.1.gz")
    packed.write_bytes(gzip.compress(log.read_bytes()))
    assert verify_logs([packed]).ok
    content = lines(log)
    del content[6]
    packed.write_bytes(gzip.compress(b"".join(content)))
    assert found([packed]) == [(7, "broken")]


def test_direct_writer_and_empty_log(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with DecisionLog(path) as writer:
        for i in range(5):
            writer.write(outcome_record(f"d{i}", "executed", ts=1.0 + i, by="agent"))
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    result = verify_logs([empty, path, empty])
    assert result.ok and result.records == 5 and result.files == 3


# -- edits ----------------------------------------------------------------------------------------


def test_edit_in_place_breaks_the_next_link(log: Path) -> None:
    """An edit keeping remit's layout cannot be told from a deletion: reported as `broken`."""
    content = lines(log)
    assert b'"decision":"block"' in content[4]
    content[4] = content[4].replace(b'"decision":"block"', b'"decision":"allow"')
    put(log, content)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(6, "broken")]
    assert "line 5 was edited" in result.problems[0].message


def test_edited_args_are_shown_by_their_hash(log: Path) -> None:
    content = lines(log)
    content[4] = content[4].replace(b"/tmp/f4.txt", b"/tmp/other.txt")
    put(log, content)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(5, "edited")]
    assert "args_sha256" in result.problems[0].message


def test_a_rewritten_line_is_edited(log: Path) -> None:
    content = lines(log)
    record = json.loads(content[9])
    record["decision"] = "allow"
    content[9] = (json.dumps(record) + "\n").encode()  # spaces after separators: not remit's layout
    put(log, content)
    assert found([log]) == [(10, "edited")]


def test_a_replaced_line_is_edited(log: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    write_log(other, 20)
    content = lines(log)
    content[9] = lines(other)[9]  # a genuine record, with a `prev` of its own chain
    put(log, content)
    assert found([log]) == [(10, "edited")]


def test_edit_of_the_first_line(log: Path) -> None:
    content = lines(log)
    content[0] = content[0].replace(b"/tmp/f0.txt", b"/tmp/zzz.txt")
    put(log, content)
    assert found([log]) == [(1, "edited")]


# -- deletions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_deleted_lines_break_the_chain(log: Path, count: int) -> None:
    content = lines(log)
    del content[7 : 7 + count]
    put(log, content)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(8, "broken")]
    assert "deleted between them" in result.problems[0].message


def test_deleted_first_lines(log: Path) -> None:
    put(log, lines(log)[2:])
    assert found([log]) == [(1, "deleted")]


def test_later_problems_are_found_after_a_break(log: Path) -> None:
    content = lines(log)
    del content[15]
    del content[3]
    content.append(b"garbage\n")
    put(log, content)
    assert found([log]) == [(4, "broken"), (15, "broken"), (23, "torn")]


# -- reordering, duplicates, insertions -----------------------------------------------------------


def test_swapped_lines_are_reordered(log: Path) -> None:
    content = lines(log)
    content[4], content[5] = content[5], content[4]
    put(log, content)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(5, "reordered")]
    assert "follows line 6" in result.problems[0].message


@pytest.mark.parametrize(("src", "dst"), [(3, 10), (10, 3), (0, 1), (1, 0), (22, 23)])
def test_a_moved_line_is_one_problem(log: Path, src: int, dst: int) -> None:
    content = lines(log)
    content.insert(dst, content.pop(src))
    put(log, content)
    problems = found([log])
    assert len(problems) == 1 and problems[0][1] == "reordered"
    assert problems[0][0] == min(src, dst) + 1


def test_a_replayed_line_is_a_duplicate(log: Path) -> None:
    content = lines(log)
    content.insert(9, content[4])
    put(log, content)
    assert found([log]) == [(10, "duplicate")]


def test_an_inserted_record_chained_to_its_neighbour(log: Path) -> None:
    content = lines(log)
    forged = json.loads(content[5])
    forged["id"] = "f" * 30
    forged["prev"] = json.loads(content[5])["prev"]  # chains to line 5, like the record it precedes
    content.insert(5, (json.dumps(forged, separators=(",", ":")) + "\n").encode())
    put(log, content)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(6, "inserted")]
    assert "line 7 chains to line 5" in result.problems[0].message


def test_a_record_restarting_the_chain_mid_file(log: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    write_log(other, 3)
    put(log, lines(log) + lines(other))  # two logs concatenated
    assert found([log]) == [(25, "broken")]


# -- torn lines and garbage -----------------------------------------------------------------------


def test_truncated_mid_line(log: Path) -> None:
    data = log.read_bytes()
    log.write_bytes(data[: len(data) - 40])
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(24, "torn")]
    assert result.records == 23


def test_truncated_in_the_middle_of_the_file(log: Path) -> None:
    content = lines(log)
    put(log, [*content[:10], content[10][:50]])
    assert found([log]) == [(11, "torn")]


def test_a_complete_record_without_its_newline_is_torn(log: Path) -> None:
    log.write_bytes(log.read_bytes()[:-1])
    assert found([log]) == [(24, "torn")]


@pytest.mark.parametrize(
    ("junk", "kind"),
    [
        (b"garbage\n", "torn"),
        (b"\n", "torn"),
        (b"\xff\xfe\n", "torn"),
        (b'{"hello": "world"}\n', "not_record"),
        (b"[1, 2]\n", "not_record"),
        (b'{"v": 2, "kind": "decision", "prev": "' + b"0" * 64 + b'"}\n', "not_record"),
    ],
)
def test_appended_junk(log: Path, junk: bytes, kind: str) -> None:
    with log.open("ab") as f:
        f.write(junk)
    assert found([log]) == [(25, kind)]


def test_a_writer_chains_after_a_torn_line(log: Path) -> None:
    with log.open("ab") as f:
        f.write(b'{"v":1,"kind":"deci')  # a crashed writer's partial line
    write_log(log, 3, start=100)
    result = verify_logs([log])
    assert [(p.line, p.kind) for p in result.problems] == [(25, "torn")]
    assert result.records == 27


def test_garbage_inserted_mid_file_is_reported_once(log: Path) -> None:
    content = lines(log)
    content.insert(8, b"not json at all\n")
    put(log, content)
    assert found([log]) == [(9, "torn")]


# -- rotation -------------------------------------------------------------------------------------


def test_rotation_that_starts_a_new_chain(tmp_path: Path) -> None:
    current = tmp_path / "decisions.jsonl"
    write_log(current, 10)
    current.rename(tmp_path / "decisions.jsonl.1")
    write_log(current, 10, start=10)  # the writer starts the new file at the genesis
    result = verify_logs([tmp_path / "decisions.jsonl.1", current])
    assert result.ok and result.records == 24 and result.files == 2


def test_rotation_that_keeps_the_chain(log: Path, tmp_path: Path) -> None:
    content = lines(log)
    old, new = tmp_path / "decisions.jsonl.1", tmp_path / "decisions.jsonl.0"
    put(old, content[:12])
    put(new, content[12:])
    assert verify_logs([old, new]).ok
    assert found([new]) == [(1, "deleted")]  # the file before it not given
    assert found([new, old]) == [(1, "deleted")]  # order matters: oldest first
    put(old, content[:11])  # the last record of the older file deleted
    assert found([old, new]) == [(1, "deleted")]
    assert verify_logs([old, new]).problems[0].file == str(new)


def test_rotated_gzip_and_plain_files(log: Path, tmp_path: Path) -> None:
    content = lines(log)
    old = tmp_path / "decisions.jsonl.1.gz"
    old.write_bytes(gzip.compress(b"".join(content[:12])))
    put(log, content[12:])
    assert verify_logs([old, log]).ok


# -- anchors: what the chain alone cannot see ------------------------------------------------------


def rechained(content: list[bytes]) -> list[bytes]:
    """The lines with every `prev` rewritten to the line before: an edit that hides its tracks."""
    out, prev = [], "0" * 64
    for line in content:
        record = json.loads(line)
        record["prev"] = prev
        body = log_module._dumps(record).encode()
        out.append(body + b"\n")
        prev = hashlib.sha256(body).hexdigest()
    return out


def test_the_head_is_the_hash_of_the_last_line(log: Path, tmp_path: Path) -> None:
    result = verify_logs([log])
    assert result.head == hashlib.sha256(lines(log)[-1].rstrip(b"\n")).hexdigest()
    assert (result.head_file, result.head_line) == (str(log), 24)
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    assert verify_logs([log, empty]).head_file == str(log)  # an empty file has no head
    assert verify_logs([empty]).head is None and verify_logs([empty]).as_dict()["head"] is None


def test_an_anchor_holds_while_records_are_appended_and_rotated(log: Path, tmp_path: Path) -> None:
    anchor = verify_logs([log]).head
    assert anchor is not None
    write_log(log, 5, start=20)
    assert verify_logs([log], anchors=[anchor]).ok
    assert verify_logs([log], anchors=[anchor.upper()]).ok  # hex in either case
    rotated = tmp_path / "decisions.jsonl.1.gz"
    rotated.write_bytes(gzip.compress(log.read_bytes()))
    log.unlink()
    write_log(log, 3, start=25)  # the new file starts at the genesis
    later = verify_logs([rotated, log], anchors=[anchor]).head
    assert later is not None and verify_logs([rotated, log], anchors=[anchor, later]).ok


def test_an_anchor_sees_the_last_records_deleted(log: Path) -> None:
    anchor = verify_logs([log]).head or ""
    put(log, lines(log)[:-2])
    assert verify_logs([log]).ok  # the chain alone cannot tell
    assert [(p.line, p.kind) for p in verify_logs([log], anchors=[anchor]).problems] == [
        (0, "missing_anchor")
    ]


def test_an_anchor_sees_an_edit_whose_tracks_were_hidden(log: Path) -> None:
    anchor = verify_logs([log]).head or ""
    content = lines(log)
    content[4] = content[4].replace(b'"decision":"block"', b'"decision":"allow"')
    put(log, rechained(content))
    assert verify_logs([log]).ok  # every `prev` rewritten: the chain is whole again
    result = verify_logs([log], anchors=[anchor])
    assert [(p.file, p.line, p.kind) for p in result.problems] == [("", 0, "missing_anchor")]
    assert anchor in result.problems[0].message


def test_an_anchor_sees_a_rotated_file_deleted(tmp_path: Path) -> None:
    current = tmp_path / "decisions.jsonl"
    write_log(current, 10)
    anchor = verify_logs([current]).head or ""
    current.rename(tmp_path / "decisions.jsonl.1")
    write_log(current, 10, start=10)
    assert verify_logs([tmp_path / "decisions.jsonl.1", current], anchors=[anchor]).ok
    (tmp_path / "decisions.jsonl.1").unlink()
    assert verify_logs([current]).ok  # the new file starts at the genesis: nothing is missing
    assert [p.kind for p in verify_logs([current], anchors=[anchor]).problems] == ["missing_anchor"]


def test_an_anchor_is_a_sha256(log: Path) -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        verify_logs([log], anchors=["abc"])


# -- the result -----------------------------------------------------------------------------------


def test_unreadable_files(tmp_path: Path, log: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = verify_logs([missing, log])
    assert [(p.file, p.line, p.kind) for p in result.problems] == [(str(missing), 0, "unreadable")]
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(log.read_bytes())[:-30])
    assert [p.kind for p in verify_logs([bad]).problems] == ["unreadable"]


def test_problems_are_capped(log: Path) -> None:
    put(log, [b"junk\n"] * 50)
    result = verify_logs([log], max_problems=10)
    assert len(result.problems) == 11 and result.problems[-1].kind == "truncated"
    assert "40 more" in result.problems[-1].message


def test_result_as_dict(log: Path) -> None:
    content = lines(log)
    del content[3]
    put(log, content)
    result = verify_logs([str(log)])
    assert not result.ok
    data = result.as_dict()
    assert data["ok"] is False and data["records"] == 23 and data["files"] == 1
    assert data["problems"] == [
        {"file": str(log), "line": 4, "kind": "broken", "message": result.problems[0].message}
    ]
    assert LogProblem(str(log), 4, "broken", "x").as_dict()["line"] == 4


def allowing_guard(log: Path, calls: int) -> remit.Guard:
    """A guard that allows every call, logging to `log`, after `calls` calls."""
    guard = remit.Guard.from_text("name: v\nroutes: [{allow: 'true'}]\n", log=log)
    for i in range(calls):
        guard.check("x", {"i": i})
    return guard


def test_log_verify_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from remit.cli import main

    log = tmp_path / "d.jsonl"
    allowing_guard(log, 5)
    ok = CliRunner().invoke(main, ["log", "verify", str(log)])
    assert ok.exit_code == 0 and "5 record(s)" in ok.stdout and "intact" in ok.stdout
    lines = log.read_text().splitlines()
    del lines[2]
    log.write_text("\n".join(lines) + "\n")
    bad = CliRunner().invoke(main, ["log", "verify", str(log), "--format", "json"])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["ok"] is False


def test_log_verify_prints_the_head_and_checks_anchors(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from remit.cli import main

    log = tmp_path / "d.jsonl"
    guard = allowing_guard(log, 3)
    first = CliRunner().invoke(main, ["log", "verify", str(log)])
    head = first.stdout.splitlines()[-1].split()
    assert head[0] == "head" and head[2] == f"({log}:3)"
    guard.check("x", {"i": 3})
    assert CliRunner().invoke(main, ["log", "verify", str(log), "--anchor", head[1]]).exit_code == 0
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:2]))
    cut = CliRunner().invoke(main, ["log", "verify", str(log), "--anchor", head[1]])
    assert cut.exit_code == 1 and f"log: missing_anchor: no line hashes to the anchor {head[1]}" in cut.stderr
    usage = CliRunner().invoke(main, ["log", "verify", str(log), "--anchor", "nope"])
    assert usage.exit_code == 2 and "64 hex digits" in usage.stderr
