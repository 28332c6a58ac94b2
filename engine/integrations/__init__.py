"""Adapters that put remit in front of the tool calls of agent frameworks and protocols.

Importing `remit` imports none of these. Each framework adapter imports its framework, which
its own extra installs (`pip install 'remit[openai-agents]'`, `'remit[langgraph]'`,
`'remit[claude-agent-sdk]'`); the MCP gateway relays JSON-RPC itself and needs none.
"""
