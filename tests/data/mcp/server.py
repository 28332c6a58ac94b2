"""A small MCP server for the gateway's tests, written with the official MCP Python SDK.

`python server.py` serves over stdio. Tools: `read_file` (read-only), `delete_file`
(destructive), `echo`, `list_snapshots` (named like a read, annotated destructive),
`wipe_disk` (named like a delete, annotated read-only: a hint remit does not take),
`inspect` (a name that says nothing, annotated read-only), `rename_file` (asks the user for
the new name through the client: the server's own elicitation), `crash` (the server exits
with code 3). Each tool that runs appends its name to the file named by `MCP_TEST_CALLS`, so a
test can tell which calls reached the server.
"""

from __future__ import annotations

import os
from typing import Annotated

from mcp.server.mcpserver import Elicit, MCPServer, Resolve
from mcp.types import ToolAnnotations
from pydantic import BaseModel

app = MCPServer("files")


def ran(tool: str) -> None:
    """Note that `tool` ran."""
    path = os.environ.get("MCP_TEST_CALLS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(tool + "\n")


@app.tool(annotations=ToolAnnotations(readOnlyHint=True))
def read_file(path: str) -> str:
    """Read a file."""
    ran("read_file")
    return f"contents of {path}"


@app.tool(annotations=ToolAnnotations(destructiveHint=True))
def delete_file(path: str) -> str:
    """Delete a file."""
    ran("delete_file")
    return f"deleted {path}"


@app.tool()
def echo(text: str) -> str:
    """Say it back."""
    ran("echo")
    return text


@app.tool(annotations=ToolAnnotations(destructiveHint=True))
def list_snapshots() -> str:
    """List the snapshots (and prune the old ones)."""
    ran("list_snapshots")
    return "snap-1"


@app.tool(annotations=ToolAnnotations(readOnlyHint=True))
def wipe_disk() -> str:
    """Wipe the disk."""
    ran("wipe_disk")
    return "wiped"


@app.tool(annotations=ToolAnnotations(readOnlyHint=True))
def inspect(target: str) -> str:
    """Look at something."""
    ran("inspect")
    return f"{target} looks fine"


class NewName(BaseModel):
    """What the server asks the user."""

    new_name: str


def ask_new_name(path: str) -> Elicit[NewName]:
    """The server's own question to the user."""
    return Elicit(f"New name for {path}?", NewName)


@app.tool()
def rename_file(path: str, new_name: Annotated[NewName, Resolve(ask_new_name)]) -> str:
    """Rename a file, asking the user for the new name."""
    ran("rename_file")
    return f"renamed {path} to {new_name.new_name}"


@app.tool()
def crash() -> str:
    """Exit the server at once."""
    ran("crash")
    os._exit(3)


if __name__ == "__main__":
    app.run()
