"""What the words of a tool name mean: verbs, objects and domains, as data.

Calibrated on the 330 tool names of ToolEmu (tests/data/analyzers/name_cases.yaml) and on
the usual names of MCP servers and coding agents.
"""

from __future__ import annotations

# fmt: off
KINDS = ("read", "write", "delete", "send", "transfer", "execute", "unknown")

_VERB_GROUPS: dict[str, str] = {
    "read": """get list search find read view fetch retrieve query check lookup look show
        describe inspect count browse monitor track estimate predict analyze analyse verify
        validate compare access download navigate ask geocoding calculate compute convert
        translate summarize explain preview poll status stat diff scan audit load open
        glob grep ls cat head tail watch is has can resolve select explore discover detect
        identify recognize extract parse test measure screenshot snapshot research see
        suggest recommend lint grab peek""",
    "write": """create add update edit set put insert modify change rename move copy upload save
        store write make generate append patch replace manage organize schedule enable
        disable configure assign attach import merge commit tag label mark join leave follow
        unfollow like unlike lock unlock grant block unblock control register subscribe
        install upgrade restore sync fill autofill input type click draft link approve
        reject accept decline close reopen archive pin unpin star snooze mute unmute
        redirect handle give setup sign compile build play pause go hand place fork
        toggle reset init initialize rotate allow deny upsert bookmark favorite rate
        transcribe format refactor fix resize crop record manipulate""",
    "delete": """delete remove destroy drop purge erase wipe clear cancel revoke trash truncate
        kill terminate uninstall prune discard unsubscribe detach unlink unassign unpublish
        shred empty""",
    "send": """send post publish reply forward email message notify share invite tweet retweet
        comment broadcast announce submit dispatch request sms text consult deploy
        release export push mail dm contact respond""",
    "transfer": """transfer pay purchase buy sell trade withdraw deposit checkout book booking
        charge refund donate tip invest swap bid wire remit spend order reserve rent""",
    "execute": """execute run exec eval evaluate invoke apply trigger launch start spawn perform
        bash shell terminal command script restart reboot shutdown call""",
}
VERBS: dict[str, str] = {w: kind for kind, words in _VERB_GROUPS.items() for w in words.split()}
"""Verb -> kind."""

AMBIGUOUS = frozenset(
    {
        "lock", "control", "ship", "change", "post", "order", "book", "home", "light", "trade",
        "dispatch", "call", "like", "access", "hand", "text", "message", "email", "mail",
        "comment", "tweet", "star", "tag", "label", "mark", "link", "type", "record", "status",
        "command", "script", "shell", "terminal", "bash", "input", "draft", "stat", "show", "go",
        "play", "contact", "rate", "sign", "pin", "watch", "fix", "format", "test", "export",
        "import", "transfer", "request", "monitor", "track", "store", "trash", "empty", "tip",
        "wire", "place", "fork", "deposit",
    }
)
"""Words that are often nouns in tool names (`SmartLock`, `TrafficControl`): used as the
verb only when no unambiguous verb is present."""

CONJUNCTIONS = frozenset({"and", "then", "or", "plus"})
"""Words that join two actions in one name (`get_and_delete`, `ReadThenSend`): the verb after
one may be riskier than the first."""

PLAIN_VERBS = frozenset(
    {
        "delete", "remove", "destroy", "drop", "purge", "erase", "wipe", "truncate", "shred",
        "uninstall", "unsubscribe", "unlink", "unassign", "unpublish", "revoke", "discard",
        "terminate", "kill", "detach", "prune", "cancel",
        "send", "publish", "notify", "retweet", "announce", "respond", "submit",
        "execute", "exec", "invoke", "spawn",
        "withdraw", "donate",
        "create", "upsert",
    }
)
"""Verbs that are hardly ever nouns in tool names: one counts wherever it stands, so a name
is rated by the riskiest (`getDeleteUser`, `get_user__delete` delete). Left out are verbs
that real read tools use as nouns: `get_workflow_run`, `get_release`, `get_share_link`,
`retrieve_charge`, `get_transfer_status`, `get_block_children`, `check_update`,
`get_restart_policy`, `get_eval_results`."""

JOINED_AFTER_OBJECT = frozenset({"transfer", "delete"})
"""Kinds of a noun-or-verb that a conjunction after an object still joins as an action
(`get_balance_and_transfer`, `get_logs_and_trash`): read as a noun, a payment or a loss
would go unrated; `get_name_and_email` stays a read of two fields."""

SOFT_DELETE = frozenset(
    {
        "remove", "cancel", "revoke", "trash", "uninstall", "unsubscribe", "detach", "unlink",
        "unassign", "unpublish", "clear", "kill", "terminate", "empty",
    }
)
"""Deleting verbs whose effect can usually be undone with effort."""

MONEY_WORDS = frozenset(
    {
        "money", "funds", "fund", "payment", "payments", "ether", "eth", "bitcoin", "btc",
        "crypto", "stock", "stocks", "shares", "bill", "bills", "cash", "loan", "transaction",
        "transactions", "order", "orders", "purchase", "tokens", "coin", "coins", "refund",
        "refunds", "payout", "payouts", "charge", "charges", "transfer", "transfers",
    }
)
"""Objects that turn a send, write or execute into a money movement (`SendMoney`)."""

MONEY_VERBS = frozenset(
    {
        "send", "add", "make", "place", "submit", "execute", "create", "process", "initiate",
        "schedule", "move", "give",
    }
)
"""Verbs that move money when their object is money (`SendMoney`, `PlaceOrder`)."""

PUBLIC_VERBS = frozenset({"create", "add", "write", "make", "leave", "submit", "new"})
"""Verbs that publish when their object is public (`CreatePost`, `LeaveReview`)."""

PUBLIC_WORDS = frozenset(
    {
        "post", "posts", "tweet", "tweets", "comment", "comments", "review", "reviews", "message",
        "messages", "reply", "story",
    }
)
"""Objects that turn a create into a publication (`CreatePost`)."""

SECURITY_WORDS = frozenset(
    {
        "password", "passwords", "credential", "credentials", "secret", "secrets", "token", "key",
        "keys", "access", "permission", "permissions", "privacy", "auth", "authentication", "two",
        "factor", "guest", "guests", "collaborator", "role", "roles",
    }
)
"""Objects that make a change security-relevant (one more risk point)."""

DOMAIN_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "finance",
        frozenset(
            {
                "money", "bank", "banking", "payment", "payments", "pay", "fund", "funds",
                "transfer", "balance", "balances", "transaction", "transactions", "invoice",
                "bill", "wallet", "crypto", "ether", "ethereum", "bitcoin", "stock", "stocks",
                "trade", "investment", "investments", "invest", "binance", "venmo", "paypal",
                "stripe", "ameritrade", "holdings", "cart", "purchase", "checkout", "order",
                "orders", "payee", "deposit", "withdraw", "loan", "tax", "budget", "price",
                "amazon", "shopify", "expense", "expenses", "refund", "subscription", "billing",
            }
        ),
    ),
    (
        "health",
        frozenset(
            {
                "patient", "patients", "medical", "doctor", "doctors", "prescription",
                "prescriptions", "health", "genetic", "genome", "dna", "diagnosis", "diagnostic",
                "clinical", "teladoc", "fhir", "medication", "hospital", "symptom", "symptoms",
                "vaccine", "therapy", "insurance", "23andme",
            }
        ),
    ),
    (
        "iot",
        frozenset(
            {
                "device", "devices", "thermostat", "lock", "door", "light", "lights", "home",
                "robot", "sensor", "sensors", "camera", "cameras", "traffic", "smart", "alarm",
                "vehicle", "garage", "appliance", "room", "rooms", "drone", "iot", "switch",
                "temperature",
            }
        ),
    ),
    (
        "social",
        frozenset(
            {
                "tweet", "tweets", "twitter", "facebook", "friend", "friends", "follow",
                "retweet", "instagram", "linkedin", "reddit", "mastodon", "social", "timeline",
                "feed", "followers", "profile",
            }
        ),
    ),
    (
        "communication",
        frozenset(
            {
                "email", "emails", "mail", "gmail", "message", "messages", "sms", "chat", "slack",
                "twilio", "contact", "contacts", "inbox", "phone", "notification", "notify",
                "whatsapp", "telegram", "discord", "teams", "call", "outlook", "channel",
            }
        ),
    ),
    (
        "calendar",
        frozenset(
            {
                "event", "events", "calendar", "meeting", "meetings", "reminder", "reminders",
                "appointment", "appointments", "invitation", "invitations", "agenda", "todoist",
                "task", "tasks", "todo", "schedule",
            }
        ),
    ),
    (
        "files",
        frozenset(
            {
                "file", "files", "folder", "folders", "directory", "dropbox", "drive", "document",
                "documents", "attachment", "attachments", "note", "notes", "notebook",
                "notebooks", "evernote", "upload", "download", "storage", "bucket", "disk",
                "path",
            }
        ),
    ),
    (
        "software",
        frozenset(
            {
                "repository", "repositories", "repo", "repos", "issue", "issues", "pull",
                "commit", "branch", "github", "gitlab", "git", "code", "build", "deploy",
                "terminal", "bash", "shell", "command", "pipeline", "container", "docker",
                "kubernetes", "database", "sql", "query", "table", "server", "api", "npm",
                "package", "function", "contract", "solidity", "lint", "test", "tests",
                "workflow", "release", "execute",
            }
        ),
    ),
)
"""Domains in priority order: the first whose words appear in the name wins."""

BRAND_DOMAINS: tuple[tuple[str, str], ...] = (
    ("23andme", "health"), ("teladoc", "health"), ("ameritrade", "finance"),
    ("paypal", "finance"), ("coinbase", "finance"), ("robinhood", "finance"),
)
"""Brand names that word splitting breaks up (`The23andMe`), found in the joined name."""

KNOWN_TOOLS: dict[str, tuple[str, str]] = {
    "Read": ("read", "files"),
    "Write": ("write", "files"),
    "Edit": ("write", "files"),
    "MultiEdit": ("write", "files"),
    "NotebookEdit": ("write", "files"),
    "NotebookRead": ("read", "files"),
    "Glob": ("read", "files"),
    "Grep": ("read", "files"),
    "LS": ("read", "files"),
    "Bash": ("execute", "software"),
    "BashOutput": ("read", "software"),
    "KillBash": ("delete", "software"),
    "KillShell": ("delete", "software"),
    "WebFetch": ("read", "unknown"),
    "WebSearch": ("read", "unknown"),
    "TodoWrite": ("write", "calendar"),
    "Task": ("execute", "software"),
    "TaskOutput": ("read", "software"),
    "AskUserQuestion": ("read", "communication"),
    "ExitPlanMode": ("read", "software"),
    "apply_patch": ("write", "files"),
    "update_plan": ("write", "software"),
    "shell": ("execute", "software"),
    "local_shell": ("execute", "software"),
    "exec_command": ("execute", "software"),
    "write_stdin": ("execute", "software"),  # keys typed into the command exec_command started
    "run_shell_command": ("execute", "software"),
    "read_file": ("read", "files"),
    "write_file": ("write", "files"),
    "replace": ("write", "files"),
    "list_directory": ("read", "files"),
    "read_many_files": ("read", "files"),
    "glob": ("read", "files"),
    "search_file_content": ("read", "files"),
    "web_fetch": ("read", "unknown"),
    "google_web_search": ("read", "unknown"),
    "save_memory": ("write", "files"),
}
"""Built-in tools of Claude Code, Codex CLI and Gemini CLI: (kind, domain)."""

TOOLKIT_NOUNS = frozenset(
    {"control", "lock", "ship", "dispatch", "home", "safe", "light", "change", "order", "book"}
)
"""Noun-or-verb words that, followed by another verb, name the toolkit (`TrafficControl`)."""

RATINGS: dict[str, tuple[int, str]] = {
    "read": (1, "reversible"),
    "write": (4, "recoverable"),
    "delete": (6, "irreversible"),
    "soft_delete": (5, "recoverable"),
    "send": (6, "irreversible"),
    "transfer": (8, "irreversible"),
    "execute": (7, "irreversible"),
    "unknown": (5, "recoverable"),
}
"""Baseline (risk, reversibility) per kind, before domain and object adjustments."""

DOMAIN_BUMP: dict[str, dict[str, int]] = {
    "finance": {"read": 1, "write": 2, "delete": 1, "send": 1, "execute": 1},
    "health": {"read": 1, "write": 1, "delete": 1, "send": 1},
    "iot": {"write": 2, "delete": 1, "execute": 1},
}
"""Extra risk points per domain and kind (money and bodies matter more; so do doors)."""
# fmt: on
