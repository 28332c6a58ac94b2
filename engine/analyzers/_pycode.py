"""Whether a program given inline to Python 3 (`python3 -c CODE`) only computes and prints.

To the shell analyzer, `python -c` is code it cannot read, and the shipped policies ask
before it runs. Much of it is small and does nothing but compute: `import json, sys;
print(json.load(sys.stdin)["version"])`. Such a program is read here with Python's own
parser and called *inert* only when everything it can reach is listed as harmless:

- it imports only the modules of `MODULES` (pure computation: `json`, `re`, `math`,
  `collections`...), of some only the names listed there (`functools.partial`, not
  `functools.wraps`, which copies attributes named as text; `numbers.Real`, not
  `numbers.ABCMeta`, a metaclass), and `sys` only for its streams and facts (`SYS`), each
  from the standard library (not a file of the same name in the working directory);
- the builtins it names are those of `BUILTINS`: no `exec`, `eval`, `compile`,
  `__import__`, `getattr`, `globals`, `vars`, `type`, `breakpoint` or `help`, and it binds
  none of the others, which it might read before binding (`open(p, "w"); open = print`);
- `open` is called with a string constant for a path, and a mode, if any, that only reads
  (no `w`, `a`, `x` or `+`): those paths are what the program reads (`inert_paths`). None
  of them is in `/proc`, `/dev` or `/sys` (memory, disks, the kernel) but `/dev/stdin` and
  `/dev/null`, and no file is `seek`ed (a link to `/proc/self/mem` would read the stack);
- it names nothing that starts with `__` (`__builtins__`, `__globals__`, `__class__`,
  `__subclasshook__`), but `__name__` and a class's plain methods (`__init__`, `__repr__`,
  `__eq__`...); no attribute that starts with `_` or with the prefix of a frame's, a code
  object's, a traceback's or a generator's fields (`gi_frame`, `f_globals`, `tb_frame`),
  which lead to the builtins;
- it has no annotations (some modules evaluate them as code), no `match` class pattern
  (which reads attributes named as text), no metaclass, and calls `str.format` only on a
  string constant whose fields name no attribute or item (`'{0.__init__.__globals__}'`);
- a module is only ever named as the head of attributes (`json.loads`), never passed,
  stored, reassigned or bound twice. Each attribute of a module is looked up in this
  process, so that one leading to another module (`fnmatch.os`, `json.codecs`) or to a
  metaclass is refused unless that module is allowed too (and `sys` keeps its limits
  however it is reached); no attribute is named `mro` (whose list may hold `type`);
- no module's `main` or `test` (some read the files named in `sys.argv`); the program is
  the command's last word, one quoted string after `-c` (bash expands braces and globs
  outside quotes, which the analyzer may read otherwise), nothing is put into it (`xargs
  -I {}`, `find -exec`), and no `PYTHON*`, `OPENSSL_*`, `HOME`, `PATH`, `PYENV*` or `LD_*`
  variable is in its environment but those of `HARMLESS_ENV` (`PYTHONINSPECT=1` would go
  on to run stdin as code; `OPENSSL_CONF` loads a library; `HOME` brings the user site's
  `.pth` files).

Everything else (a syntax this Python cannot parse, a module not listed, a name not
bound and not an allowed builtin, a program longer than `MAX_PROGRAM`) is not inert, so
the program stays unseen code. A module the program imports may still be shadowed by a
file of the same name in the working directory, or by `PYTHONPATH`: then it runs the
project's own code, as `python3 x.py` does.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.util
import os
import re
import string
import sys
import sysconfig
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._command import Command

PYTHONS = re.compile(r"python3(\.[0-9]+)?")
"""The names of Python 3's interpreter (`python3`, `python3.11`). Not `python`, which is
Python 2 on older systems, whose `input()` runs what it reads."""

MAX_PROGRAM = 16 * 1024
"""A longer program is not read (one-liners are a few hundred bytes)."""

_ALL: frozenset[str] = frozenset()
MODULES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "array", "base64", "binascii", "bisect", "cmath", "collections", "collections.abc",
            "colorsys", "csv", "datetime", "decimal", "difflib", "fnmatch", "fractions",
            "hashlib", "heapq", "hmac", "html", "ipaddress", "itertools", "json",
            "json.decoder", "json.encoder", "json.scanner", "keyword", "math", "pprint",
            "random", "re", "secrets", "statistics", "struct", "textwrap", "unicodedata",
            "zlib",
        ),
        _ALL,
    ),
    "numbers": frozenset({"Number", "Complex", "Real", "Rational", "Integral"}),
    "shlex": frozenset({"join", "quote", "split"}),
    "string": frozenset(
        {
            "ascii_letters", "ascii_lowercase", "ascii_uppercase", "capwords", "digits",
            "hexdigits", "octdigits", "printable", "punctuation", "whitespace",
        }
    ),
    "time": frozenset(
        {
            "altzone", "asctime", "ctime", "daylight", "gmtime", "localtime", "mktime",
            "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "process_time",
            "process_time_ns", "sleep", "strftime", "strptime", "struct_time", "time",
            "time_ns", "timezone", "tzname",
        }
    ),
    "tomllib": frozenset({"load", "loads", "TOMLDecodeError"}),
    "urllib": frozenset({"parse"}),
    "urllib.parse": frozenset(
        {
            "parse_qs", "parse_qsl", "quote", "quote_plus", "unquote", "unquote_plus",
            "urldefrag", "urlencode", "urljoin", "urlparse", "urlsplit", "urlunparse",
            "urlunsplit",
        }
    ),
    "uuid": frozenset({"UUID", "uuid3", "uuid4", "uuid5", "NAMESPACE_DNS", "NAMESPACE_URL"}),
    "functools": frozenset(
        {"cache", "cached_property", "cmp_to_key", "lru_cache", "partial", "reduce", "total_ordering"}
    ),
}  # fmt: skip
"""Modules that only compute, each with the only names a program may use of it (all its
public names where the set is empty): none opens a file, runs a command, reaches the
network, evaluates text as code or reads attributes named as text. Left out on purpose:
`os`, `io`, `pathlib`, `shutil`, `subprocess`, `codecs` (files and commands), `operator`
and `string.Formatter` (`attrgetter`, `get_field`), `typing` (evaluates annotations),
`pickle`, `types`, `inspect`, `traceback`, `contextlib` (`chdir`), the `shlex` class (its
`source` opens files), `uuid.uuid1` and `getnode` (may run `ifconfig`), the rest of
`urllib` (the network), `time.clock_settime`, `enum` (its functional API makes a class of
any names, special methods too) and `copy` (which sets attributes named by what an
object's `__reduce_ex__` returns); `functools.wraps` and `update_wrapper` (copy attributes
named as text), `singledispatch` (evaluates annotations)."""

SYS = frozenset(
    {
        "argv", "byteorder", "executable", "exit", "float_info", "get_int_max_str_digits",
        "getdefaultencoding", "getfilesystemencoding", "getrecursionlimit", "getsizeof",
        "hexversion", "implementation", "int_info", "maxsize", "maxunicode", "platform",
        "set_int_max_str_digits", "setrecursionlimit", "stderr", "stdin", "stdout", "version",
        "version_info",
    }
)  # fmt: skip
"""What a program may use of `sys`: its streams and facts about the interpreter. Not
`sys.modules` (every module), `sys.path` (where imports come from) or the hooks."""

BUILTINS = frozenset(
    {
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "Exception",
        "False", "FileNotFoundError", "IndexError", "KeyError", "KeyboardInterrupt",
        "LookupError", "NameError", "None", "NotImplemented", "NotImplementedError",
        "OSError", "OverflowError", "RuntimeError", "StopIteration", "True", "TypeError",
        "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "ValueError",
        "ZeroDivisionError", "abs", "all", "any", "ascii", "bin", "bool", "bytearray",
        "bytes", "callable", "chr", "classmethod", "complex", "dict", "dir", "divmod",
        "enumerate", "exit", "filter", "float", "format", "frozenset", "hash", "hex", "id",
        "input", "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max",
        "min", "next", "object", "oct", "ord", "pow", "print", "property", "quit", "range",
        "repr", "reversed", "round", "set", "slice", "sorted", "staticmethod", "str", "sum",
        "super", "tuple", "zip",
    }
)  # fmt: skip
"""The builtins a program may name (`open` has rules of its own)."""

METHODS = frozenset(
    {
        "__init__", "__repr__", "__str__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
        "__ge__", "__hash__", "__len__", "__iter__", "__next__", "__getitem__",
        "__contains__", "__bool__",
    }
)  # fmt: skip
"""The special methods a class of the program may define: none is handed a class, a
frame or a name to look up (`__subclasshook__`, `__exit__`, `__reduce__`, `__getattr__`)."""

HARMLESS_ENV = frozenset(
    {
        "PYTHONPATH", "PYTHONIOENCODING", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONSAFEPATH", "PYTHONNOUSERSITE",
    }
)  # fmt: skip
"""The `PYTHON*` variables the interpreter may run with. `PYTHONPATH` only says where the
project's own modules are, as for `python3 x.py`."""
_SCREENED_ENV = ("PYTHON", "OPENSSL_", "HOME", "PATH", "LD_", "PYENV")
"""The variables that change what the interpreter runs before the program: `HOME` (the user
site's `.pth` files), `PATH` and `PYENV*` (which `python3`, pyenv's hooks), the loader's
`LD_*`, OpenSSL's config."""

_HIDDEN_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")
"""Attribute names refused on any object: private and special names, and the fields of
generators, coroutines, frames, tracebacks and code objects (`gen.gi_frame.f_globals`
holds the builtins)."""
_HIDDEN_NAMES = frozenset({"mro", "seek"})
"""Attribute names refused too: `mro` (whose list may hold `type`) and `seek` (which reads
a process's memory through `/proc/self/mem`, or a link to it, at the stack: its
environment)."""
_SYSTEM_FOLDERS = frozenset({"proc", "dev", "sys"})
"""Folders whose files are not files: memory, devices, the kernel's settings. A path with
one of these names among its parts is not opened, but `/dev/stdin` and `/dev/null`."""
_READ_MODES = re.compile(r"[rbtU]*")
_OPEN_KEYWORDS = frozenset({"mode", "encoding", "errors", "newline"})
_MISSING = object()
_REFUSED_BUILTINS = frozenset(dir(builtins)) - BUILTINS
"""The builtins a program may not name: binding one of them is refused too, since the
name may be read before it is bound (`open(p, "w"); open = print`)."""
_STDLIB = os.path.join(sysconfig.get_paths()["stdlib"], "")
"""Where the standard library's modules are (the extension modules in `lib-dynload/`)."""
_TYPE_PARAMETERS = frozenset({"TypeAlias", "TypeVar", "ParamSpec", "TypeVarTuple"})
"""Python 3.12's type parameter syntax (`def f[T]()`, `type X = ...`), by node name."""
_REFUSED_NODES = frozenset({ast.AnnAssign, ast.MatchClass})
"""Constructs refused wherever they are: annotations, a `match` class pattern."""
_BINDING_NODES: frozenset[type] = frozenset({
    ast.Name, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg, ast.ExceptHandler,
    ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.Global, ast.Nonlocal,
})  # fmt: skip
"""The nodes that bind names."""
_IMPORT_NODES: frozenset[type] = frozenset({ast.Import, ast.ImportFrom})
_NAMING_NODES = _BINDING_NODES | {ast.keyword, ast.alias}
"""The nodes that name something, whose names `_shape` reads."""
_FIELD = re.compile(r"[A-Za-z0-9_]*")
"""A `str.format` field that names an argument and nothing in it."""


def inline_program(cmd: Command) -> str | None:
    """The program of `python3 -c PROGRAM` as written, when it is all the command runs:
    one quoted static word right after `-c` that ends the command, nothing put into it,
    and no variable of `_SCREENED_ENV` in its environment but those of `HARMLESS_ENV`."""
    if not PYTHONS.fullmatch(cmd.program) or len(cmd.args) != 2 or cmd.args[0] != "-c":
        return None
    static = cmd.static
    if len(static) != 3 or not (static[1] and static[2]) or cmd.fills:
        return None  # `xargs -I {} python3 -c 'print("{}")'`: text put into the program
    for assignment in cmd.env:
        name = assignment.partition("=")[0].rstrip("+")
        if name.startswith(_SCREENED_ENV) and name not in HARMLESS_ENV:
            return None
    program = cmd.args[1]
    return program if _quoted_whole(cmd.text, program) else None


def _quoted_whole(text: str, program: str) -> bool:
    """`program` is the command's last word, written after `-c` as one quoted string that
    bash expands nothing in and reads as `program`. Any other spelling may hold braces,
    globs or quotes that bash reads otherwise than the analyzer (`"f'{"{'code',0}"}'"`,
    `'[1]'*2`), so it is not read. (`text` is the command without its redirections.)"""
    text = text.rstrip(" \t\n")
    for found in _AFTER_C.finditer(text):
        value, end = _quoted(text, found.end())
        if end == len(text) and value == program:
            return True
    return False


_AFTER_C = re.compile(r"(?:^|[ \t\n])-c[ \t\n]+(?=['\"])")
"""`-c` as a word of its own, then blanks as bash reads them (not `\\r`, `\\v`, `\\f`)."""


def _quoted(text: str, at: int) -> tuple[str | None, int]:
    """The value of the quoted string that starts at `text[at]`, and where it ends; None
    when it holds an expansion (`$`, a backquote) or does not end."""
    if text[at] == "'":
        close = text.find("'", at + 1)
        return (text[at + 1 : close], close + 1) if close > 0 else (None, -1)
    found = _DOUBLE_QUOTED.match(text, at)
    if found is None:
        return None, -1
    return _ESCAPED.sub(_unescaped, found.group(1)), found.end()


_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\$`]|\\[\s\S])*)"')
"""A double-quoted string with no expansion in it: any character but a quote, `$`, a backquote
or a backslash, or a backslash and the character it escapes."""
_ESCAPED = re.compile(r"\\([$`\"\\\n])")
"""What a backslash escapes in double quotes; a backslash-newline joins lines."""


def _unescaped(escape: re.Match[str]) -> str:
    return "" if escape.group(1) == "\n" else escape.group(1)


def inert_paths(program: str) -> list[str] | None:
    """The paths an inert program opens for reading, or None when it is not inert (see the
    module docstring). Whatever goes wrong reading it (a syntax error, nesting too deep, a
    listed module this Python lacks) leaves it not inert."""
    if len(program) > MAX_PROGRAM or "\x00" in program:
        return None
    try:
        return _Reader(ast.parse(program)).paths()
    except Exception:  # RecursionError and MemoryError too
        return None


class Refused(Exception):
    """The program does something not listed as harmless."""


class _Reader:
    def __init__(self, tree: ast.Module) -> None:
        # one walk, breadth first as `ast.walk`, that keeps each node's parent and the nodes
        # of each type (the checks below look at a few types); not the `Load` and `Store`
        # markers, which are one shared node each and hold nothing
        nodes: list[ast.AST] = [tree]
        parents: dict[int, ast.AST] = {}
        for node in nodes:  # grows as it goes
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            parents[id(item)] = node
                            nodes.append(item)
                elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
                    parents[id(value)] = node
                    nodes.append(value)
        self.parents = parents
        self.kinds: dict[type, list[Any]] = {}
        for node in nodes:
            kind = self.kinds.get(type(node))
            if kind is None:
                self.kinds[type(node)] = [node]
            else:
                kind.append(node)

    def _of(self, kinds: frozenset[type]) -> list[Any]:
        """The nodes of these types, in the walk's order within each type."""
        return [node for kind, nodes in self.kinds.items() if kind in kinds for node in nodes]

    def paths(self) -> list[str] | None:
        """What the program opens to read, or None when it does something not listed."""
        try:
            for kind in self.kinds:
                if kind in _REFUSED_NODES or kind.__name__ in _TYPE_PARAMETERS:
                    raise Refused(kind.__name__)
            for node in self._of(_NAMING_NODES):
                self._shape(node)
            modules, imported = self._imports()
            bound = self._bound() | imported
            clash = bound & (modules.keys() | _REFUSED_BUILTINS)
            if clash:  # `import json; json = x`: the name no longer surely names the module
                raise Refused(clash)
            opened: list[str] = []
            for node in self.kinds.get(ast.Attribute, ()):
                if node.attr.startswith(_HIDDEN_PREFIXES) or node.attr in _HIDDEN_NAMES:
                    raise Refused(node.attr)
                if node.attr in ("format", "format_map"):
                    _format_of_constant(node)
            for node in self.kinds.get(ast.Name, ()):
                if isinstance(node.ctx, ast.Load):
                    name = node.id
                    if name in modules:
                        self._module_use(node, modules[name])
                    elif name == "open" and name not in bound:
                        opened.append(self._open(node))
                    elif name not in bound and name not in BUILTINS and name != "__name__":
                        raise Refused(name)
            return opened
        except Refused:
            return None

    def _shape(self, node: ast.AST) -> None:
        """Refuse the names the module docstring lists, of a node of `_NAMING_NODES`."""
        names: list[str | None] = []
        if isinstance(node, ast.Name):
            names.append(None if node.id == "__name__" and isinstance(node.ctx, ast.Load) else node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns is not None:
                raise Refused("annotation")
            method = node.name in METHODS and isinstance(self.parents.get(id(node)), ast.ClassDef)
            names.append(None if method else node.name)
        elif isinstance(node, ast.ClassDef):
            if node.keywords:
                raise Refused("metaclass")
            names.append(node.name)
        elif isinstance(node, ast.arg):
            if node.annotation is not None:
                raise Refused("annotation")
            names.append(node.arg)
        elif isinstance(node, ast.keyword):
            names.append(node.arg)
        elif isinstance(node, ast.alias):
            names.extend((node.name, node.asname))
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            names.append(node.name)
        elif isinstance(node, ast.MatchMapping):
            names.append(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.extend(node.names)
        for name in names:
            if name and name.startswith("__"):
                raise Refused(name)

    def _imports(self) -> tuple[dict[str, types.ModuleType], set[str]]:
        """The names the imports bind to modules, each to its module, and the other names
        they bind (`from json import loads`), which are bound like any other."""
        out: dict[str, types.ModuleType] = {}
        others: set[str] = set()
        for node in self._of(_IMPORT_NODES):
            bindings: list[tuple[str, Any]] = []
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module = _module(alias.name)
                    if alias.asname:
                        bindings.append((alias.asname, module))
                    else:  # `import json.decoder` binds `json`
                        head = alias.name.partition(".")[0]
                        bindings.append((head, _module(head)))
            elif isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    raise Refused("relative import")
                module = _module(node.module)
                for alias in node.names:
                    if alias.name == "*":
                        raise Refused("*")
                    bindings.append((alias.asname or alias.name, module_attribute(module, alias.name)))
            for name, value in bindings:
                if not isinstance(value, types.ModuleType):
                    others.add(name)
                elif out.setdefault(name, value) is not value:  # two modules, one name
                    raise Refused(name)
        return out, others

    def _bound(self) -> set[str]:
        """The names the program binds itself, but by imports (`_imports`)."""
        out: set[str] = set()
        for node in self._of(_BINDING_NODES):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                out.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(node.name)
            elif isinstance(node, ast.arg):
                out.add(node.arg)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                out.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                out.add(node.rest)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                out.update(node.names)
        return out

    def _module_use(self, node: ast.Name, module: types.ModuleType) -> None:
        """A module named in the program: only as the head of attributes, each looked up
        (past the module too, while they are there to look up: `json.JSONDecoder.decode`)."""
        value: Any = module
        at: ast.AST = node
        while True:
            parent = self.parents.get(id(at))
            if not isinstance(parent, ast.Attribute) or parent.value is not at:
                if isinstance(value, types.ModuleType):
                    raise Refused(value.__name__)  # passed, stored, called: it escapes
                return
            if not isinstance(parent.ctx, ast.Load):
                raise Refused(parent.attr)  # `json.loads = f`
            if isinstance(value, types.ModuleType):
                value = module_attribute(value, parent.attr)
            else:
                found = getattr(value, parent.attr, _MISSING)
                if found is _MISSING:  # an instance's attribute, or one this Python lacks
                    if isinstance(value, type):
                        raise Refused(parent.attr)
                    return
                _harmless(found)
                value = found
            at = parent

    def _open(self, node: ast.Name) -> str:
        """The path of `open(PATH[, MODE])` that only reads, else refused."""
        call = self.parents.get(id(node))
        if not isinstance(call, ast.Call) or call.func is not node or not call.args:
            raise Refused("open")
        if len(call.args) > 2 or any(isinstance(a, ast.Starred) for a in call.args):
            raise Refused("open")
        modes = call.args[1:]
        for keyword in call.keywords:
            if keyword.arg not in _OPEN_KEYWORDS:
                raise Refused("open")
            if keyword.arg == "mode":
                modes.append(keyword.value)
        for mode in modes:
            if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
                raise Refused("open")
            if not _READ_MODES.fullmatch(mode.value):
                raise Refused("open")
        path = call.args[0]
        if not (isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value):
            raise Refused("open")
        name = path.value
        if name not in ("/dev/stdin", "/dev/null") and not _SYSTEM_FOLDERS.isdisjoint(name.split("/")):
            raise Refused(name)  # `/proc/self/mem`, `/dev/sda`, `../../proc/kcore`
        return name


def _format_of_constant(node: ast.Attribute) -> None:
    """`'...'.format(...)` whose fields only name arguments (`{}`, `{0}`, `{name:>5}`): a
    field can name an argument's attributes and items (`{0.__init__.__globals__}`)."""
    constant = node.value
    if not (isinstance(constant, ast.Constant) and isinstance(constant.value, str)):
        raise Refused(node.attr)
    texts = [constant.value]
    while texts:
        for _, field, spec, _ in string.Formatter().parse(texts.pop()):
            if field is not None and not _FIELD.fullmatch(field):
                raise Refused(field)
            if spec:
                texts.append(spec)


def _module(name: str) -> types.ModuleType:
    """The module `name`, when listed and the standard library's (each package above it
    too): a file of that name where the analyzer runs is never imported."""
    if name not in MODULES and name != "sys":
        raise Refused(name)
    module = sys.modules.get(name)
    if module is None:
        parts = name.split(".")
        for at in range(1, len(parts) + 1):
            head = ".".join(parts[:at])
            if head not in sys.modules:
                spec = importlib.util.find_spec(head)
                origin = spec.origin if spec is not None else None
                if origin not in ("built-in", "frozen") and not _in_stdlib(origin):
                    raise Refused(head)
        module = importlib.import_module(name)
    return module


def _in_stdlib(origin: str | None) -> bool:
    return origin is not None and origin.startswith(_STDLIB) and "-packages" not in origin


def module_attribute(module: types.ModuleType, name: str) -> Any:
    """`module.name`, when the program may use it."""
    if name.startswith(_HIDDEN_PREFIXES) or name in ("main", "test"):
        raise Refused(name)
    listed = SYS if module.__name__ == "sys" else MODULES.get(module.__name__)
    if listed is None or (listed and name not in listed):
        raise Refused(name)
    value = getattr(module, name, _MISSING)
    if value is _MISSING:
        raise Refused(name)
    if not (isinstance(value, types.ModuleType) and (value.__name__ in MODULES or value.__name__ == "sys")):
        _harmless(value)
    return value


def _harmless(value: Any) -> None:
    """Refuse a value reached through attributes that is a module (`fnmatch.os`) or a
    metaclass, whose call makes a class of any names (`numbers.ABCMeta`)."""
    if isinstance(value, types.ModuleType):
        raise Refused(value.__name__)
    if isinstance(value, type) and issubclass(value, type):
        raise Refused(value.__name__)
