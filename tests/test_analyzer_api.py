"""The public surface of `remit.analyzers`, pinned: the engine is written against it."""

from __future__ import annotations

import inspect

import remit.analyzers as analyzers
from remit.celrt import CelObject


def test_public_names() -> None:
    assert sorted(analyzers.__all__) == sorted(
        [
            "ANALYSED_TOOLS",
            "COMPILED",
            "SHELL_TOOLS",
            "Command",
            "HttpFacts",
            "NameFacts",
            "PathFacts",
            "ShellFacts",
            "SqlFacts",
            "http_facts",
            "name_facts",
            "path_facts",
            "shell_facts",
            "sql_facts",
        ]
    )


def test_signatures() -> None:
    def params(fn: object) -> list[str]:
        return list(inspect.signature(fn).parameters)  # type: ignore[arg-type]

    assert params(analyzers.shell_facts) == ["tool", "args", "cwd"]
    assert params(analyzers.path_facts) == ["tool", "args", "cwd", "shell", "workspace"]
    assert params(analyzers.http_facts) == ["tool", "args", "shell"]
    assert params(analyzers.sql_facts) == ["tool", "args", "shell"]
    assert params(analyzers.name_facts) == ["tool", "annotations", "description"]
    assert isinstance(analyzers.SHELL_TOOLS, frozenset)


def test_fields_and_methods() -> None:
    expected = {
        analyzers.ShellFacts: {
            "command",
            "commands",
            "programs",
            "unparsed",
            "error",
            "pipes_to_shell",
            "network",
            "privileged",
            "installs_packages",
            "destructive",
            "destructive_reasons",
            "destroyed",
            "writes",
            "substitutions",
            "downloads",
            "scripts",
        },
        analyzers.Command: {
            "program",
            "argv",
            "args",
            "flags",
            "redirects",
            "text",
            "wrappers",
            "dynamic",
            "dynamic_args",
            "subcommand",
            "env",
            "inert_code",
            "reroutes_urls",
        },
        analyzers.PathFacts: {
            "paths",
            "first",
            "inside_workspace",
            "outside",
            "sensitive",
            "sensitive_paths",
            "first_sensitive",
        },
        analyzers.HttpFacts: {
            "url",
            "urls",
            "method",
            "host",
            "hosts",
            "scheme",
            "is_local",
            "has_credentials",
        },
        analyzers.SqlFacts: {
            "statements",
            "kinds",
            "read_only",
            "writes",
            "ddl",
            "drops",
            "unbounded_write",
            "tables",
        },
        analyzers.NameFacts: {"server", "base", "verb", "words", "kind", "risk", "reversibility", "domain"},
    }
    for cls, fields in expected.items():
        assert issubclass(cls, CelObject)
        assert cls.cel_fields == fields, cls
    assert analyzers.ShellFacts.cel_methods == {"writes_outside"}
    assert analyzers.Command.cel_methods == {"has_flag", "arg"}
    assert analyzers.HttpFacts.cel_methods == {"host_in"}


def test_every_field_reads_on_empty_facts() -> None:
    shell = analyzers.shell_facts("Read", {}, None)
    for facts in (
        shell,
        analyzers.path_facts("Read", {}, None, shell),
        analyzers.http_facts("Read", {}, shell),
        analyzers.sql_facts("Read", {}, shell),
        analyzers.name_facts("Read"),
    ):
        assert {key: facts[key] for key in facts}  # every listed field exists
