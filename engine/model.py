"""The policy model: what a policy says, whichever form (YAML or DSL) it was written in.

Both surface forms lower to the same plain data; this module validates that data.
Every model is frozen and rejects unknown fields. CEL conditions stay text here;
`compile.py` turns them into callables.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .vocab import Reversibility, Route

SCHEMA_VERSION = 1

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.:-]*$"


Mode = Literal["enforce", "shadow"]
Cel = Annotated[str, Field(min_length=1, description="a CEL expression")]
Condition = Annotated[bool | str, Field(description="a CEL expression, or true/false")]
Risk = Annotated[int, Field(ge=1, le=10)]
ToolPatterns = Annotated[
    list[Annotated[str, Field(min_length=1)]],
    Field(description="tool names or glob patterns (`mcp__github__*`, `*`)"),
]


class Frozen(BaseModel):
    """Base of every policy model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Defaults(Frozen):
    """What happens when nothing decides, and when a rule cannot be evaluated."""

    decision: Route = Route.ASK
    on_error: Route = Route.BLOCK
    non_interactive: Route = Field(
        default=Route.BLOCK,
        description="what an `ask` becomes where no human can answer (CI, a proxy without elicitation)",
    )


class UnknownRating(Frozen):
    """The rating of a dimension that no rule rates: fixed, or CEL (e.g. `name.risk`)."""

    risk: Risk | Cel = 5
    reversibility: Annotated[Reversibility | Cel, Field(union_mode="left_to_right")] = (
        Reversibility.RECOVERABLE
    )
    autonomy: Risk | Cel = 5


class ToolDecl(Frozen):
    """What a policy knows about one tool: aliases, domain, baseline ratings, MCP annotations."""

    aliases: list[str] = []
    domain: str | None = None
    description: str | None = None
    risk: Risk | None = None
    reversibility: Reversibility | None = None
    autonomy: Risk | None = None
    annotations: dict[str, bool] = {}


class Rating(Frozen):
    """A rating rule: for the calls it matches, the ratings it gives (fixed or CEL)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = None
    description: str | None = None
    tools: ToolPatterns = ["*"]
    when: Condition = True
    risk: Risk | Cel | None = None
    reversibility: Annotated[Reversibility | Cel | None, Field(union_mode="left_to_right")] = None
    autonomy: Risk | Cel | None = None
    raises: list[str] = Field(default=[], description="session facts this call raises when it goes ahead")

    @model_validator(mode="after")
    def _rates_something(self) -> Rating:
        if self.risk is None and self.reversibility is None and self.autonomy is None:
            raise ValueError("a rating must give at least one of `risk`, `reversibility`, `autonomy`")
        return self


class Rule(Frozen):
    """An explicit decision: `allow`, `ask` or `block` (each a condition) for matching calls."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = None
    description: str | None = None
    tools: ToolPatterns = ["*"]
    when: Condition = True
    allow: Condition | None = None
    ask: Condition | None = None
    block: Condition | None = None
    reason: str | None = None
    mode: Mode | None = None
    raises: list[str] = []

    @model_validator(mode="after")
    def _one_decision(self) -> Rule:
        given = [r for r in ("allow", "ask", "block") if getattr(self, r) is not None]
        if len(given) != 1:
            raise ValueError("a rule must have exactly one of `allow`, `ask`, `block`")
        return self

    @property
    def route(self) -> Route:
        """The decision this rule gives when it matches."""
        return next(r for r in Route if getattr(self, r.value) is not None)

    @property
    def condition(self) -> bool | str:
        """The condition under the decision key."""
        value: bool | str = getattr(self, self.route.value)
        return value


class RouteRule(Frozen):
    """A threshold route over the ratings; the first whose condition holds decides."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = None
    allow: Condition | None = None
    ask: Condition | None = None
    block: Condition | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _one_decision(self) -> RouteRule:
        given = [r for r in ("allow", "ask", "block") if getattr(self, r) is not None]
        if len(given) != 1:
            raise ValueError("a route must have exactly one of `allow`, `ask`, `block`")
        return self

    @property
    def route(self) -> Route:
        """The decision this route gives when its condition holds."""
        return next(r for r in Route if getattr(self, r.value) is not None)

    @property
    def condition(self) -> bool | str:
        """The condition under the decision key."""
        value: bool | str = getattr(self, self.route.value)
        return value


class RedactPattern(Frozen):
    """A secret of the policy's own: text it matches is logged as `[REDACTED:name:hash]`."""

    name: Annotated[str, Field(pattern=ID_PATTERN, description="the kind named in the marker")]
    regex: Annotated[
        str,
        Field(
            min_length=1,
            description="an RE2 regular expression; if it has a group named `secret`, only that "
            "group is replaced",
        ),
    ]


class Redaction(Frozen):
    """What the decision log must not hold, beyond the built-in secrets (which always apply)."""

    patterns: list[RedactPattern] = Field(
        default=[], description="secret patterns, replaced by a marker with their name and a short hash"
    )
    drop: list[Annotated[str, Field(min_length=1)]] = Field(
        default=[],
        description="fields whose values are replaced by `[DROPPED]`: `args.password`, "
        '`ctx.labels.team`, `args.*.token`, `args.**.api_key`, `args["file.name"]` '
        "(names match whatever their case)",
    )


class TestCall(Frozen):
    """The call a policy test makes."""

    tool: Annotated[str, Field(min_length=1)]
    args: dict[str, Any] = {}
    ctx: dict[str, Any] = {}


class Expectation(Frozen):
    """What a policy test expects."""

    decision: Route
    rule: str | None = None
    risk: Risk | None = None
    reversibility: Reversibility | None = None


class PolicyTest(Frozen):
    """An example call and the decision it must get."""

    name: str | None = None
    history: list[TestCall] = Field(
        default=[], description="earlier calls of the same session, decided before this one"
    )
    call: TestCall
    expect: Expectation

    @field_validator("expect", mode="before")
    @classmethod
    def _short_expect(cls, value: Any) -> Any:
        return {"decision": value} if isinstance(value, str) else value


class Policy(Frozen):
    """A named, versioned policy: ratings, rules, routes, defaults and tests."""

    remit: Literal[1] = 1
    name: Annotated[str, Field(min_length=1)]
    version: str = "0"
    description: str | None = None
    mode: Mode = "enforce"
    include: list[str] = []
    defaults: Defaults = Defaults()
    unknown: UnknownRating = UnknownRating()
    tools: dict[str, ToolDecl] = {}
    autonomy: Risk | Cel | None = None
    ratings: list[Rating] = []
    rules: list[Rule] = []
    routes: list[RouteRule] = []
    tests: list[PolicyTest] = []
    redaction: Redaction = Redaction()

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the YAML form, for editors."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "remit policy"
    return schema
