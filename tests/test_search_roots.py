"""Searches rooted where secrets lie, and a home's own configuration when the cwd holds it.

A recursive search (a Grep tool, `grep -r`, `rg -uu`, `find ... -exec`) of a home, `/` or
`/etc` reads the keys under it without naming them: the root counts as sensitive. A search of
the workspace, a listing (`ls ~`) and a search kept to harmless names (`glob: "*.py"`) do
not. With the cwd at a home, the home's start-up and configuration files (`~/.gitconfig`,
`~/.local/bin/`) stay outside the workspace."""

from __future__ import annotations

from typing import Any

import pytest

from remit.analyzers import path_facts, shell_facts
from remit.analyzers._sensitive import holds_sensitive, names_sensitive
from tests.shipped import path_of, shipped_decisions

PROJECT = "/home/me/proj"
HOME = "/home/me"
KEY_PATTERNS = ("BEGIN.*PRIVATE KEY", "AKIA[0-9A-Z]{16}", "password", "ghp_")


# -- the facts --


@pytest.mark.parametrize(
    ("directory", "hidden", "holds"),
    [
        ("/", True, True),
        ("/", False, True),
        ("~", True, True),
        ("~bob", True, True),
        ("/home", True, True),
        ("/home/me", True, True),
        ("/Users/me/", True, True),
        ("/root", True, True),
        ("/C:/Users/me", True, True),
        ("/etc", False, True),
        ("/var/run", False, True),
        ("~/.config", False, True),
        ("/repo/.git", True, True),
        ("..", True, True),
        ("../etc", True, True),
        ("~/.*", False, True),
        ("/home/*", True, True),
        # a home's secrets are hidden: a search that skips hidden entries misses them
        ("~", False, False),
        ("/home/me", False, False),
        ("~/*", True, False),
        # workspaces, and files sensitive by their name alone, which may lie anywhere
        ("/home/me/proj", True, False),
        ("/root/repo", True, False),
        ("/var/log", True, False),
        ("/repo/.github", True, False),
        ("src", True, False),
        ("../lib", True, False),
        (".", True, False),
        ("", True, False),
        ("*", True, False),
    ],
)
def test_holds_sensitive(directory: str, hidden: bool, holds: bool) -> None:
    assert holds_sensitive(directory, hidden) is holds


@pytest.mark.parametrize(
    ("pattern", "sensitive"),
    [
        ("*.py", False),
        ("**/*.py", False),
        ("*.{ts,tsx}", False),
        ("Makefile", False),
        ("*", True),
        (".*", True),
        ("id_rsa", True),
        ("*.pem", True),
        ("*.json", True),
        ("config", True),
        ("credentials", True),
        ("*.{json,py}", True),
    ],
)
def test_names_sensitive(pattern: str, sensitive: bool) -> None:
    assert names_sensitive(pattern) is sensitive


@pytest.mark.parametrize("root", ["~", HOME, "/", "/root", "/home"])
def test_a_grep_of_a_home_or_the_root_reads_its_secrets(root: str) -> None:
    facts = path_of("Grep", {"pattern": "ghp_", "path": root}, PROJECT)
    assert facts.sensitive
    assert (root.rstrip("/") or "/") in facts.sensitive_paths


def test_a_grep_without_a_path_searches_the_cwd() -> None:
    assert path_of("Grep", {"pattern": "ghp_"}, HOME).sensitive_paths == [HOME]
    assert not path_of("Grep", {"pattern": "ghp_"}, PROJECT).sensitive
    assert not path_of("Grep", {"pattern": "ghp_"}, None).sensitive  # no directory known


def test_a_search_in_the_workspace_names_no_secret() -> None:
    searches = (
        {"pattern": "TODO", "path": "src"},
        {"pattern": "password", "path": PROJECT},
        {"pattern": "x"},
    )
    for args in searches:
        facts = path_of("Grep", args, PROJECT)
        assert not facts.sensitive
        assert facts.inside_workspace


# -- the shipped policies --


@pytest.mark.parametrize("pattern", KEY_PATTERNS)
@pytest.mark.parametrize("root", ["~", HOME, "/", "/root"])
def test_grep_for_keys_under_a_home_or_the_root_is_blocked(pattern: str, root: str) -> None:
    assert shipped_decisions("Grep", {"pattern": pattern, "path": root}, PROJECT) == ["block"] * 3


@pytest.mark.parametrize(
    ("tool", "args", "cwd"),
    [
        ("Grep", {"pattern": "ghp_"}, HOME),  # the cwd is the home
        ("Grep", {"pattern": "ghp_", "path": "/home"}, PROJECT),
        ("Grep", {"pattern": "ghp_", "path": "..", "glob": "*"}, PROJECT),
        ("Grep", {"pattern": "x", "path": "~", "glob": "*.json"}, PROJECT),
        ("Grep", {"pattern": "x", "path": "/root"}, "/root/repo"),  # root's own home
        ("search_file_content", {"pattern": "AKIA", "path": HOME}, PROJECT),
        ("grep_search", {"query": "AKIA"}, HOME),
        ("Glob", {"pattern": "~/.ssh/*"}, PROJECT),
        ("Glob", {"pattern": "**/id_rsa", "path": "~"}, PROJECT),
        ("Bash", {"command": 'grep -r "PRIVATE KEY" ~'}, PROJECT),
        ("Bash", {"command": 'grep -rn "PRIVATE KEY" /home/me'}, PROJECT),
        ("Bash", {"command": "grep -R AKIA ${HOME}/"}, PROJECT),
        ("Bash", {"command": "egrep -r -d recurse AKIA ~"}, PROJECT),
        ("Bash", {"command": "cd ~ && grep -r TODO ."}, PROJECT),
        ("Bash", {"command": "grep -rn TODO"}, HOME),
        ("Bash", {"command": "grep -rl AKIA ~/.*"}, PROJECT),
        ("Bash", {"command": "rg -uu AKIA ~"}, PROJECT),
        ("Bash", {"command": "rg -u -u AKIA ~"}, PROJECT),
        ("Bash", {"command": "rg --hidden AKIA ~"}, PROJECT),
        ("Bash", {"command": "rg AKIA /"}, PROJECT),
        ("Bash", {"command": "rg AKIA /etc"}, PROJECT),
        ("Bash", {"command": "rg -uu -g '!*.md' AKIA ~"}, PROJECT),
        ("Bash", {"command": "ag -u AKIA ~"}, PROJECT),
        ("Bash", {"command": "ack AKIA ~"}, PROJECT),
        ("Bash", {"command": "grep -r url ~/.config"}, PROJECT),
        ("Bash", {"command": "grep -r AKIA /root"}, "/root/repo"),
        ("Bash", {"command": "grep -rn x .."}, None),  # above a directory not known: maybe a home
        ("Bash", {"command": "find ~ -name id_rsa -exec cat {} +"}, PROJECT),
        ("Bash", {"command": "find /home/me -type f -exec grep -l AKIA {} +"}, PROJECT),
        ("Bash", {"command": "find /home/me -type f | xargs grep AKIA"}, PROJECT),
        ("Bash", {"command": "find /home/me -name config -exec cat {} +"}, PROJECT),
        ("Bash", {"command": "find . -exec grep -l AKIA {} +"}, HOME),
    ],
)
def test_a_search_that_reads_secrets_is_blocked(tool: str, args: dict[str, Any], cwd: str | None) -> None:
    assert shipped_decisions(tool, args, cwd) == ["block"] * 3


@pytest.mark.parametrize(
    ("tool", "args", "cwd"),
    [
        ("Grep", {"pattern": "TODO", "path": "src"}, PROJECT),
        ("Grep", {"pattern": "password"}, PROJECT),
        ("Grep", {"pattern": "password", "path": PROJECT}, PROJECT),
        ("Grep", {"pattern": "x", "path": "~/proj"}, PROJECT),
        ("Grep", {"pattern": "def main", "path": "~", "glob": "*.py"}, PROJECT),
        ("Grep", {"pattern": "x", "path": HOME, "include": "*.{ts,tsx}"}, PROJECT),
        ("Grep", {"pattern": "x"}, None),
        ("Glob", {"pattern": "**/*.py", "path": HOME}, PROJECT),
        ("LS", {"path": HOME}, PROJECT),
        ("Bash", {"command": "ls ~"}, PROJECT),
        ("Bash", {"command": "ls -laR /home/me"}, PROJECT),
        ("Bash", {"command": "du -sh ~"}, PROJECT),
        ("Bash", {"command": "grep AKIA ~"}, PROJECT),  # not recursive: a directory is not read
        ("Bash", {"command": "grep -rn TODO src"}, PROJECT),
        ("Bash", {"command": "grep -rn TODO"}, PROJECT),
        ("Bash", {"command": "grep -rn TODO"}, None),
        ("Bash", {"command": "grep -rl AKIA ~/*"}, PROJECT),  # `*` skips hidden entries
        ("Bash", {"command": "grep -r --include='*.py' def ~"}, PROJECT),
        ("Bash", {"command": "grep -r x /var/log"}, PROJECT),
        ("Bash", {"command": "rg AKIA ~"}, PROJECT),  # ripgrep skips hidden entries
        ("Bash", {"command": "rg -u AKIA ~"}, PROJECT),
        ("Bash", {"command": "rg TODO"}, HOME),
        ("Bash", {"command": "rg -g '*.py' def /"}, PROJECT),
        ("Bash", {"command": "rg --files ~"}, PROJECT),
        ("Bash", {"command": "ag AKIA ~"}, PROJECT),
        ("Bash", {"command": "find /home/me/proj -type f -exec grep -l x {} +"}, PROJECT),
        ("Bash", {"command": "find /home/me -name '*.py' -exec grep -l x {} +"}, PROJECT),
    ],
)
def test_a_search_that_reads_no_secret_flows(tool: str, args: dict[str, Any], cwd: str | None) -> None:
    coding, strict, _ = shipped_decisions(tool, args, cwd)
    assert coding == "allow"
    assert strict != "block"


# -- a home's own configuration, with the cwd at the home --


@pytest.mark.parametrize(
    ("file_path", "cwd"),
    [
        ("/home/me/.gitconfig", HOME),
        ("/home/me/.config/git/config", HOME),
        ("/home/me/.local/bin/x", HOME),
        ("/home/me/bin/x", HOME),
        ("/home/me/.config/systemd/user/x.service", HOME),
        (".gitconfig", HOME),
        ("me/.gitconfig", "/home"),
        ("/home/me/.gitconfig", "/"),
        ("/Users/me/Library/LaunchAgents/x.plist", "/Users/me"),
        ("~/.gitconfig", "~"),
        ("/root/.gitconfig", "/root"),
        ("/root/.local/bin/x", "/root"),
        ("/root/.gitconfig", "/root/repo"),
        ("/root/.config/git/config", "/root/repo"),
    ],
)
def test_a_homes_configuration_stays_outside_the_workspace(file_path: str, cwd: str) -> None:
    facts = path_of("Write", {"file_path": file_path, "content": "x"}, cwd)
    assert not facts.inside_workspace
    for tool in ("Write", "Edit"):
        args = {"file_path": file_path, "content": "x", "old_string": "a", "new_string": "b"}
        assert shipped_decisions(tool, args, cwd) == ["ask", "ask", "block"]


@pytest.mark.parametrize(
    ("file_path", "cwd"),
    [
        ("/home/me/.bashrc", HOME),
        ("/home/me/.ssh/authorized_keys", HOME),
        ("/home/me/.aws/credentials", HOME),
        ("/root/.bashrc", "/root"),
        ("/root/.bashrc", "/root/repo"),
        ("/root/.ssh/authorized_keys", "/root/repo"),
        ("/root/.aws/credentials", "/root"),
    ],
)
def test_a_homes_secrets_stay_secrets_with_the_cwd_there(file_path: str, cwd: str) -> None:
    assert shipped_decisions("Write", {"file_path": file_path, "content": "x"}, cwd) == ["block"] * 3


@pytest.mark.parametrize(
    ("file_path", "cwd"),
    [
        ("/home/me/notes.txt", HOME),
        ("/home/me/proj/.gitconfig", PROJECT),  # a project's file so named is not the user's
        ("/home/me/dotfiles/.gitconfig", "/home/me/dotfiles"),
        ("/home/me/.config/nvim/init.lua", "/home/me/.config/nvim"),  # the cwd is in it
        ("/root/repo/x.py", "/root/repo"),
        ("/root/notes.txt", "/root"),
    ],
)
def test_other_files_under_the_cwd_are_the_workspace(file_path: str, cwd: str) -> None:
    assert path_of("Write", {"file_path": file_path, "content": "x"}, cwd).inside_workspace
    assert shipped_decisions("Write", {"file_path": file_path, "content": "x"}, cwd)[0] == "allow"


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("echo '[alias] st = !sh x' >> .gitconfig", HOME),
        ("echo x >> ~/.gitconfig", HOME),
        ("cp x.sh ~/.local/bin/x", HOME),
        ("tee .config/git/config < x", HOME),
        ("echo x > me/.gitconfig", "/home"),
        ("echo x > /root/.gitconfig", "/root"),
    ],
)
def test_a_shell_write_to_a_homes_configuration_is_outside_the_workspace(command: str, cwd: str) -> None:
    assert shell_facts("Bash", {"command": command}, cwd).writes_outside(cwd)
    assert shipped_decisions("Bash", {"command": command}, cwd) == ["ask", "ask", "block"]


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("echo x > notes.txt", HOME),
        ("echo x > proj/.gitconfig", HOME),  # a project's file so named is not the user's
        ("echo x > .gitconfig", PROJECT),
        ("echo x > out.txt", "/root"),
    ],
)
def test_other_shell_writes_under_the_cwd_are_the_workspace(command: str, cwd: str) -> None:
    assert not shell_facts("Bash", {"command": command}, cwd).writes_outside(cwd)


# -- name filters that do not narrow, and searches that reach hidden entries --


@pytest.mark.parametrize(
    "args",
    [
        {"glob": "!*.py"},
        {"glob": "!*.py", "include": "!*.md"},
        {"glob": "*.py,id_rsa"},
        {"glob": "*.py id_rsa"},
        {"glob": "{*.py,id_rsa}"},
        {"glob": "!*.py,id_rsa"},
        {"glob": ""},
        {"glob": ["*.py"]},
        {"glob": "*.py", "include": "*"},
        {"include": "*.py,.env"},
        {"type": "all"},
        {"type": "sh"},
        {"type": "mytype"},
        {"type": "py", "glob": "*"},
        {"glob": "*.py", "type": "all"},
        {"glob": "*.kdbx"},
        {"glob": "*.conf"},
        {"glob": "*.xml"},
        {"glob": "*.json"},
        {"glob": "*.sqlite"},
        {"glob": "*.db"},
        {"glob": "*.properties"},
    ],
)
def test_a_grep_filter_that_may_let_a_secret_in_does_not_narrow(args: dict[str, Any]) -> None:
    facts = path_of("Grep", {"pattern": "x", "path": HOME, **args}, PROJECT)
    assert HOME in facts.sensitive_paths
    assert shipped_decisions("Grep", {"pattern": "x", "path": HOME, **args}, PROJECT) == ["block"] * 3


@pytest.mark.parametrize(
    "args",
    [
        {"glob": "*.py"},
        {"glob": "**/*.py"},
        {"glob": "*.py,*.ts"},
        {"glob": "*.py *.md"},
        {"glob": "*.{py,ts}"},
        {"glob": "*.py", "type": "py"},
        {"glob": "!*.md", "type": "py"},
        {"type": "py"},
        {"type": "rust"},
        {"include": "*.{ts,tsx}"},
    ],
)
def test_a_grep_filter_of_harmless_names_narrows(args: dict[str, Any]) -> None:
    assert not path_of("Grep", {"pattern": "x", "path": HOME, **args}, PROJECT).sensitive
    assert shipped_decisions("Grep", {"pattern": "x", "path": HOME, **args}, PROJECT)[0] == "allow"


@pytest.mark.parametrize(
    "command",
    [
        # a whitelisting glob or type lets ripgrep into hidden entries
        "rg -g '*' foo ~",
        "rg --glob='*' foo ~",
        "rg --glob '*' foo ~",
        "rg -g='*' foo ~",
        "rg -nHg '*' foo ~",
        "rg -g '*' -g '!*.md' foo ~",
        "rg -g '*.py' -g '*' foo ~",
        "rg -g '.*' foo ~",
        "rg --iglob '*' foo ~",
        "rg -g 'id_*' foo ~",
        "rg -g '**' foo ~",
        "rg -tall foo ~",
        "rg -t all foo ~",
        "rg --type=all foo ~",
        "rg -tsh foo ~",
        "rg --type-add 'x:*' -tx foo ~",
        # GNU grep's abbreviated long options
        "grep --recur foo ~",
        "grep --rec foo ~",
        "grep --deref foo ~",
        "grep --dir=recurse foo ~",
        "grep --directories=recurse foo ~",
        "grep --directories recurse foo ~",
        "grep --dir=rec foo ~",
        "grep -d rec foo ~",
        "grep -nHdrecurse foo ~",
        # git grep outside the repository
        "git grep --no-index foo ~",
        "git grep --no-ind foo ~",
        "git -C ~ grep --no-index -e foo",
        "git -C / -C home grep --no-index foo me",
        "git grep --no-index -e foo -- src ~",
        "cd ~ && git grep --no-index foo",
    ],
)
def test_a_shell_search_that_reaches_hidden_secrets_is_blocked(command: str) -> None:
    assert path_of("Bash", {"command": command}, PROJECT).sensitive
    assert shipped_decisions("Bash", {"command": command}, PROJECT) == ["block"] * 3


@pytest.mark.parametrize(
    "command",
    [
        "rg -g '*.py' foo ~",
        "rg -g '*.py' -g '!*.md' foo ~",
        "rg -g '!*.md' foo ~",
        "rg -tpy foo ~",
        "rg -g '*' foo",
        "grep -rn TODO src/",
        "grep --rec TODO src",
        "grep -d skip foo ~",
        "grep recurse notes.txt",
        "git grep foo",
        "git grep foo -- ~",
        "git grep --no-index foo",
        "git grep --no-index foo src",
        "git -C ~/proj grep --no-index foo",
        "ls ~",
    ],
)
def test_a_shell_search_that_reads_no_hidden_secret_flows(command: str) -> None:
    assert not path_of("Bash", {"command": command}, PROJECT).sensitive
    assert shipped_decisions("Bash", {"command": command}, PROJECT)[0] == "allow"


# -- secrets by place, and globs a shell or a loop over `find` may stand for --


@pytest.mark.parametrize(
    "path",
    [
        "~/.config/rclone/rclone.conf",
        "~/.m2/settings.xml",
        "~/.m2/settings-security.xml",
        "~/.gradle/gradle.properties",
        "~/.mozilla/firefox/x.default/cookies.sqlite",
        "~/.mozilla/firefox/x.default/logins.json",
        "~/.mozilla/firefox/x.default/key4.db",
        "~/.config/google-chrome/Default/Cookies",
        "~/.config/google-chrome/Default/Login Data",
        "~/.config/chromium/Default/Login Data",
        "/Users/me/Library/Application Support/Google/Chrome/Default/Cookies",
        "/Users/me/Library/Application Support/Firefox/Profiles/x/logins.json",
        "~/Library/Keychains/login.keychain-db",
        "~/Library/Cookies/Cookies.binarycookies",
        "~/.local/share/keyrings/login.keyring",
        "~/.password-store/email.gpg",
        "~/.config/gh/hosts.yml",
        "~/.config/hub",
        "~/.pypirc",
        "~/.terraform.d/credentials.tfrc.json",
        "~/.config/gcloud/credentials.db",
        "~/.azure/accessTokens.json",
        "~/.kube/config",
        "~/.docker/config.json",
    ],
)
def test_credential_stores_are_sensitive(path: str) -> None:
    assert path_of("Read", {"file_path": path}, PROJECT).sensitive


@pytest.mark.parametrize(
    "path", ["/home/me/proj/gradle.properties", "/home/me/proj/settings.xml", "/home/me/proj/Library/x.cs"]
)
def test_a_projects_files_so_named_are_not_credential_stores(path: str) -> None:
    assert not path_of("Read", {"file_path": path}, PROJECT).sensitive


@pytest.mark.parametrize(
    ("directory", "holds"),
    [
        ("~/Library", True),
        ("/Users/me/Library/", True),
        ("/Users/me/Library/Application Support", True),
        ("/home/me/proj/Library", False),  # a project's own (Unity's)
    ],
)
def test_a_homes_library_holds_its_keychains(directory: str, holds: bool) -> None:
    assert holds_sensitive(directory, False) is holds


@pytest.mark.parametrize(
    ("pattern", "sensitive"),
    [
        ("*.conf", True),
        ("*.xml", True),
        ("*.sqlite", True),
        ("*.db", True),
        ("*.properties", True),
        ("*.kdbx", True),
        ("*.jks", True),
        ("*.gpg", True),
        ("*.md", False),
        ("*.go", False),
    ],
)
def test_names_sensitive_knows_credential_stores(pattern: str, sensitive: bool) -> None:
    assert names_sensitive(pattern) is sensitive


@pytest.mark.parametrize(
    ("command", "sensitive"),
    [
        # Bash's `*` skips hidden names, and a home's secrets are hidden
        ("cat ~/*", False),
        ("cat /home/me/*", False),
        # `.*` names them; `**` stands for everything below, hidden entries among them (the
        # reading a loop over `find ~`'s output gives its variable)
        ("cat ~/.*", True),
        ("cat ~/**", True),
        ("cat /home/me/.*", True),
        ("cat /home/me/**", True),
        ("cat /home/*/.*", True),
        ("cat /home/me/proj/*", False),
        ("cat /home/me/proj/**", False),
        ("cat /home/me/proj/.*", True),  # hidden names, a project's `.env` among them
        ("cat src/**", False),
    ],
)
def test_a_glob_under_a_home_that_reaches_hidden_entries_is_sensitive(command: str, sensitive: bool) -> None:
    assert path_of("Bash", {"command": command}, PROJECT).sensitive is sensitive


@pytest.mark.parametrize(
    ("command", "sensitive"),
    [
        ('find "$HOME" -maxdepth 1 -exec du -sh {} +', False),  # sizes: no content read
        ("find ~ -exec ls -ld {} \\;", False),
        ("find ~ -exec stat {} +", False),
        ("find ~ -exec cat {} +", True),
        ("find ~ -exec grep -l AKIA {} +", True),
        ("find ~ -exec $CMD {} +", True),  # a program only run time knows
    ],
)
def test_find_running_a_program_that_reads_only_names_reads_no_secret(command: str, sensitive: bool) -> None:
    shell = shell_facts("Bash", {"command": command}, "/home/me/proj")
    assert path_facts("Bash", {"command": command}, "/home/me/proj", shell).sensitive is sensitive
