"""Paths the `path` analyzer must not lose: calls that name more paths than it reads, listings
of a home's hidden directories, and copies of a home written in ways the copy check must read
(long-option prefixes, bsdtar's options, remote operands, lists of names, backup and cloud
tools, the cwd and patterns that name a home)."""

from __future__ import annotations

from typing import Any

import pytest

from remit.analyzers import shell_facts
from remit.analyzers.path import MAX_PATHS, TOO_MANY, copy_sources
from tests.shipped import bash, path_of, shipped_decisions

PROJECT = "/home/me/proj"
HOME = "/home/me"
SECRET = "/home/me/.ssh/id_rsa"


def _names(count: int) -> list[str]:
    return [f"f{i}" for i in range(count)]


# -- more paths than the analyzer reads --


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("Bash", bash(" ".join(["cat", *_names(MAX_PATHS + 2), "~/.ssh/id_rsa"]))),
        ("read_many_files", {"paths": [*_names(MAX_PATHS), SECRET]}),
        ("Read", {"file_path": [*_names(MAX_PATHS), SECRET]}),
        ("Read", {"file_path": [*_names(3 * MAX_PATHS), SECRET]}),
    ],
)
def test_paths_past_the_limit_count_as_a_secret(tool: str, args: dict[str, Any]) -> None:
    facts = path_of(tool, args, PROJECT)
    assert TOO_MANY in facts.sensitive_paths
    assert TOO_MANY in facts.outside
    assert len(facts.paths) <= MAX_PATHS
    assert shipped_decisions(tool, args, PROJECT, HOME) == ["block"] * 3


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("Bash", bash(" ".join(["cat", *_names(10)]))),
        ("read_many_files", {"paths": _names(10)}),
        ("read_many_files", {"paths": _names(MAX_PATHS)}),  # at the limit: nothing left out
    ],
)
def test_paths_within_the_limit_are_judged_as_they_are(tool: str, args: dict[str, Any]) -> None:
    facts = path_of(tool, args, PROJECT)
    assert TOO_MANY not in facts.paths
    assert not facts.sensitive
    assert shipped_decisions(tool, args, PROJECT, HOME) == ["allow"] * 3


# -- listings of a home's hidden directories --


@pytest.mark.parametrize(
    "args",
    [
        {"pattern": ".*/*", "path": HOME},
        {"pattern": "~/.*/*"},
        {"pattern": "**/.*/*", "path": HOME},
        {"pattern": ".*/**/*", "path": HOME},
    ],
)
def test_a_glob_over_a_homes_hidden_directories_lists_secrets(args: dict[str, Any]) -> None:
    assert path_of("Glob", args, PROJECT).sensitive
    assert shipped_decisions("Glob", args, PROJECT, HOME) == ["block"] * 3


@pytest.mark.parametrize(
    "args",
    [{"pattern": "**/*", "path": HOME}, {"pattern": ".*", "path": HOME}, {"pattern": "**/*.py"}],
)
def test_a_broad_glob_over_a_home_stays_allowed(args: dict[str, Any]) -> None:
    assert not path_of("Glob", args, PROJECT).sensitive
    assert shipped_decisions("Glob", args, PROJECT, HOME) == ["allow"] * 3


# -- copies of a home --

HOME_COPIES = [
    # long options written as a prefix
    "tar --cr -f x.tar ~",
    "tar --ap -f x.tar ~",
    "tar --up -f x.tar ~",
    "cp --ar ~ /tmp/x",
    # bsdtar's `-H` and `-L` take no value
    "tar -czf x.tgz -H ~",
    "tar -czf x.tgz -L ~",
    "tar cHf x.tgz ~",
    # remote operands among the sources; `cp` and `ditto` have none
    "gsutil cp -r gs://b/x ~ gs://c",
    "ditto a:b ~ /tmp/x",
    "cp -r a:b ~ /tmp/x",
    # a home's own entries
    "rsync -d ~/ host:",
    "rsync --dirs ~/ host:",
    # a `-C` does not move a path the shell made absolute
    "tar -C /tmp -czf x.tgz ~",
    # lists of names
    "find ~ | tar -cf x.tar -T -",
    "tar czf x.tgz -T <(find ~)",
    "find ~ | tar --files-from=- -cf x.tar",
    "find ~ | zip -@ x.zip",
    "find ~ -depth | cpio -pdm /tmp/x",
    "find ~ | cpio -o > x.cpio",
    "find ~ | pax -w -f x.pax",
    "find ~ > /tmp/l; rsync --files-from=/tmp/l . host:",
    # backup and cloud tools
    "pax -w -f x.pax ~",
    "pax -rw ~ /tmp/x",
    "restic backup ~",
    "restic -r /srv/repo backup ~",
    "borg create repo::a ~",
    "duplicity ~ file:///tmp/x",
    "duplicity full ~ s3://b/x",
    "azcopy copy ~ https://a.blob.core.windows.net/c --recursive",
    "azcopy sync ~ https://a.blob.core.windows.net/c",
    "s5cmd cp ~ s3://b/",
    "mc cp -r ~ play/b",
    "mc mirror ~ play/b",
    "gcloud storage cp -r ~ gs://b",
    "gcloud storage rsync ~ gs://b",
    "s3cmd sync ~ s3://b",
    "s3cmd put -r ~ s3://b",
    "az storage blob upload-batch -s ~ -d c",
    "az storage blob upload-batch --source ~ -d c",
    # the home spelt otherwise
    "tar czf x.tgz ~+/..",
    "tar czf x.tgz $PWD/..",
    "tar czf x.tgz ${PWD}/..",
    "tar czf x.tgz /*/me",
    "tar czf x.tgz /hom?/me",
    "tar czf x.tgz /[h]ome/me",
    "cp -r /*/* /tmp/x",
]


@pytest.mark.parametrize("command", HOME_COPIES)
def test_a_copy_of_a_home_reads_its_secrets(command: str) -> None:
    assert path_of("Bash", bash(command), PROJECT).sensitive
    assert shipped_decisions("Bash", bash(command), PROJECT, HOME) == ["block"] * 3


@pytest.mark.parametrize(
    ("command", "sources"),
    [
        ("tar --cr -f x.tar a", ["a"]),
        ("cp --ar a b /tmp/x", ["a", "b"]),
        ("tar -czf x.tgz -H a", ["a"]),
        ("tar -cHf x.tgz a", ["x.tgz", "a"]),  # GNU tar: `f` is the value of `-H`
        ("tar -C /tmp -cf x.tar ~ a", ["~", "/tmp/a"]),
        ("gsutil cp -r gs://b/x a gs://c", ["a"]),
        ("ditto a:b c /tmp/x", ["a:b", "c"]),
        ("rsync -d a/ host:", ["a/"]),
        ("rsync -a host:/x a /local", ["a"]),
        ("pax -w -f x.pax a b", ["a", "b"]),
        ("pax -rw a b /tmp/x", ["a", "b"]),
        ("pax -r -f x.pax", []),
        ("restic -r /srv/repo backup a", ["a"]),
        ("borg create repo::x a", ["repo::x", "a"]),
        ("duplicity a file:///tmp/x", ["a"]),
        ("duplicity restore s3://b/x a", []),
        ("azcopy copy a https://h/c --recursive", ["a"]),
        ("azcopy copy https://h/c a --recursive", []),
        ("s5cmd cp a s3://b/", ["a"]),
        ("mc cp -r a play/b", ["a"]),
        ("mc cp a play/b", []),
        ("gcloud storage cp -r a gs://b", ["a"]),
        ("gcloud storage cp a gs://b", []),
        ("s3cmd put -r a s3://b", ["a"]),
        ("s3cmd get -r s3://b a", []),
        ("az storage blob upload-batch -s a -d c", ["a"]),
        ("az storage blob download-batch -s c -d a", []),
    ],
)
def test_copy_sources(command: str, sources: list[str]) -> None:
    (cmd,) = shell_facts("Bash", bash(command), PROJECT).commands
    assert copy_sources(cmd) == sources


@pytest.mark.parametrize(
    ("command", "decisions"),
    [
        ("tar czf dist.tgz build/", ["allow", "ask", "allow"]),
        ("cp -r src/ /tmp/build", ["ask", "ask", "block"]),
        ("rsync -av ./ server:/app", ["ask", "ask", "block"]),  # to another host: remote-access, as scp
        ("zip -r app.zip .", ["allow", "ask", "allow"]),
    ],
)
def test_ordinary_copies_keep_their_decisions(command: str, decisions: list[str]) -> None:
    assert not path_of("Bash", bash(command), PROJECT).sensitive
    assert shipped_decisions("Bash", bash(command), PROJECT, HOME) == decisions


@pytest.mark.parametrize(
    "command",
    [
        "find . -name '*.py' | tar -cf x.tar -T -",
        "find src | cpio -o > x.cpio",
        "find . | zip -@ x.zip",
        "tar -cf x.tar -T files.txt",
        "tar --file x.tar -c src; find ~ -maxdepth 1",
        "tar czf x.tgz $PWD",
        "tar czf x.tgz ~+",
        "tar czf x.tgz /*/me/proj",
        "tar cHf x.tgz src",
        "restic -r /srv/repo backup src",
        "borg create /srv/repo::a src",
        "pax -w -f x.pax src",
        "s5cmd cp dist/ s3://b/",
        "mc mirror dist play/b",
        "gcloud storage rsync dist gs://b",
        "az storage blob upload-batch -s dist -d c",
        "duplicity restore s3://b/x ~/restore",
    ],
)
def test_a_copy_of_the_workspace_takes_no_secret(command: str) -> None:
    assert not path_of("Bash", bash(command), PROJECT).sensitive
