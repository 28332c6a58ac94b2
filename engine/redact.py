"""Keep secrets out of the log: walk a value (arguments, context) and hide what it holds.

A text is redacted by `secret_patterns.redact_text` (the built-in patterns), and so is a field
name; a field whose name says it holds a secret (`password`, `apiKey`) is hidden whole, whatever
it holds (a text, a list, a dict), and so is the value that follows a secret's flag in an argv
list. A value keeps a bounded amount of text (`MAX_TEXT`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from . import secret_patterns
from .secret_patterns import (
    _NOT_REF,
    _NOT_SPEC,
    _SECRET_KEYS,
    ARGV_CUES,
    ARGV_FLAGS,
    ARGV_GROUPS,
    ARGV_LONG_CUES,
    ARGV_WORDS,
    CONTAINER_PROGRAMS,
    Argv,
    Found,
    _regex,
    next_flag,
    reads_glued,
    reads_next,
)
from .secret_patterns import KINDS as KINDS
from .secret_patterns import marker as marker
from .secret_patterns import redact_text as redact_text

if TYPE_CHECKING:  # compiled on first use, see `secret_patterns.__getattr__`
    import re

    PATTERNS: list[tuple[str, re.Pattern[str]]]
    SECRET_KEYS: re.Pattern[str]


MAX_DEPTH = 32
MAX_NODES = 200_000
"""Values one redaction walks at most (arguments are bounded to 25,000 before any rule runs)."""
MAX_TEXT = 32_768
"""Characters of text a redacted value keeps in all: past them, a string is cut (see `cut_text`).
Redaction costs time per character and per secret found, and a record is no place for a
megabyte of arguments (`args_sha256` in the log still stands for the whole of them)."""
MAX_STRING = 8_192
"""Characters one string keeps, at most."""
MAX_KEY = 256
"""Characters of a field's name a record keeps: the head of a longer one, after its redaction."""
TRUNCATED_TEXT = "[TRUNCATED:text]"
TRUNCATED_KEY = "[TRUNCATED]"
"""The field that stands for the fields of a dict left out once `MAX_TEXT` is spent."""
_ITEM_COST = 16
"""What a list item or a dict field costs of `MAX_TEXT` besides its text: a value keeps at
most 2,048 of them (each string is redacted on its own, at a cost of its own)."""
_LONGEST = MAX_STRING + _ITEM_COST
"""What a string field of `MAX_STRING` characters costs of `MAX_TEXT`."""
_CUT_WINDOW = 1_024
_SEPARATORS = " \t\n\r\"',;&|<>()[]{}`"
"""Where `cut_text` may cut: between tokens."""
DROPPED = "[DROPPED]"
MAX_UNLOGGED = 4_096
"""Values past the text budget looked at for what their field name or argv flag hides."""
UNSEEN = "\x00unseen"
"""Put in `seen` when values past the text budget were left unlooked at: a message may quote
one of them, so messages cannot be scrubbed value by value (see `redact_policy`)."""
_SCALARS = frozenset({int, float, bool, type(None)})
_BYTES = (bytes, bytearray, memoryview)
"""Bytes: written as their UTF-8 text (`as_text`), and read so after an argv's flag too."""
UNPRINTABLE = "[REDACTED:unprintable]"
"""What stands for a value whose `str` raises: nothing of it can be shown."""


def as_text(value: Any) -> str:
    """A value JSON has no type for, as text to be redacted: a secret in it must not pass
    because it is not a string. Bytes are decoded as UTF-8, a byte that is not UTF-8 written
    as U+FFFD: their `repr`, or an escape such as `\\xff`, would glue letters to a secret
    that follows (`\\xffghp_...`) and hide it from the patterns, which need it to start a
    word; U+FFFD is no word character. Anything else is its `str`, which is what the log
    would write of it."""
    try:
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value).decode("utf-8", "replace")
        return str(value)
    except Exception:
        return UNPRINTABLE


def quoted_texts(value: Any) -> tuple[str, ...]:
    """The texts by which a message may quote a value JSON has no type for: `as_text`, and
    for bytes what their `repr` holds between its quotes (a reason's `{args.password}`
    writes `b'p\\xc3\\xa4ss'` where `as_text` has `päss`)."""
    text = as_text(value)
    if isinstance(value, (bytes, bytearray)):
        quoted = repr(bytes(value))[2:-1]
        if quoted != text:
            return text, quoted
    return (text,)


def is_collection(value: Any) -> bool:
    """Whether a value JSON has no type for, and no mapping, is walked as a list: a set, a
    deque, a `UserList`... (their `str` escapes a newline as `\\n`, glued to what follows).
    Text and bytes are not, and neither is an iterator: walking it would use it up."""
    return isinstance(value, Iterable) and not isinstance(
        value, (str, bytes, bytearray, memoryview, Iterator)
    )


def items_of(value: Iterable[Any]) -> Iterator[Any]:
    """The items of a collection of the caller's; one that raises while read ends with
    `UNPRINTABLE` (what was read before it is kept)."""
    try:
        yield from value
    except Exception:
        yield UNPRINTABLE


def fields_of(value: Mapping[Any, Any]) -> Iterator[tuple[Any, Any]]:
    """The fields of a mapping of the caller's (not a dict), as `items_of` reads items."""
    try:
        yield from value.items()
    except Exception:
        yield UNPRINTABLE, UNPRINTABLE


SECRET_NAMES = 4096
SECRET_NAME_CHARS = 64
"""At most this many field names of at most this many characters are remembered as secret or not
(and as holding no secret of their own: a name that holds one is never remembered)."""
_secret_names: dict[str, bool] = {}
_NO_NAMES: dict[str, bool] = {}


def _is_secret_field(name: str) -> bool:
    """Whether a field of this name holds a secret (`_SECRET_KEYS`)."""
    secret = _secret_names.get(name)
    if secret is None:
        secret = _learn_name(name)
    return _secret_name(name) if secret is None else secret


_PAIR_NAMES = ("name", "key", "Name", "Key")


def _secret_pair(value: dict[Any, Any]) -> bool:
    """`value` is a name and value pair whose name is a secret's (Kubernetes' `{"name":
    "DB_PASSWORD", "value": ...}`, a header's `{"key": "X-Api-Key", "value": ...}`): its
    `value` is hidden as a field of that name would be."""
    if "value" not in value and "Value" not in value:
        return False
    for field in _PAIR_NAMES:
        name = value.get(field)
        if name is not None:  # a parameter store's path names it by its last part
            return type(name) is str and _is_secret_field(name.rpartition("/")[2])
    return False


def _secret_name(name: str) -> bool:
    return _regex(_SECRET_KEYS).match(name) is not None


def _learn_name(name: str) -> bool | None:
    """`_is_secret_field` of a name not remembered yet, or None when the name itself holds a
    secret (`{"ghp_...": 1}`): it is then logged redacted, and never remembered. Names repeat
    from call to call (`command`, `file_path`), so a short one is remembered, in a bounded
    dict: a name found there needs neither check again."""
    if redact_text(name) != name:
        return None
    secret = _secret_name(name)
    if len(name) <= SECRET_NAME_CHARS:
        if len(_secret_names) >= SECRET_NAMES:
            _secret_names.clear()
        _secret_names[name] = secret
    return secret


def _free_name(out: dict[str, Any], name: str) -> str:
    """`name`, or `name#2`, `name#3`... the first that `out` does not hold yet: two fields whose
    names are logged alike (two keys redacted to one marker, `1` and `"1"`) are both kept."""
    n = 2
    while f"{name}#{n}" in out:
        n += 1
    return f"{name}#{n}"


def _named_fields(value: tuple[Any, ...]) -> tuple[str, ...] | None:
    """The field names of a named tuple (`collections.namedtuple`, `typing.NamedTuple`), which is
    logged as a dict so that its names hide what they say is a secret; None for another tuple."""
    names = getattr(type(value), "_fields", None)
    if type(names) is tuple and len(names) == len(value) and all(type(n) is str for n in names):
        return names
    return None


def _is_marker(text: str) -> bool:
    return (text.startswith("[REDACTED:") and text.endswith("]")) or text == DROPPED


def cut_text(text: str, limit: int) -> str:
    """The head of `text` a record keeps: at most `limit` characters, ending before the token
    that runs across the limit (at the last separator of the last `_CUT_WINDOW` characters,
    else that many characters short), so no secret is kept in part where its pattern, which
    needs the whole token, would not see it (a PEM block cut short is still matched)."""
    head = text[:limit]
    floor = max(0, limit - _CUT_WINDOW)
    at = max(head.rfind(sep, floor) for sep in _SEPARATORS)
    return head[: at if at >= floor else floor]


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value with secrets replaced (by key name, then by pattern); a
    policy's own patterns and dropped fields are `redact_policy.CompiledRedaction.call`'s."""
    return redact_with(value, redact_text, depth=depth)


def redact_with(
    value: Any,
    text: Callable[[str], str],
    *,
    depth: int = 0,
    seen: dict[str, str] | None = None,
    keys: Callable[[str], str] | None = None,
) -> Any:
    """`redact`, with `text` redacting each string; `seen` collects each value hidden because
    of its field name, with the marker that replaced it (to find it again in free text).

    A field name is redacted by the built-in patterns (`text` when it holds a secret), then by
    `keys` if given: a policy's patterns, which a name holding no built-in secret may hold.

    At most `MAX_NODES` values are walked (a value that shares itself, `d["a"] = d`, would
    otherwise take exponential time): what lies beyond is logged as `[TRUNCATED:size]`.
    """
    return _Walk(text, seen, keys).walk(value, depth)


def redact_fields(
    value: dict[Any, Any],
    text: Callable[[str, dict[str, str] | None], str],
    seen: dict[str, str] | None,
    clean: set[str] | frozenset[str] = frozenset(),
    keys: Callable[[str, dict[str, str] | None], str] | None = None,
) -> dict[str, Any]:
    """`redact_with(value, lambda s: text(s, seen), seen=seen, keys=...)` for a dict (exactly a
    dict; a text in `clean` is known to come out of `text` unchanged).

    The common call, a few fields of short text and numbers, costs one loop here; from the
    first field that needs more (a container, a text past a budget, a key that is not text or
    that holds a secret), a walk takes over, with the budgets as they stand.
    """
    out: dict[str, Any] = {}
    if not value:
        return out
    key_text = None if keys is None else (lambda s: keys(s, seen))
    if len(value) >= MAX_NODES:  # the loop counts a value per field: it must never run out
        walked: dict[str, Any] = redact_with(value, lambda s: text(s, seen), seen=seen, keys=key_text)
        return walked
    chars = MAX_TEXT
    hidden = 0  # fields hidden for their name, which the walk does not count as values
    names = _secret_names
    pair = _secret_pair(value)
    rest = iter(value.items())
    for key, item in rest:
        kind = type(item)
        if type(key) is not str:
            break
        secret = names.get(key)
        if secret is None:
            if len(key) > MAX_KEY:  # the walk cuts it
                break
            secret = _learn_name(key)
            if secret is None:  # the name holds a secret: the walk logs it redacted
                break
        if pair and (key == "value" or key == "Value"):
            secret = True
        if keys is not None and keys(key, None) != key:
            break
        if kind is str:
            n = len(item) + _ITEM_COST
            if n > chars or n > _LONGEST:
                break
            if secret and item and not _is_marker(item):
                out[key] = mark = marker("field", item)
                if seen is not None:
                    seen[item] = mark
                chars -= _ITEM_COST
                hidden += 1
                continue
            chars -= n
            out[key] = item if item in clean else text(item, seen)
        elif chars < _ITEM_COST:
            break
        elif kind is int or kind is float:
            chars -= _ITEM_COST
            if secret:
                out[key] = DROPPED  # see `_Walk.more_fields`
                remember_number(item, seen)
                hidden += 1
            else:
                out[key] = item
        elif kind is bool or item is None:
            chars -= _ITEM_COST
            out[key] = item
        else:
            break
    else:
        return out
    walk = _Walk(lambda s: text(s, seen), seen, key_text)
    walk.chars = chars
    walk.left = MAX_NODES - 1 - len(out) + hidden  # the dict, and each field not hidden
    return walk.more_fields(out, itertools.chain(((key, item),), rest), 0, pair)


class _Walk:
    """One walk of `redact_with`, counting the values it visits."""

    __slots__ = ("chars", "keys", "left", "names", "seen", "text", "unlogged_left")

    def __init__(
        self,
        text: Callable[[str], str],
        seen: dict[str, str] | None,
        keys: Callable[[str], str] | None = None,
    ) -> None:
        self.text = text
        self.seen = seen
        self.keys = keys
        # names known to hold no secret: none when a policy's patterns must look at each one
        self.names = _secret_names if keys is None else _NO_NAMES
        self.left = MAX_NODES
        self.chars = MAX_TEXT
        self.unlogged_left = MAX_UNLOGGED

    def string(self, value: str) -> str:
        """`value` redacted; its head only, cut between tokens, once it is longer than
        `MAX_STRING` or than what is left of `MAX_TEXT` (nothing of it when nothing is)."""
        n = len(value)
        if n <= MAX_STRING and n <= self.chars:
            self.chars -= n
            return self.text(value)
        keep = min(MAX_STRING, self.chars)
        self.chars -= keep
        if keep <= len(TRUNCATED_TEXT):
            return TRUNCATED_TEXT
        return self.text(cut_text(value, keep - len(TRUNCATED_TEXT))) + TRUNCATED_TEXT

    def walk(self, value: Any, depth: int) -> Any:
        self.left -= 1
        if depth > MAX_DEPTH:
            return "[TRUNCATED:depth]"
        if self.left < 0:
            return "[TRUNCATED:size]"
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, dict):
            return self.fields(value, depth)
        if isinstance(value, list):
            return self.items(value, depth)
        if isinstance(value, tuple):
            names = _named_fields(value)
            if names is None:
                return self.items(value, depth)
            return self.more_fields({}, zip(names, value, strict=True), depth)
        if value is None or isinstance(value, (int, float)):
            return value
        return self.other(value, depth)

    def other(self, value: Any, depth: int) -> Any:
        """A value JSON has no type for: a mapping is walked as a dict, another collection
        (`is_collection`) as a list, with the same budgets; anything else is its text."""
        if isinstance(value, Mapping):
            return self.more_fields({}, fields_of(value), depth)
        if is_collection(value):
            return self.items(items_of(value), depth)
        return self.string(as_text(value))

    def items(self, value: Iterable[Any], depth: int) -> list[Any]:
        """A list's copy; in an argv (`["mysql", "--password", "x"]`) the value that follows a
        secret's flag is hidden, which no pattern sees in the item alone (as text or bytes), and
        so is a password that the program the argv runs reads from a flag or a place of its own
        (`["sshpass", "-p", "x"]`, `["mysql", "-px"]`: see `secret_patterns.Argv`)."""
        out: list[Any] = []
        flag: str | None = None
        argv: Argv | None = None  # made when an item's meaning may depend on the program
        rest = iter(value)
        for item in rest:
            self.chars -= _ITEM_COST
            if self.chars < 0:  # the rest of the list is not logged
                out.append(TRUNCATED_TEXT)
                self.unlogged_items(itertools.chain((item,), rest), flag, depth, _runs_curl(out), out)
                break
            text = item if type(item) is str else (as_text(item) if isinstance(item, _BYTES) else "")
            dash = text[:1] == "-"
            found: Found | None = None
            if argv is not None and argv.held is not None and text:  # a password by its place, maybe
                found, argv = _argv_secret(flag, text, out, argv, out)
            elif flag is not None and text:  # `_argv_secret`, on its common path
                found = _flagged_secret(flag, text, out)
                if found is None and (flag in ARGV_FLAGS or dash or flag[-1:] in ARGV_GROUPS):
                    found, argv = _program_secret(flag, text, argv, out)
            elif dash and (len(text) > 2 or "b" in text) and _argv_cue(text):
                found, argv = _program_secret(None, text, argv, out)
            if found is not None:
                self.left -= 1
                out.append(self.hide_item(found, item))
            elif flag is not None and type(item) is str and item:  # `walk`, inlined
                self.left -= 1
                out.append(self.string(item))
            else:
                out.append(self.walk(item, depth + 1))
            if dash:
                flag = text
            else:
                flag = None
                if text in ARGV_WORDS:
                    argv = argv or Argv(out)
                    argv.word()
        return out

    def hide_item(self, found: Found, item: Any) -> str:
        """An argv item (text or bytes) with the secret `found` in it hidden; the secret is
        remembered as its text, and for bytes as their `repr` writes it (`quoted_texts`),
        either of which a message may quote."""
        kind, secret, prefix = found
        hidden = marker(kind, secret)
        if self.seen is not None:
            self.seen[secret] = hidden
            if isinstance(item, _BYTES):
                raw = bytes(item)
                cut = len(prefix.encode("utf-8", "surrogatepass")) if "\ufffd" not in prefix else 0
                for quoted in quoted_texts(raw[cut:]):
                    self.seen[quoted] = hidden
        return prefix + hidden

    def fields(self, value: dict[Any, Any], depth: int) -> dict[str, Any]:
        """A dict's copy; a plain string in it is redacted here, without a call of `walk`."""
        return self.more_fields({}, iter(value.items()), depth, _secret_pair(value))

    def more_fields(
        self, out: dict[str, Any], rest: Iterator[tuple[Any, Any]], depth: int, pair: bool = False
    ) -> dict[str, Any]:
        """`fields`, from `rest` on, into `out` (which holds the fields before them); `pair`:
        the fields are a secret's name and value pair (`_secret_pair`)."""
        names = self.names
        for key, item in rest:
            self.chars -= _ITEM_COST
            if self.chars < 0:  # the rest of the fields are not logged
                out[TRUNCATED_KEY] = TRUNCATED_TEXT
                self.unlogged_fields(itertools.chain(((key, item),), rest), depth)
                break
            secret = names.get(key) if type(key) is str else None
            if secret is None:
                name, secret = self.name(key)
            else:
                name = key
            if pair and (key == "value" or key == "Value"):
                secret = True
            if name in out:
                name = _free_name(out, name)
            if isinstance(item, str):
                if item and secret and not _is_marker(item):
                    out[name] = marker("field", item)
                    if self.seen is not None:
                        self.seen[item] = out[name]
                elif type(item) is str and depth < MAX_DEPTH and self.left > 0:  # `walk`, inlined
                    self.left -= 1
                    out[name] = self.string(item)
                else:
                    out[name] = self.walk(item, depth + 1)
            elif not secret or item is None or item.__class__ is bool:
                out[name] = self.walk(item, depth + 1)
            elif isinstance(item, (int, float)):
                # A PIN or a numeric password: too few values for a hash to hide it.
                out[name] = DROPPED
                remember_number(item, self.seen)
            elif is_collection(item):
                out[name] = self.hidden_value(item, depth)
            else:
                out[name] = self.hidden_field(item)
        return out

    def name(self, key: Any) -> tuple[str, bool]:
        """The name a field is logged under, redacted and cut to `MAX_KEY`, and whether it
        says the field's value is a secret (`more_fields` looks a known name up itself)."""
        name = key if type(key) is str else str(key)
        secret = _secret_names.get(name)
        if secret is None:
            secret = _learn_name(name)
            if secret is None:  # the name holds a secret of its own
                return self.cut_name(self.text(name)), _secret_name(name)
        if self.keys is not None:
            name = self.keys(name)
        return self.cut_name(name), secret

    def cut_name(self, name: str) -> str:
        """A long field name's head, its length spent from `MAX_TEXT` as a text's is. The
        name was redacted whole before (`name`), so any head of it is safe to keep."""
        if len(name) <= MAX_KEY:
            return name
        self.chars -= MAX_KEY
        return name[: MAX_KEY - len(TRUNCATED_TEXT)] + TRUNCATED_TEXT

    def hidden_field(self, item: Any) -> str:
        """A value JSON has no type for, under a secret's field name: hidden whole, as its
        text, which is remembered as every message may quote it (`quoted_texts`)."""
        texts = quoted_texts(item)
        text = texts[0]
        if not text or _is_marker(text):
            return self.string(text)
        hidden = marker("field", text)
        if self.seen is not None:
            for quoted in texts:
                self.seen[quoted] = hidden
        return hidden

    def hidden_value(self, item: Any, depth: int) -> Any:
        """A list, a dict or another collection under a secret's field name: hidden whole, by
        the marker of its canonical JSON (`plain`, keys sorted, no blanks), or `[DROPPED]` when
        it holds no text (numbers alone: see `more_fields`); an empty one hides nothing and is
        kept. The texts and numbers it holds are remembered: a message may quote any of them."""
        leaves = _Leaves([], [])
        plain = self.plain(item, depth + 1, leaves)
        if not plain:
            return plain
        hidden = marker("field", _canonical(plain)) if leaves.texts else DROPPED
        if self.seen is not None:
            for leaf in itertools.chain(leaves.texts, leaves.numbers):
                self.seen[leaf] = hidden
        return hidden

    def plain(self, value: Any, depth: int, leaves: _Leaves) -> Any:
        """`value` as JSON, to be hashed: a mapping or a named tuple as a dict, a collection as a
        list (a set's items sorted), anything else as its text; the texts and numbers it holds
        are put in `leaves`. Past `MAX_DEPTH` or the value budget, what is left is not looked
        at: `UNSEEN` is noted (see `redact_policy`)."""
        self.left -= 1
        if depth > MAX_DEPTH or self.left < 0:
            if self.seen is not None:
                self.seen[UNSEEN] = ""
            return TRUNCATED_TEXT
        if isinstance(value, str):
            if value and not _is_marker(value):
                leaves.texts.append(value)
            return value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            leaves.numbers.append(as_text(value))
            return value
        if isinstance(value, tuple) and (names := _named_fields(value)) is not None:
            return self.plain_fields(zip(names, value, strict=True), depth, leaves)
        if isinstance(value, dict):
            return self.plain_fields(iter(value.items()), depth, leaves)
        if isinstance(value, Mapping):
            return self.plain_fields(fields_of(value), depth, leaves)
        if isinstance(value, (list, tuple)):
            return self.plain_items(value, depth, leaves)
        if is_collection(value):
            items = self.plain_items(items_of(value), depth, leaves)
            return items if isinstance(value, Sequence) else sorted(items, key=_canonical)
        texts = quoted_texts(value)
        if texts[0] and not _is_marker(texts[0]):
            leaves.texts.extend(texts)
        return texts[0]

    def plain_items(self, items: Iterable[Any], depth: int, leaves: _Leaves) -> list[Any]:
        out: list[Any] = []
        for item in items:
            out.append(self.plain(item, depth + 1, leaves))
            if self.left < 0:  # a collection of the caller's may never end
                break
        return out

    def plain_fields(self, fields: Iterator[tuple[Any, Any]], depth: int, leaves: _Leaves) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in fields:
            name = key if type(key) is str else as_text(key)
            out[_free_name(out, name) if name in out else name] = self.plain(item, depth + 1, leaves)
            if self.left < 0:
                break
        return out

    # -- past the text budget: nothing more is logged, but a message may still quote a value
    # (a reason's `{args.password}`), so what a field name or an argv flag hides is remembered

    def unlogged(self, value: Any, depth: int) -> None:
        """Remember the values of `value` hidden for their field name or their argv flag."""
        if depth > MAX_DEPTH:
            return
        if isinstance(value, dict):
            self.unlogged_fields(iter(value.items()), depth)
        elif isinstance(value, tuple) and (names := _named_fields(value)) is not None:
            self.unlogged_fields(zip(names, value, strict=True), depth)
        elif isinstance(value, (list, tuple)):
            self.unlogged_items(iter(value), None, depth)
        elif isinstance(value, Mapping):
            self.unlogged_fields(fields_of(value), depth)
        elif is_collection(value):
            self.unlogged_items(items_of(value), None, depth)

    def look(self) -> bool:
        """Count one value looked at past the budget; False, and `UNSEEN` noted, once too many."""
        self.unlogged_left -= 1
        if self.unlogged_left < 0:
            assert self.seen is not None
            self.seen[UNSEEN] = ""
            return False
        return True

    def unlogged_fields(self, fields: Iterator[tuple[Any, Any]], depth: int) -> None:
        """`unlogged` for the fields of a dict not logged: the text of none is read but what
        a secret's field name hides (see `more_fields`)."""
        seen = self.seen
        if seen is None:
            return
        for key, item in fields:
            if not self.look():
                return
            if isinstance(item, str):
                if item and _is_secret_field(key if type(key) is str else str(key)) and not _is_marker(item):
                    seen[item] = marker("field", item)
            elif item is None or item.__class__ is bool:
                continue
            elif _is_secret_field(key if type(key) is str else str(key)):
                self.unlogged_secret(item, depth)
            elif item.__class__ not in _SCALARS:
                self.unlogged(item, depth + 1)

    def unlogged_secret(self, item: Any, depth: int) -> None:
        """`unlogged` for a value under a secret's field name, not a text: what `more_fields`
        hides of it is remembered."""
        assert self.seen is not None
        if isinstance(item, (int, float)):
            remember_number(item, self.seen)
        elif is_collection(item):
            self.hidden_value(item, depth)
        else:
            texts = quoted_texts(item)
            if texts[0] and not _is_marker(texts[0]):
                hidden = marker("field", texts[0])
                for quoted in texts:
                    self.seen[quoted] = hidden

    def unlogged_items(
        self,
        items: Iterator[Any],
        flag: str | None,
        depth: int,
        curl: bool = False,
        before: Sequence[Any] = (),
    ) -> None:
        """`unlogged` for the items of a list not logged, the one before them being `flag`
        (`curl`: an item before them runs curl; `before`: the items before them, logged)."""
        seen = self.seen
        if seen is None:
            return
        words = list(before)  # the program an item's meaning depends on is read from them
        argv: Argv | None = None
        for item in items:
            if not self.look():
                return
            text = item if type(item) is str else (as_text(item) if isinstance(item, _BYTES) else "")
            if text:
                found, argv = _argv_secret(flag, text, _CURL if curl else (), argv, words)
                if found is not None:
                    self.hide_item(found, item)
                curl = curl or (type(item) is str and _is_curl(item))
            elif item.__class__ not in _SCALARS:
                self.unlogged(item, depth + 1)
            words.append(text)
            if text in ARGV_WORDS:
                argv = argv or Argv(words)
                argv.word()
            flag = text if text[:1] == "-" else None


class _Leaves(NamedTuple):
    """The texts and the numbers (as text) that a value hidden whole holds."""

    texts: list[str]
    numbers: list[str]


def _canonical(value: Any) -> str:
    """The canonical JSON of a plain value: keys sorted, no blanks, ASCII."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def remember_number(number: int | float, seen: dict[str, str] | None) -> None:
    """Remember a number dropped for its field name (`{"pin": 98765432}`) as a message writes
    it, `98765432`, so a reason that quotes it is scrubbed (see `redact_policy.MIN_SCRUB`)."""
    if seen is not None:
        text = as_text(number)
        if text != UNPRINTABLE:
            seen[text] = DROPPED


_SECRET_FLAG = (
    r"(?i)--(?!(?:no|ask|skip|prompt|use|with|show|hide|require|reset|change|max|min)-)(?:[a-z0-9]+-)?"
    r"(?:password|passwd|pass|token|api-?key|secret|auth-token|access-token)"
    r"|-(?:src|dest|new)?(?:store|key)pass"
)
"""An argv item whose next item is a secret (the flags of `cli_password`, alone)."""
_USER_FLAGS = frozenset({"-u", "-U", "--user", "--proxy-user"})
"""Flags whose next argv item is `user:password` (curl's), unless it is a numeric `uid:gid` or
a container's `user:group` that no `curl` comes before (`docker run -u 1000:1000`;
`--proxy-user` is curl's alone)."""
_GROUPED_USER = r"-[A-Za-z0-9]{1,12}u"
"""curl's `-u` ending a group of its short flags (`-sSu`)."""
_CURL = ("curl",)
_PASS_FLAGS = frozenset({"-passin", "-passout", "-pass", "-password"})
"""openssl's flags whose next argv item gives a password, which `pass:` starts when it is the
password itself (not `env:VAR`, `file:path`, `fd:N`, `stdin`)."""


def _flagged_secret(flag: str, item: str, before: Sequence[Any] = ()) -> tuple[str, str, str] | None:
    """(kind, secret, text before it) when `item`, which follows `flag` in an argv (after the
    items `before`), holds a secret the flag names, else None."""
    not_ref = _regex(_NOT_REF)
    if _is_marker(item) or not not_ref.match(item):
        return None
    if _regex(_SECRET_FLAG).fullmatch(flag) and not item.startswith("-") and _regex(_NOT_SPEC).match(item):
        return "cli_password", item, ""  # (not `--secret id=npmrc,src=...`: `_NOT_SPEC`)
    if flag in _PASS_FLAGS and item.startswith("pass:") and item[5:] and not_ref.match(item[5:]):
        return "cli_password", item[5:], "pass:"
    if flag not in _USER_FLAGS and not (_regex(_GROUPED_USER).fullmatch(flag) and _runs_curl(before)):
        return None  # (curl's `-u` may end a group of its short flags: `-sSu user:pw`)
    user, colon, password = item.partition(":")
    if not password or password.startswith("//") or not not_ref.match(password) or "[REDACTED" in user:
        return None  # (a marker's own `:`, in `user%[REDACTED:...]`, is none of curl's)
    numeric = item.isascii() and user.isdigit() and password.isdigit()
    if flag != "--proxy-user" and (numeric or _runs_container(before)) and not _runs_curl(before):
        # a numeric `uid:gid` (`chown`'s, `docker run -u 1000:1000`), or a container's `user:group`
        # (`docker exec -u www-data:www-data`), as the `curl_user` pattern reads them
        return None
    return "curl_user", password, user + colon


def _argv_secret(
    flag: str | None, text: str, before: Sequence[Any], argv: Argv | None, words: list[Any]
) -> tuple[Found | None, Argv | None]:
    """The secret in the argv item `text`, which follows `flag` and the items `before`: one that
    the program waits for in its place (`argv`), one that a secret's flag names whatever the
    program (`_flagged_secret`), or one that the program reads from a flag of its own
    (`_program_secret`); and `argv`, made of `words` (the words before `text`) once needed."""
    if argv is not None and argv.held is not None:
        found = argv.positional(text, flag)
        if found is not None:
            return found, argv
    if flag is not None:
        found = _flagged_secret(flag, text, before)
        if found is not None:
            return found, argv
    return _program_secret(flag, text, argv, words)


def _program_secret(
    flag: str | None, text: str, argv: Argv | None, words: list[Any]
) -> tuple[Found | None, Argv | None]:
    """The password that the program of an argv reads from `flag`, the item before `text`
    (`sshpass -p PW`), or from `text`, a flag (`mysql -pPW`); and `argv`. The program is
    looked up (`Argv`, made of `words`) only for a flag that some program reads so."""
    key = next_flag(flag) if flag is not None else None
    if flag is not None and key is not None and (argv is not None or reads_next(key, words)):
        argv = argv or Argv(words)
        found = argv.after(flag, text)
        if found is not None:
            return found, argv
    if text[0] == "-" and _argv_cue(text) and (argv is not None or reads_glued(text, words)):
        argv = argv or Argv(words)
        return argv.flag(text), argv
    return None, argv


def _argv_cue(flag: str) -> bool:
    """Whether a flag may hold a password glued to it, or put htpasswd in batch mode, for some
    program (`ARGV_CUES`): only then is the program looked up."""
    if flag[1:2] == "-":
        return flag.startswith(ARGV_LONG_CUES)
    return (flag[1:2] in ARGV_CUES and len(flag) > 2) or "b" in flag


def _runs_curl(words: Sequence[Any]) -> bool:
    """Whether one of the items of an argv runs curl: a numeric `user:password` after its `-u`
    is a credential, not a `uid:gid`."""
    return _runs(_CURLS, words)


def _runs_container(words: Sequence[Any]) -> bool:
    """Whether one of the items of an argv runs a container program, whose `-u` takes a
    `user:group`."""
    return _runs(_CONTAINERS, words)


def _runs(programs: frozenset[str], words: Sequence[Any]) -> bool:
    return any(type(word) is str and _is_program(word, programs) for word in words)


def _is_curl(word: str) -> bool:
    return _is_program(word, _CURLS)


def _is_program(word: str, programs: frozenset[str]) -> bool:
    """Whether `word` runs one of `programs` (`/usr/bin/Docker.exe` runs `docker.exe`)."""
    return word.rpartition("/")[2].rpartition("\\")[2].lower() in programs


_CURLS = frozenset({"curl", "curl.exe"})
_CONTAINERS = frozenset(name + exe for name in CONTAINER_PROGRAMS for exe in ("", ".exe"))


def __getattr__(name: str) -> Any:
    """`PATTERNS` and `SECRET_KEYS`, compiled on first use (see `secret_patterns`)."""
    if name in ("PATTERNS", "SECRET_KEYS"):
        return getattr(secret_patterns, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
