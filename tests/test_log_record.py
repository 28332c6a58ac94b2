"""A decision's record, built the short way, is the record of the plain way, on any context.

`decision_record` compares a guard's context with the defaults in one pass in C (its first
fields are the defaults', in their order), and reads the session, turn and agent ids once,
taking them from the redacted context unless they are long, a value of the call was hidden
(which a text may quote), or the policy has patterns or dropped fields of its own.
Here the plain way is spelled out as it was written before those shortcuts: a comprehension
over every field, `_bounded_ids`, then each id as the redacted context holds it, or
`bounded_id(ident(bounded_id(...)))`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from remit import Guard
from remit.evaluate import CTX_DEFAULTS
from remit.log import MAX_ID_CHARS, _changed, _encode, args_sha256, bounded_id, decision_record, iso
from remit.redact_policy import NO_REDACTION, CompiledRedaction

TOKEN = "acme_" + "Q7" * 16
POLICY = r"""
name: record
version: "1"
redaction:
  patterns:
    - {name: acme-token, regex: '\bacme_[A-Za-z0-9]{32}\b'}
rules:
  - id: note
    tools: [note]
    allow: "true"
    reason: "noting {args.text}"
routes:
  - {id: fallback, ask: "true"}
"""
PLAIN = Guard.from_text(
    POLICY.replace(
        "redaction:\n  patterns:\n    - {name: acme-token, regex: '\\bacme_[A-Za-z0-9]{32}\\b'}\n", ""
    )
)
PATTERNED = Guard.from_text(POLICY)

_UNSET = object()
_IDS = ("session_id", "turn_id", "agent_id")


def _bounded_ids(ctx: dict[str, Any]) -> dict[str, Any]:
    for k in _IDS:
        value = ctx.get(k)
        if isinstance(value, str) and len(value) > MAX_ID_CHARS:
            return {k: bounded_id(v) if k in _IDS else v for k, v in ctx.items()}
    return ctx


def plain_changed(ctx: dict[str, Any]) -> dict[str, Any]:
    """The fields of `ctx` a record keeps: those that differ from their defaults, but a
    workspace that is the cwd (the default one)."""
    return {
        k: v
        for k, v in ctx.items()
        if CTX_DEFAULTS.get(k, _UNSET) != v and not (k == "workspace" and v == ctx.get("cwd", ""))
    }


def plain_record(d: Any, redaction: CompiledRedaction | None) -> dict[str, Any]:
    """`decision_record` without its shortcuts."""
    ctx = d.ctx
    changed = _bounded_ids(plain_changed(ctx))
    clean = (redaction or NO_REDACTION).call(d.args, changed)
    scrub, ident = clean.scrub, clean.ident
    ids = [ctx.get(name, "") for name in _IDS]
    if ident is None:  # the built-in redaction alone, nothing hidden: as the context logs them
        logged = clean.ctx
        session, turn, agent = (logged.get(k, raw) if raw else raw for k, raw in zip(_IDS, ids, strict=True))
    else:
        session, turn, agent = (bounded_id(ident(bounded_id(raw))) for raw in ids)
    return {
        "v": 1,
        "kind": "decision",
        "id": d.id,
        "ts": iso(d.ts),
        "session": session,
        "turn": turn,
        "agent": agent,
        "tool": d.tool,
        "args": clean.args,
        "args_sha256": args_sha256(d.args),
        "ctx": clean.ctx,
        "ratings": d.ratings.as_dict(),
        "decision": d.decision.value,
        "mode": d.mode,
        "reasons": [{"id": r.id, "kind": r.kind, "message": scrub(r.message)} for r in d.reasons],
        "shadow": [{**r.as_dict(), "message": scrub(r.message)} for r in d.shadow] if d.shadow else [],
        "errors": [{"id": e.id, "message": scrub(e.message)} for e in d.errors] if d.errors else [],
        "policy": d.policy.as_dict(),
        "latency_us": round(d.latency_us, 1),
    }


texts = st.one_of(
    st.sampled_from(
        ["", "s1", "default", "/home/dev", TOKEN, f"id-{TOKEN}", "x" * 300, f"{'y' * 250}{TOKEN}"]
    ),
    st.text(max_size=20),
)
values = st.one_of(
    texts,
    st.integers(-2, 2),
    st.booleans(),
    st.none(),
    st.just({}),
    st.dictionaries(texts, texts, max_size=2),
)
fields = st.one_of(
    st.sampled_from(list(CTX_DEFAULTS)), st.sampled_from(["pin", "custom", "token"]), st.text(max_size=8)
)


@settings(max_examples=400, deadline=None)
@given(ctx=st.dictionaries(fields, values, max_size=8), text=texts, patterned=st.booleans())
def test_the_record_of_a_checked_call_is_the_plain_record(
    ctx: dict[str, Any], text: str, patterned: bool
) -> None:
    guard = PATTERNED if patterned else PLAIN
    d = guard.check("note", {"text": text}, ctx)
    redaction = guard.policy.redaction
    assert _encode(decision_record(d, redaction)) == _encode(plain_record(d, redaction))


@settings(max_examples=400, deadline=None)
@given(ctx=st.dictionaries(fields, values, max_size=16))
def test_changed_fields_are_the_plain_ones_in_any_order(ctx: dict[str, Any]) -> None:
    full = {**CTX_DEFAULTS, **ctx}  # a guard's context: the defaults' fields first
    for given_ctx in (full, ctx, dict(reversed(full.items()))):
        plain = plain_changed(given_ctx)
        changed = _changed(given_ctx)
        assert list(changed.items()) == list(plain.items())
