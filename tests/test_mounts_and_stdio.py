"""What a container mounts, and writes into the standard streams.

A bind mount (`docker run -v ~/.ssh:/s img`, `--mount type=bind,source=...`) gives the
container every file under its source, and whatever the container runs may print or send
them: the source is read whole, like the source of `cp -r`, so a home, `/` or a secret store
mounted is a secret read. A named volume (`-v data:/data`) is no host path. A program that
writes into the file it names (`tee`, `cp`, `dd of=`, `curl -o`) writes nothing when that
file is `/dev/stdout`, `/dev/stderr`, `/dev/tty` or `/dev/null`; one that replaces, removes
or changes the file itself (`rm`, `mv`, `ln -sf`, `chmod`) still writes it."""

from __future__ import annotations

import pytest

from remit.analyzers import shell_facts
from remit.analyzers.path import copy_sources
from tests.shipped import SHIPPED, bash, decide_bash, path_of

PROJECT = "/home/me/proj"
HOME = "/home/me"


@pytest.mark.parametrize(
    ("command", "source"),
    [
        ("docker run -v ~/.ssh:/s img ls", "~/.ssh"),
        ("docker run --rm -v $HOME/.aws:/root/.aws:ro amazon/aws-cli s3 ls", "$HOME/.aws"),
        ("podman run --volume ~/.kube:/k img", "~/.kube"),
        ("docker run --volume=/home/me/.gnupg:/g img", "/home/me/.gnupg"),
        ("docker run -v/home/me/.docker:/d img", "/home/me/.docker"),
        ("docker run --mount type=bind,source=/home/me/.ssh,target=/s img ls", "/home/me/.ssh"),
        ("nerdctl run --mount=type=bind,src=/home/me/.netrc,dst=/n,readonly img", "/home/me/.netrc"),
        ("docker run --rm -v /:/host img ls", "/"),
        ("docker create -v ~:/h img", "~"),
    ],
)
def test_a_mounted_secret_is_read_and_blocked(command: str, source: str) -> None:
    (cmd,) = [
        c
        for c in shell_facts("Bash", bash(command), PROJECT).commands
        if c.program in ("docker", "podman", "nerdctl")
    ]
    assert copy_sources(cmd) == [source]
    assert path_of("Bash", bash(command), PROJECT).sensitive, command
    for policy in SHIPPED:
        assert decide_bash(policy, command, PROJECT, HOME) == "block", (policy, command)


@pytest.mark.parametrize(
    "command",
    [
        "docker run -v data:/data img",  # a named volume
        "docker run -v .:/app node npm test",
        "docker run -v $(pwd):/app node npm test",
        "docker run --rm -v /home/me/proj/src:/src img make",
        "docker run -v /tmp/cache:/cache img",
        "docker run img ls -v x:y",  # the container's command's own option
        "docker ps -a",
        "docker build -t app .",
        "docker compose up -d",
    ],
)
def test_a_mount_of_no_secret_is_not_one(command: str) -> None:
    facts = path_of("Bash", bash(command), PROJECT)
    assert not facts.sensitive, (command, facts.paths)


def test_mount_sources_are_the_paths_not_the_option_values() -> None:
    assert path_of("Bash", bash("docker run -v data:/data -v ./src:/src img"), PROJECT).paths == [
        f"{PROJECT}/src"
    ]
    mounted = path_of("Bash", bash("docker run --mount type=bind,source=/srv/x,target=/x img"), PROJECT)
    assert mounted.paths == ["/srv/x"]  # not `bind,source=/srv/x,target=/x` joined to the cwd


@pytest.mark.parametrize(
    "command",
    [
        "echo x | tee /dev/stderr",
        "make 2>&1 | tee /dev/tty",
        "cp out.txt /dev/stdout",
        "curl -sS -o /dev/null -w '%{http_code}' https://example.com",
        "sort -o /dev/stdout data.txt",
        "dd if=build.img of=/dev/null bs=1M",
    ],
)
def test_a_write_into_a_standard_stream_writes_nothing(command: str) -> None:
    assert shell_facts("Bash", bash(command), PROJECT).writes == []


@pytest.mark.parametrize(
    "command",
    [
        "rm -f /dev/null",
        "mv x /dev/null",
        "ln -sf x /dev/null",
        "chmod 777 /dev/null",
        "install x /dev/stdout",
    ],
)
def test_a_change_of_the_device_file_itself_is_still_a_write(command: str) -> None:
    assert shell_facts("Bash", bash(command), PROJECT).writes, command


def test_tee_into_a_stream_and_a_file_writes_the_file() -> None:
    assert shell_facts("Bash", bash("echo x | tee /dev/stderr /etc/motd"), PROJECT).writes == ["/etc/motd"]
    for policy in SHIPPED:
        assert decide_bash(policy, "echo x | tee /dev/stderr", PROJECT, HOME) != "block", policy
