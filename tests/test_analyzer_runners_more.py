"""Programs that run another command, read as runners: version managers (`bundle exec`,
`mise exec --`), dev shells (`nix develop -c`, `nix-shell --run`), secret injectors
(`doppler run --`), containers and remote machines (`docker exec`, `kubectl exec --`,
`vagrant ssh -c`), terminals and watchers (`xterm -e`, `watchexec`), per-file runners
(`fd -x`, `rg --pre`) and queues (`sem`, `env_parallel`).

The command each one runs is analysed as if it were written alone; an option a reader does
not know hides where the command starts, so the runner is code not shown and policies ask.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import remit
from remit.analyzers import _elsewhere, _jobs, _runners, _toolchains, shell_facts
from remit.analyzers._options import Options
from tests.conftest import POLICIES

GUARDS = {name: remit.Guard.from_path(POLICIES / f"{name}.yaml") for name in ("coding-agent", "strict", "ci")}
CTX = {"cwd": "/home/me/proj"}


def _decision(command: str, policy: str = "coding-agent") -> str:
    return GUARDS[policy].check("Bash", {"command": command}, CTX).decision.value


HIDDEN_WIPES = [
    "bundle exec rm -rf ~",
    "mise exec -- rm -rf ~",
    "asdf exec rm -rf ~",
    "rbenv exec rm -rf ~",
    "pyenv exec rm -rf ~",
    'nix-shell --run "rm -rf ~"',
    "nix-shell --command 'rm -rf ~'",
    "nix develop -c rm -rf ~",
    "nix shell nixpkgs#hello -c rm -rf ~",
    "doppler run -- rm -rf ~",
    "infisical run -- rm -rf ~",
    "dotenvx run -- rm -rf ~",
    "chamber exec svc -- rm -rf ~",
    "conda run -n env rm -rf ~",
    "pipenv run rm -rf ~",
    "pdm run rm -rf ~",
    "hatch run rm -rf ~",
    "rye run rm -rf ~",
    "xterm -e rm -rf ~",
    "gnome-terminal -- rm -rf ~",
    "konsole -e rm -rf ~",
    "watchexec -- rm -rf ~",
    "watchexec -e py 'rm -rf ~'",
    "nodemon --exec 'rm -rf ~'",
    "entr rm -rf ~",
    "ls | entr rm -rf ~",
    "sem rm -rf ~",
    "env_parallel rm -rf ::: ~",
    "docker exec web rm -rf /",
    "docker run --rm alpine rm -rf /",
    "podman exec web rm -rf /",
    "podman run --rm alpine rm -rf /",
    "kubectl exec pod -- rm -rf /",
    "kubectl exec -it pod -c ctr -- sh -c 'rm -rf /'",
    "ip netns exec ns rm -rf ~",
    "systemd-nspawn -D /srv rm -rf /",
    "vagrant ssh -c 'rm -rf ~'",
    "lxc exec c -- rm -rf /",
    "distrobox enter box -- rm -rf ~",
    "sshpass -p x ssh h rm -rf /",
    "toolbox run rm -rf ~",
    # other spellings of the same
    "bundle ex rm -rf ~",
    "mise -C /tmp x node@20 -- rm -rf ~",
    "nix --extra-experimental-features 'nix-command flakes' develop -Lc rm -rf ~",
    "doppler run --command 'rm -rf ~'",
    "dotenvx run -f .env .env.local -- rm -rf ~",
    "docker container exec -u root web rm -rf /",
    "docker compose -f dev.yml exec -T web rm -rf /",
    "docker-compose run --rm web rm -rf /",
    "docker run --entrypoint sh alpine -c 'rm -rf /'",
    "kubectl -n prod exec pod ls -- rm -rf /",
    "kubectl exec pod rm -rf /",
    "incus exec c --env A=1 -- rm -rf /",
    "ip -all netns exec rm -rf ~",
    "ip netn e ns rm -rf ~",
    "ip vrf exec blue rm -rf ~",
    "distrobox-enter -n box -e rm -rf ~",
    "xterm -fa Mono +ls -e 'rm -rf ~'",
    "gnome-terminal --tab -e 'rm -rf ~'",
    "gnome-terminal -x rm -rf ~",
    "watchexec -c reset -r -n -- rm -rf ~",
    "sem -j4 --id x rm -rf ~",
    "echo 'rm -rf /' | docker exec -i web sh",
    "echo 'rm -rf ~' | nix develop",
    "nix-shell -p hello <<'EOF'\nrm -rf ~\nEOF",
]


@pytest.mark.parametrize("command", HIDDEN_WIPES)
def test_a_wipe_run_through_a_runner_is_blocked(command: str) -> None:
    for policy in GUARDS:
        assert _decision(command, policy) == "block", (policy, command)


NOT_SHOWN = [
    "fd -x rm -rf",
    "fd -X rm -rf",
    "fd --exec=rm -rf",
    "rg --pre ./x foo",
    "rg --pre=./x foo",
    "docker run --entrypoint ./x alpine",
    "docker exec --weird web ls",
    "kubectl exec --weird pod -- ls",
    "nix develop --weird -c ls",
    "nix-shell --weird --run ls",
    "mise exec --weird -- ls",
    "xterm -weird -e ls",
    "konsole --tabs-from-file tabs.txt",
    "watchexec --weird ls",
    "watchexec --shell=./myshell ls",
    "nodemon --weird --exec ls",
    "sem --weird ls",
    "ip -batch cmds.txt",
    "distrobox enter -a '--env A=1' box -- ls",
    "vagrant ssh -- ls",
    "echo ls | systemd-nspawn -D /srv",
    "docker exec $C ls",
    "chamber exec svc ls",
]


@pytest.mark.parametrize("command", NOT_SHOWN)
def test_code_a_runner_hides_is_never_allowed(command: str) -> None:
    for policy in GUARDS:
        assert _decision(command, policy) != "allow", (policy, command)


@pytest.mark.parametrize(
    ("command", "alone"),
    [
        ("bundle exec rspec", "rspec"),
        ("mise exec -- python -m pytest", "python -m pytest"),
        ("mise x python@3.12 -- pytest -q", "pytest -q"),
        ("fd -e py -x wc -l", "wc -l x"),
        ("docker exec web ls", "ls"),
        ("docker compose exec web pytest", "pytest"),
        ("kubectl exec pod -- ls", "ls"),
        ("nix develop -c pytest", "pytest"),
        ("nix develop --impure -c pytest", "pytest"),
        ("nix-shell --run pytest", "pytest"),
        ("poetry run pytest", "pytest"),
        ("watchexec -e py pytest", "pytest"),
        ("watchexec -c -r -e py -- cargo test", "cargo test"),
        ("doppler run -- npm test", "npm test"),
        ("infisical run --env=dev -- npm test", "npm test"),
        ("dotenvx run --overload -- npm test", "npm test"),
        ("xterm -e htop", "htop"),
        ("sem -j2 make", "make"),
        ("toolbox run ls", "ls"),
        ("distrobox enter box -- ls", "ls"),
        ("ip netns exec ns ls", "ls"),
        ("lxc exec c -- ls", "ls"),
        ("pyenv exec python -m pytest", "python -m pytest"),
    ],
)
def test_a_harmless_command_through_a_runner_gets_what_it_gets_alone(command: str, alone: str) -> None:
    assert _decision(command) == _decision(alone) == "allow", command


@pytest.mark.parametrize(
    "command",
    ["fd -e py", "fd -H foo src", "rg foo", "rg -n 'x' src", "ip addr", "nix build", "docker ps",
     "kubectl get pods", "nodemon app.js", "nix develop --build", "sem --wait", "env_parallel --session",
     "vagrant up"],
)  # fmt: skip
def test_the_same_programs_running_nothing_are_read_as_before(command: str) -> None:
    facts = shell_facts("Bash", {"command": command}, "/p")
    assert len(facts.commands) == 1 and not facts.commands[0].runs_input, command
    assert facts.commands[0].argv == command.replace("'", "").split()


def _commands(command: str) -> list[tuple[str, list[str], list[str]]]:
    """(program, args, wrappers) of each command the call runs."""
    return [(c.program, c.args, c.wrappers) for c in shell_facts("Bash", {"command": command}, "/p").commands]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("bundle exec rspec spec/x_spec.rb", [("bundle", ["exec", "rspec", "spec/x_spec.rb"], []),
                                              ("rspec", ["spec/x_spec.rb"], ["bundle"])]),
        ("mise x node@20 -- node app.js", [("mise", ["x", "node@20", "--", "node", "app.js"], []),
                                           ("node", ["app.js"], ["mise"])]),
        ("mise exec node@20", [("mise", ["exec", "node@20"], [])]),  # no `--`: tools only
        ("nix develop .#ci -c make test", [("nix", ["develop", ".#ci", "-c", "make", "test"], []),
                                           ("make", ["test"], ["nix"])]),
        ("sshpass -f pw ssh h uptime", [("ssh", ["h"], ["sshpass"]), ("uptime", [], ["sshpass", "ssh"])]),
        ("ip -4 netns exec ns ping x", [("ping", ["x"], ["ip"])]),
        ("xterm htop", [("htop", [], ["xterm"])]),
        ("nodemon --exec 'python -v' app.py", [("python", ["-v", "app.py"], ["nodemon"])]),
        ("systemd-nspawn -bD /srv", [("systemd-nspawn", ["-bD", "/srv"], [])]),  # boots its init
        ("dotenvx run -f a b node x.js", [("dotenvx", ["run", "-f", "a", "b", "node", "x.js"], [])]),
        ("docker run -it alpine", [("docker", ["run", "-it", "alpine"], [])]),  # the image's command
    ],
)  # fmt: skip
def test_the_command_a_runner_runs(command: str, expected: list[tuple[str, list[str], list[str]]]) -> None:
    assert _commands(command) == expected


def test_a_container_gets_none_of_this_shells_environment() -> None:
    """As `ssh host cmd`: the runner keeps its own environment, the command gets what `-e`
    passes (`-e NAME` passes the value NAME has here)."""
    facts = shell_facts("Bash", {"command": "A=1 docker exec -e B=2 -e PAGER web git log"}, "/p")
    docker, git = facts.commands
    assert docker.env == ["A=1"] and git.env == ["B=2", "PAGER=$PAGER"]
    facts = shell_facts("Bash", {"command": "export A=1; kubectl exec pod -- env"}, "/p")
    assert [c.env for c in facts.commands if c.program == "env"] == [[]]
    facts = shell_facts("Bash", {"command": "A=1 systemd-nspawn -D /srv -E B=2 env"}, "/p")
    assert [c.env for c in facts.commands] == [["B=2"]]


def test_a_runner_on_this_machine_passes_the_environment() -> None:
    facts = shell_facts("Bash", {"command": "A=1 ip netns exec ns env && B=2 bundle exec env"}, "/p")
    assert [c.env for c in facts.commands if c.program == "env"] == [["A=1"], ["B=2"]]
    facts = shell_facts("Bash", {"command": "watchexec -E A=1 -n -- env"}, "/p")
    assert [c.env for c in facts.commands] == [["A=1"]]


def test_an_entrypoint_runs_instead_of_the_image_and_is_not_shown() -> None:
    facts = shell_facts("Bash", {"command": "docker run --entrypoint sh alpine -c 'rm -rf /'"}, "/p")
    docker, rm = facts.commands
    assert docker.runs_input and docker.dynamic
    assert (rm.program, rm.args, rm.wrappers) == ("rm", ["-rf", "/"], ["docker", "sh"])


def test_a_health_command_runs_in_the_container() -> None:
    assert ("rm", ["-rf", "/"], ["docker"]) in _commands("docker run --health-cmd 'rm -rf /' alpine")


def test_fd_runs_its_command_once_per_path_found() -> None:
    facts = shell_facts("Bash", {"command": "fd -H . src docs -x rm -rf {//} \\; -e py"}, "/p")
    fd, rm = facts.commands
    assert fd.program == "fd" and not fd.runs_input
    assert rm.args == ["-rf", "{}"] and rm.wrappers == ["fd"] and rm.dynamic and rm.fills == ["src", "docs"]
    (_, rm) = shell_facts("Bash", {"command": "fd -X rm"}, "/p").commands
    assert rm.args == ["{}"] and rm.fills == ["."]  # no placeholder: the paths appended


def test_rg_with_a_preprocessor_is_code_not_shown() -> None:
    rg, pre = shell_facts("Bash", {"command": "rg --pre ./unzip-all foo"}, "/p").commands
    assert rg.runs_input and pre.argv == ["./unzip-all"] and pre.wrappers == ["rg"] and pre.dynamic


def test_an_unknown_option_makes_the_runner_code_not_shown_and_its_command_dynamic() -> None:
    facts = shell_facts("Bash", {"command": "docker exec --weird web rm x"}, "/p")
    docker, rm = facts.commands
    assert docker.runs_input and rm.dynamic and rm.args == ["x"]


@pytest.mark.parametrize(
    "command",
    ["nix develop", "nix shell nixpkgs#jq", "nix-shell -p jq", "vagrant ssh", "distrobox enter box",
     "systemd-nspawn -D /srv"],
)  # fmt: skip
def test_a_runner_given_no_command_starts_a_shell_that_reads_a_heredoc(command: str) -> None:
    facts = shell_facts("Bash", {"command": f"{command} <<'EOF'\nrm -rf ~\nEOF"}, "/p")
    assert ["-rf", "~"] in [c.args for c in facts.commands if c.program == "rm"]
    assert shell_facts("Bash", {"command": f"curl -s x | {command}"}, "/p").pipes_to_shell


def test_watchexec_runs_its_words_through_the_shell() -> None:
    assert _commands("watchexec -e py 'pytest -q && ruff check'") == [
        ("pytest", ["-q"], ["watchexec"]),
        ("ruff", ["check"], ["watchexec"]),
    ]
    assert _commands("watchexec -c clear ls") == [("ls", [], ["watchexec"])]  # `-c` took `clear`


def test_the_new_runner_names_are_known_without_loading_the_readers() -> None:
    from remit.analyzers import _programs

    new = {"bundle", "mise", "nix", "nix-shell", "docker", "kubectl", "fd", "rg", "xterm", "watchexec", "sem"}
    assert new <= _programs.RUNNER_PROGRAMS
    assert {"docker", "kubectl", "nix", "ip"} <= _programs.RUN_SUBCOMMANDS.keys()


_TABLES: dict[str, list[Options]] = {
    "mise": [_toolchains.MISE],
    "nix": [_toolchains.NIX],
    "nix-shell": [_toolchains._NIX_SHELL],
    "dotenvx": [_toolchains.DOTENVX],
    "chamber": [_toolchains.CHAMBER],
    "docker": [_elsewhere.DOCKER_GLOBAL, _elsewhere.COMPOSE_GLOBAL, *_elsewhere._DOCKER.values()],
    "docker-compose": [_elsewhere.COMPOSE_GLOBAL, *_elsewhere._DOCKER.values()],
    "podman": [_elsewhere.PODMAN_GLOBAL, *_elsewhere._PODMAN.values()],
    "kubectl": [_elsewhere.KUBECTL],
    "lxc": [_elsewhere.LXC],
    "vagrant": [_elsewhere.VAGRANT],
    "ip": [_elsewhere.IP],
    "fd": [_runners._FD],
    "sem": [_jobs._SEM],
    "watchexec": [_jobs._WATCHEXEC],
    "nodemon": [_jobs._NODEMON],
    **{name: [spec.options] for name, spec in _jobs.TERMINALS.items()},
    **{name: [_runners.WRAPPERS[name].options] for name in ("sshpass", "systemd-nspawn")},
    **{name: [_runners.SUBCOMMANDS[name].options] for name in ("bundle", "doppler", "infisical", "toolbox")},
}
_SUBWORDS = ["exec", "run", "x", "develop", "shell", "ssh", "netns", "enter", "compose", "container", "vrf"]
_WORDS = ["-", "--", "-c", "-e", "-x", "--a=b", "x", "'rm -rf ~'", ";", "\\;", "{}", "$X", "+ls", "reset"]


def _option_words(program: str) -> list[str]:
    specs = _TABLES[program]
    names = {n for spec in specs for n in spec.values | spec.optional | spec.rest | (spec.flags or set())}
    return sorted(f"-{n}" if len(n) == 1 else f"--{n}" for n in names)


@pytest.mark.parametrize("program", sorted(_TABLES))
@given(st.data())
@settings(max_examples=40, deadline=None)
def test_any_arguments_of_a_new_runner_never_raise(program: str, data: st.DataObject) -> None:
    pool = _WORDS + _SUBWORDS + _option_words(program)
    words = data.draw(st.lists(st.sampled_from(pool), max_size=7))
    facts = shell_facts("Bash", {"command": " ".join([program, *words])}, "/p")
    assert not facts.error.startswith("internal error")


@pytest.mark.parametrize("program", sorted(_TABLES))
def test_each_option_of_a_new_runner_last_never_raises(program: str) -> None:
    for head in ([], *[[w] for w in _SUBWORDS]):
        for option in _option_words(program):
            for tail in ([], ["x"], ["x", "1"]):
                command = " ".join([program, *head, option, *tail])
                facts = shell_facts("Bash", {"command": command}, "/p")
                assert not facts.error.startswith("internal error"), command


# --- spellings that hid the command a runner runs ---------------------------------------------------

RUN_AS_WORDS = [
    # watchexec quotes each word for the shell; `sem -q` too
    "watchexec -- sh -c 'rm -rf ~'",
    "watchexec -e py -- bash -c 'rm -rf ~'",
    "sem -q sh -c 'rm -rf ~'",
    "sem --quote sh -c 'rm -rf ~'",
    # a letter's value after `=` (clap, cobra: `-x=rm` is `rm`)
    "fd -x=rm -rf {} . /",
    "fd -X=rm -rf . /",
    "mise x -c='rm -rf ~'",
    "kubectl exec pod -c=app rm -rf /",
    "kubectl exec pod -c app rm -rf /",
    "docker exec -u=root web rm -rf /",
    # nix run: a shell package reads its arguments
    "nix run nixpkgs#bash -- -c 'rm -rf ~'",
    "nix run nixpkgs#bashInteractive -- -c 'rm -rf ~'",
    # a host path mounted into the container
    "docker run -v ~:/h alpine rm -rf /h",
    "docker run -v ~:/h alpine sh -c 'rm -rf /h/'",
    "docker run --mount type=bind,src=/,dst=/host alpine sh -c 'rm -rf /host'",
    # terminal emulators
    "alacritty -e rm -rf ~",
    "alacritty --title x --command rm -rf ~",
    "kitty rm -rf ~",
    "kitty --hold -T x rm -rf ~",
    "wezterm start -- rm -rf ~",
    "wezterm start --cwd /tmp rm -rf ~",
    "wezterm ssh host rm -rf ~",
    "foot rm -rf ~",
    "foot -e rm -rf ~",
    "footclient -H rm -rf ~",
    "xfce4-terminal -x rm -rf ~",
    "xfce4-terminal -e 'rm -rf ~'",
    "terminator -x rm -rf ~",
    "terminator -e 'rm -rf ~'",
    "tilix -e 'rm -rf ~'",
    "mate-terminal -x rm -rf ~",
    "lxterminal -e rm -rf ~",
    "st -e rm -rf ~",
    "st rm -rf ~",
    "urxvt -fn x -e rm -rf ~",
    "kgx -- rm -rf ~",
    "kgx -e 'rm -rf ~'",
    "ptyxis -- rm -rf ~",
    "ptyxis -x 'rm -rf ~'",
]


@pytest.mark.parametrize("command", RUN_AS_WORDS)
def test_a_wipe_in_another_spelling_of_a_runner_is_blocked(command: str) -> None:
    for policy in GUARDS:
        assert _decision(command, policy) == "block", (policy, command)


RUNS_MORE = [
    "watchexec -- sh -c 'cat ~/.ssh/id_rsa'",
    "docker run --mount type=bind,src=/home/me/.aws,dst=/a alpine cat /a/credentials",
    "docker run --mount=type=bind,source=/home/me/.aws,target=/a alpine cat /a/credentials",
    "podman run --mount type=bind,source=/home/me/.aws,target=/a alpine cat /a/credentials",
    "docker run -v /home/me/.aws:/a:ro alpine cat /a/credentials",
]


@pytest.mark.parametrize("command", RUNS_MORE)
def test_a_secret_read_through_a_runner_is_not_allowed(command: str) -> None:
    for policy in GUARDS:
        assert _decision(command, policy) != "allow", (policy, command)


HIDDEN_AGAIN = [
    "rg -e -- --pre=sh .",
    "rg -e -- --pre sh .",
    "rg --regexp -- --pre=sh .",
    "rg -- --pre ./x",  # a pattern, but read strictly
    "rg -ie -- --pre=./x .",
    "nix shell --set-env-var LD_PRELOAD /tmp/x.so nixpkgs#hello -c hello",
    "nix develop -s LD_PRELOAD /tmp/x.so -c ls",
    "nix run nixpkgs#hello -- x",
    "nix run . -- x",
    "nix run github:o/r",
    "kitty -o shell=./x",
    "kitty --session s.conf",
    "kitty +runpy 'import os'",
    "kitty +kitten ./mine.py",
    "kitty @ launch ./x",
    "alacritty -o 'terminal.shell=\"./x\"'",
    "foot -o shell=./x",
    "terminator -g cfg",
    "wezterm --config default_prog='{\"./x\"}'",
    "wezterm cli send-text 'rm -rf ~'",
    "wezterm weird -- ls",
    "alacritty --weird -e ls",
]


@pytest.mark.parametrize("command", HIDDEN_AGAIN)
def test_code_hidden_in_another_spelling_is_never_allowed(command: str) -> None:
    for policy in GUARDS:
        assert _decision(command, policy) != "allow", (policy, command)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("fd -e py -x black", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
        ("rg -n foo src", {"coding-agent": "allow", "strict": "allow", "ci": "allow"}),
        ("rg -e -- -x src", {"coding-agent": "allow", "strict": "allow", "ci": "allow"}),
        ("rg --pre-glob '*.gz' foo", {"coding-agent": "allow", "strict": "allow", "ci": "allow"}),
        ("watchexec -e py pytest", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
        ("docker run --rm -v $PWD:/w img make", {"coding-agent": "allow", "strict": "ask", "ci": "block"}),
        ("nix develop -c make", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
        ("kitty +kitten icat x.png", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
        ("docker ps", {"coding-agent": "allow", "strict": "ask", "ci": "allow"}),
    ],
)
def test_harmless_uses_keep_their_decisions(command: str, expected: dict[str, str]) -> None:
    assert {policy: _decision(command, policy) for policy in GUARDS} == expected


def test_watchexec_and_sem_q_run_each_word_as_it_is() -> None:
    assert _commands("watchexec -- sh -c 'rm -rf x'")[-1] == ("rm", ["-rf", "x"], ["watchexec", "sh"])
    assert _commands("sem -q sh -c 'rm -rf x'")[-1] == ("rm", ["-rf", "x"], ["sem", "sh"])
    # a word with a shell's syntax: read as 1.x joined it too
    assert ("rm", ["x"], ["watchexec"]) in _commands("watchexec -- echo 'a; rm x'")


def test_a_letters_value_after_an_equals_sign() -> None:
    assert _commands("fd . / -x=rm")[-1][:2] == ("rm", ["{}"])
    assert _commands("kubectl exec pod -c=app ls -l")[-1] == ("ls", ["-l"], ["kubectl"])
    # GNU getopt keeps the `=`: a table that does not say is read without it, and not shown
    from remit.analyzers._options import options, read_options
    from remit.analyzers._parsed import Word

    read = read_options([Word("-x=rm"), Word("a")], options("x"))
    assert read.values == (("x", Word("rm")),) and read.unknown
    read = read_options([Word("-x=rm")], options("x", short_equals=False))
    assert read.values == (("x", Word("=rm")),) and not read.unknown
    read = read_options([Word("-x=rm")], options("x", short_equals=True))
    assert read.values == (("x", Word("rm")),) and not read.unknown


def test_nix_sets_the_variables_of_its_set_env_var_option() -> None:
    facts = shell_facts("Bash", {"command": "nix develop -s LD_PRELOAD /tmp/x.so -c ls"}, "/p")
    ls = facts.commands[-1]
    assert ls.program == "ls" and "LD_PRELOAD=/tmp/x.so" in ls.env


def test_nix_run_reads_a_shell_package_as_that_shell() -> None:
    assert _commands("nix run nixpkgs#bash -- -c 'rm x'")[-1] == ("rm", ["x"], ["nix", "bash"])
    nix, hello = shell_facts("Bash", {"command": "nix run nixpkgs#hello -- x"}, "/p").commands
    assert nix.runs_input and hello.program == "hello" and hello.dynamic


def test_a_container_command_reads_a_mounted_path_as_the_host_path() -> None:
    command = "docker run -v /srv/data:/d:ro --mount type=bind,src=/etc,dst=/e img cat /d/x /e/passwd /dx"
    assert _commands(command)[-1] == ("cat", ["/srv/data/x", "/etc/passwd", "/dx"], ["docker"])
    assert _commands("docker run -v vol:/d img cat /d/x")[-1] == ("cat", ["/d/x"], ["docker"])


def test_rg_reads_the_values_of_its_options() -> None:
    rg, pre = shell_facts("Bash", {"command": "rg -e -- --pre=./x ."}, "/p").commands
    assert rg.runs_input and pre.argv == ["./x"]
    assert _commands("rg -e -- -x src") == [("rg", ["-e", "--", "-x", "src"], [])]


def test_the_terminals_commands() -> None:
    assert _commands("kitty --hold htop -d 1")[-1] == ("htop", ["-d", "1"], ["kitty"])
    assert _commands("foot -e htop")[-1] == ("htop", [], ["foot"])
    assert _commands("st -e htop")[-1] == ("htop", [], ["st"])
    assert _commands("wezterm start --cwd /tmp -- htop")[-1] == ("htop", [], ["wezterm"])
    assert _commands("kitty +kitten icat x.png") == [("kitty", ["+kitten", "icat", "x.png"], [])]
    assert _commands("alacritty") == [("alacritty", [], [])]
