"""OpenTelemetry GenAI spans as JSON: tool executions (`gen_ai.tool.name`).

Reads the OTLP/JSON layout (`resourceSpans[].scopeSpans[].spans[]`, attributes as
`[{key, value: {stringValue: ...}}]`, one export per line as the collector's file exporter
writes it, or one pretty-printed document) and flat spans (one per line, or a JSON array,
attributes as an object, as SDK console exporters write them). A span with `gen_ai.tool.name`
is a call: `gen_ai.tool.call.arguments` are its args, `gen_ai.tool.call.id` its id, the span
status its outcome, `gen_ai.conversation.id` (else `session.id`, else the trace id) its session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from .base import Parser
from .files import json_args, parse_ts
from .model import RawCall, RawContext, RawItem

TOOL_NAME = ("gen_ai.tool.name", "tool.name")
ARGUMENTS = ("gen_ai.tool.call.arguments", "tool.parameters", "input.value")
SESSION = ("gen_ai.conversation.id", "session.id", "gen_ai.agent.id")


class OtelParser(Parser):
    """OpenTelemetry span records to raw items."""

    fmt: ClassVar[str] = "otel"

    def __init__(self, file: str, *, session_hint: str = "", depth: int = 0) -> None:
        super().__init__(file, session_hint=session_hint, depth=depth)
        self._session: str | None = None

    def document(self, value: Any) -> Iterator[RawItem]:
        """One OTLP export, or a list of spans or exports."""
        if isinstance(value, dict):
            yield from self.record(1, value)
        else:
            yield from super().document(value)

    def record(self, line: int, value: Any) -> Iterator[RawItem]:
        """One OTLP export (many spans) or one flat span."""
        if not isinstance(value, dict):
            yield self.unknown(line, "a record that is not a JSON object")
        elif isinstance(value.get("resourceSpans"), list):
            for span in _otlp_spans(value["resourceSpans"]):
                yield from self._span(line, span, _otlp_attributes(span.get("attributes")))
        elif "name" in value and ("attributes" in value or "context" in value):
            attributes = value.get("attributes")
            yield from self._span(line, value, attributes if isinstance(attributes, dict) else {})
        else:
            yield self.unknown(line, "neither an OTLP export nor a span")

    def _span(self, line: int, span: dict[str, Any], attrs: dict[str, Any]) -> Iterator[RawItem]:
        tool = _pick(attrs, TOOL_NAME)
        if not isinstance(tool, str) or not tool:
            return  # a model call, an agent run, an HTTP request: not a tool execution
        session = _pick(attrs, SESSION) or _trace_id(span)
        if session and str(session) != self._session:
            self._session = str(session)
            yield RawContext(line, session_id=self._session)
        failed = _failed(span)
        call_id = _pick(attrs, ("gen_ai.tool.call.id",)) or _span_id(span) or self.line_id(line)
        start = span.get("startTimeUnixNano", span.get("start_time"))
        end = span.get("endTimeUnixNano", span.get("end_time"))
        yield RawCall(
            tool,
            json_args(_pick(attrs, ARGUMENTS)),
            str(call_id),
            parse_ts(start),
            line,
            resolved=True,
            outcome="failed" if failed else "executed",
            result_error=failed,
            result_ts=parse_ts(end),
        )


def _otlp_spans(resource_spans: list[Any]) -> Iterator[dict[str, Any]]:
    for resource in resource_spans:
        scopes = resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans") or []
        for scope in scopes if isinstance(scopes, list) else []:
            spans = scope.get("spans") if isinstance(scope, dict) else None
            for span in spans if isinstance(spans, list) else []:
                if isinstance(span, dict):
                    yield span


def _otlp_attributes(attributes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in attributes if isinstance(attributes, list) else []:
        if isinstance(attr, dict) and isinstance(attr.get("key"), str):
            out[attr["key"]] = _otlp_value(attr.get("value"))
    return out


def _otlp_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return value["intValue"]
    if "arrayValue" in value:
        values = value["arrayValue"].get("values") if isinstance(value["arrayValue"], dict) else None
        return [_otlp_value(v) for v in values or []]
    if "kvlistValue" in value:
        kv = value["kvlistValue"]
        return _otlp_attributes(kv.get("values") if isinstance(kv, dict) else None)
    return None


def _pick(attrs: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if attrs.get(key) not in (None, ""):
            return attrs[key]
    return None


def _trace_id(span: dict[str, Any]) -> Any:
    context = span.get("context")
    return span.get("traceId") or (context.get("trace_id") if isinstance(context, dict) else None)


def _span_id(span: dict[str, Any]) -> Any:
    context = span.get("context")
    return span.get("spanId") or (context.get("span_id") if isinstance(context, dict) else None)


def _failed(span: dict[str, Any]) -> bool:
    status = span.get("status")
    if not isinstance(status, dict):
        return False
    code = status.get("code", status.get("status_code"))
    return code in (2, "2", "STATUS_CODE_ERROR", "ERROR")
