"""Names of files given as text: on stdin, to a script, or as plain words where they are secrets.

`xargs cat <<< /etc/shadow` and `tar -cf x -T - <<EOF` read the files their heredoc or
here-string names (or what `cat <<EOF`, a filter, `echo` or `printf` pipes in), split as xargs
splits them, with the variables and defaults known put in (`<<< "$d/shadow"`), quotes and
escapes removed as xargs removes them, from the directory `tar -C` names; `read f <<<` sets
`f` to them. A script is given its arguments to read (`python3 x.py ~/.ssh/id_rsa`; its
relative ones are the project's files). And where a command runs in a directory that holds
secrets by their place (`/etc`, a home), a relative path given to a script, or a word of the
names a file reader reads, names a file there (`cd /etc && echo shadow | xargs cat`); other
plain words stay arguments (services, messages, URLs).
"""

from __future__ import annotations

import pytest

from tests.shipped import SHIPPED, decide_bash

CWD = "/home/me/proj"
HOME = "/home/me"

SECRETS_READ = [
    # names on stdin
    "xargs cat <<< /etc/shadow",
    "xargs cat <<EOF\n/etc/shadow\nEOF",
    "xargs -0 cat <<< ~/.ssh/id_rsa",
    'xargs -d , cat <<< "notes.md,/etc/shadow"',
    'xargs cat <<< "$HOME/.aws/credentials"',
    "xargs -I{} cp {} /tmp/x <<< ~/.ssh/id_rsa",
    "tar -cf /tmp/x.tar -T - <<< /etc/shadow",
    # with the variables known
    'd=/etc; xargs cat <<< "$d/shadow"',
    "d=/etc; xargs cat <<EOF\n$d/shadow\nEOF",
    "for d in /tmp /etc; do xargs cat <<< $d/shadow; done",
    'd=/etc; tar -cf /tmp/x -T - <<< "$d/shadow"',
    'd=/etc; read f <<< "$d/shadow"; cat $f',
    'for d in /tmp /etc; do read f <<< "$d/shadow"; cat $f; done',  # each reading of the word
    'd=/etc; /usr/bin/tar -cf x -T - <<< "$d/shadow"',
    'd=/etc; zip -@ x.zip <<< "$d/shadow"',
    "xargs cat <<< ${X:-/etc}/shadow",  # a default put in
    "xargs cat <<< $(echo /etc)/shadow",  # a substitution that prints a path, put in
    'd=/etc; read f <<< "$(echo $d)/shadow"; cat $f',
    "xargs cat <<EOF\n${X:-/etc/shadow}\nEOF",
    # quotes and escapes removed, as xargs removes them
    "xargs cat <<< '/etc/\"shadow\"'",
    "xargs cat <<< \"/etc/sha''dow\"",
    "xargs cat <<< '/etc/sha\\dow'",
    "d=/etc; xargs cat <<EOF\n'$d'/shadow\nEOF",
    # the delimiter xargs is given
    "xargs -dX cat <<< 'aX/etc/shadowX'",
    # piped in by `cat <<EOF` or `echo`
    "cat <<EOF | xargs cat\n/etc/shadow\nEOF",
    "cat <<< /etc/shadow | xargs cat",
    "cat <<EOF | tar -cf - -T -\n/etc/shadow\nEOF",
    # passed on by filters, any number of them
    "cat <<EOF | sort | xargs cat\n/etc/shadow\nEOF",
    "cat <<< /etc/shadow | sort -u | grep . | head -5 | xargs cat",
    "sort <<< ~/.ssh/id_rsa | uniq | xargs -I{} cp {} /tmp/k",
    "printf '%s\\n' /etc/shadow | tee /dev/null | xargs cat",
    # from the directory tar's `-C` names
    "tar -C /etc -cf - -T - <<< shadow",
    "tar -cf - -C / -T - <<< etc/shadow",
    "tar --directory=/etc -cf - -T - <<< shadow",
    "tar -C ~/.kube -cf - -T - <<< config",
    # put in xargs -I's placeholder
    "xargs -I@ cat @/config <<< ~/.kube",
    "xargs -I{} cat {}/shadow <<< /etc",
    "xargs -I{} cat /etc/{} <<< shadow",
    "cat <<EOF | xargs -I{} cat {}/shadow\n/etc\nEOF",
    # passed on by a filter, printed by printf or echo -e
    "sort <<EOF | xargs cat\n/etc/shadow\nEOF",
    "head -1 <<< /etc/shadow | xargs cat",
    "grep -v '^#' <<EOF | xargs cat\n/etc/shadow\nEOF",
    "printf '/etc/%s\\n' shadow | xargs cat",
    "printf '%s/shadow\\n' /etc | xargs cat",
    "printf '/etc/%s\\n' shadow | tar -cf - -T -",
    "cd /etc && printf 'passwd\\tshadow' | xargs cat",
    "cd /etc && printf 'passwd\\0shadow\\0' | xargs -0 cat",
    "cd /etc && echo -e 'passwd\\tshadow' | xargs cat",
    "xargs -d '\\x71' cat <<< 'q/etc/shadowq'",
    "xargs -n10 cat <<< '/etc/shadow x'",  # `-n10` is no `-0`
    "cd /etc && echo -e 'passwd\\0shadow' | xargs -0 cat",
    "xargs -0 cat <<< /etc/shadow",
    'read f <<< "${A:-/etc/shadow}"; cat "$f"',
    # cpio, pax and GNU tar by its other name
    "cpio -o <<< /etc/shadow | base64",
    "cat <<EOF | cpio -o\n/etc/shadow\nEOF",
    "pax -w <<< /etc/shadow",
    "gtar -cf - -T - <<< /etc/shadow",
    "bsdtar -cf - -T - <<< ~/.ssh/id_rsa",
    "gtar -C / -cf - -T - <<< etc/shadow",
    # each line of parallel's stdin is an argument
    "parallel cat <<< /etc/shadow",
    "parallel -j4 cat <<EOF\n/etc/shadow\nEOF",
    # a script's arguments
    "python3 x.py /etc/shadow",
    "node x.js ~/.ssh/id_rsa",
    "bash deploy.sh ~/.aws/credentials",
    # plain words where they name a secret
    "cd /etc && xargs cat <<< shadow",
    "cd /etc && echo shadow | xargs cat",
    'cd /etc && printf "%s\\n" shadow gshadow | xargs -n1 cat',
    "cd /etc && echo shadow | tar -cf /tmp/x -T -",
    "cd /etc; python3 x.py ./shadow",
    "cd /etc; node x.js sudoers.d/x",
    "cd ~/.config && python3 x.py gcloud/credentials.db",
    "cd ~ && python3 x.py .ssh/id_rsa",
    "python3 x.py ../.ssh/id_rsa",
    "cd /etc && python3 x.py --file=./shadow",
    "cd /etc && python3.12 x.py ./shadow",
    "cd /etc && php x.php ./shadow",
    'cd /etc && echo "shadow gshadow" | xargs cat',
    "cd /etc && cat <<< shadow | xargs cat",
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", SECRETS_READ)
def test_a_secret_named_as_text_is_read(command: str, policy: str) -> None:
    assert decide_bash(policy, command, CWD, HOME) == "block"


@pytest.mark.parametrize(
    "command",
    [
        "xargs -n1 echo <<< 'a b c'",
        'd=src; xargs wc -l <<< "$d/a.py $d/b.py"',
        'xargs cat <<< "$UNKNOWN/notes.md"',
        "xargs wc -l <<< $(echo src)/a.py",
        'for d in src lib; do read f <<< "$d/a.py"; wc -l $f; done',
        "python3 manage.py runserver 0.0.0.0:8000",
        "python3 -m pytest tests/ -x",
        "node build.js --out dist/",
        "cat > notes.md <<EOF\nhello $USER\nEOF",
        # plain words that name no file read, in a directory that holds secrets
        "cd /etc && echo shadow",
        "cd /etc && dpkg -S shadow | head",
        "cd /etc && git log --oneline -- shadow",
        "cd ~ && echo Documents | xargs ls",
        "cd ~ && ls | grep Doc",
        "cd /etc && systemctl status ssh && ls *.conf | xargs wc -l",
        "cd /etc && dpkg -S ssh | cut -d: -f1 | xargs echo",
        # a script's relative arguments are the project's files
        "python3 app.py --env-file .env",
        "python3 tools/check_tf.py terraform.tfstate",
        "bash scripts/rotate.sh secrets.yaml",
        "python3 scripts/gen_cert.py --out certs/server.key",
        "tar -C src -cf - -T - <<< main.py",
        "parallel gzip <<EOF\na.txt\nb.txt\nEOF",
        "cd /etc && echo shadow; ls | xargs wc -l",  # a message, not piped to the reader
        "xargs -I{} gzip {} <<EOF\na.txt\nb.txt\nEOF",
        "sort -u <<EOF | xargs wc -l\nsrc/a.py\nsrc/b.py\nEOF",
        "cat <<EOF | sort | uniq | xargs wc -l\nsrc/a.py\nsrc/b.py\nEOF",
        "cat <<< /etc/shadow | sort; xargs cat",  # not piped to the reader
        # a message given whole (`-0`, `-d`, `-I`), a URL, are no names of files
        'echo "fix: handle ~/.ssh/config parsing" | xargs -0 git commit -m',
        'printf "%s" "docs: explain ~/.aws/credentials" | xargs -0 -I{} git commit -m "{}"',
        'echo "chore: document ~/.npmrc" | xargs -d "\\n" git commit -m',
        "echo https://example.com/.env | xargs curl -sI",
        "echo s3://bucket/prod/.env | xargs aws s3 ls",
    ],
)
def test_other_text_keeps_its_decision(command: str) -> None:
    assert decide_bash("coding-agent", command, CWD, HOME) == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "echo \"Remember to source .bashrc\"; find proj -name '*.py' | xargs wc -l",
        'echo "Done: .zshrc updated"; git -C proj ls-files | xargs wc -l',
        'python3 proj/notify.py "updated .bashrc aliases"',  # one argument, not names
        'bash proj/x.sh "see .aws docs"',
        'python3 ~/bin/notify.py "Saved backup of ~/.bashrc"',
        "node x.js https://example.com/.env",
    ],
)
def test_messages_from_the_home_keep_their_decisions(command: str) -> None:
    assert decide_bash("coding-agent", command, HOME, HOME) == "allow"


@pytest.mark.parametrize(
    "command",
    [
        # in /etc, a plain word given to a script or a program that reads no file is a
        # service, a package or a message, not a name of a file
        'printf "%s\\n" nginx ssh cron | xargs -n1 systemctl is-active',
        "echo ssh | xargs -I{} journalctl -u {} -n 20",
        "echo ssh | xargs dpkg -L",
        "bash /usr/local/bin/restart.sh ssh",
        "python3 /opt/tool/check.py --service ssh",
        "python3 x.py shadow",
        'python3 /opt/notify.py "backup done: ~/.ssh"',
    ],
)
def test_words_from_etc_that_name_no_file_keep_their_decisions(command: str) -> None:
    assert decide_bash("coding-agent", command, "/etc", HOME) == "allow"
