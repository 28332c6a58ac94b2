"""Importers: existing permission configurations as remit policies that decide the same way.

`import_claude_settings` reads a Claude Code settings.json (`permissions`);
`import_gemini_policy` reads a Gemini CLI policy TOML file. Each returns the policy as YAML,
the rules it could not translate faithfully (with the reason), and warnings.
"""

from __future__ import annotations

from ._model import ImportFailed, ImportResult, Untranslated
from .claude import import_claude_settings
from .gemini import import_gemini_policy

__all__ = [
    "ImportFailed",
    "ImportResult",
    "Untranslated",
    "import_claude_settings",
    "import_gemini_policy",
]
