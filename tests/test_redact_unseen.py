"""Secrets the corpus in `tests/data/secrets.yaml` does not hold never reach the log either.

Every value here is FAKE: drawn from a seeded random generator in the alphabet and length of a
provider's credential, at import time, so no real secret is, or ever was, in this file. Each
case puts such values where agents put them (a command, a heredoc, a file written, a JSON
argument under an odd name, a list of argv, a URL query, a header) and each must leave no
8-character piece of its secret anywhere in the decision log: in the arguments, in the
context, in a reason that quotes the arguments, in an outcome's detail. Near-misses (hashes,
ids, paths, base64 of ordinary text) must come out unchanged, or the log stops being useful.
"""

from __future__ import annotations

import base64
import collections
import itertools
import json
import random
import re
import string
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import remit
from remit.load import load_text
from remit.redact import UNPRINTABLE, UNSEEN, marker, redact, redact_text, redact_with
from remit.secret_patterns import _MAYBE, _TRIGGERS, PATTERNS
from tests.conftest import POLICIES
from tests.test_redact import _strings

RNG = random.Random(0x5EC2E7)
ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def fake(alphabet: str, size: int) -> str:
    """`size` characters drawn from `alphabet`: a made-up value in the shape of a real one."""
    return "".join(RNG.choice(alphabet) for _ in range(size))


def b64(size_bytes: int) -> str:
    """The base64 of `size_bytes` random bytes."""
    return base64.b64encode(RNG.randbytes(size_bytes)).decode()


def pem_body(size_bytes: int, width: int = 64) -> str:
    body = b64(size_bytes)
    return "\n".join(body[i : i + width] for i in range(0, len(body), width))


@dataclass(frozen=True)
class Case:
    """A tool call, and the secret values it holds (the random part of each credential)."""

    name: str
    tool: str
    args: Any
    secrets: tuple[str, ...]


CASES: list[Case] = []


def case(name: str, tool: str, args: Any, *secrets: str) -> None:
    CASES.append(Case(name, tool, args, secrets))


def bash(name: str, command: str, *secrets: str) -> None:
    case(name, "Bash", {"command": command, "description": "run it"}, *secrets)


def write(name: str, path: str, content: str, *secrets: str) -> None:
    case(name, "Write", {"file_path": path, "content": content}, *secrets)


# -- AWS -----------------------------------------------------------------------------------------

AKID = "AKIA" + fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
ASID = "ASIA" + fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
AWS_SECRET = fake(B64, 40)
AWS_SECRET2 = fake(B64, 40)
SESSION = "IQoJb3JpZ2luX2VjE" + fake(B64, 380) + "=="
SESSION_OLD = "FwoGZXIvYXdzE" + fake(B64, 300)
write(
    "aws-credentials-file",
    "/home/dev/.aws/credentials",
    f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {AWS_SECRET}\n\n"
    f"[ci]\naws_access_key_id={ASID}\naws_secret_access_key={AWS_SECRET2}\naws_session_token={SESSION}\n",
    AKID,
    AWS_SECRET,
    ASID,
    AWS_SECRET2,
    SESSION,
)
bash(
    "aws-configure-set",
    f"aws configure set aws_access_key_id {AKID} && aws configure set aws_secret_access_key {AWS_SECRET} "
    f"&& aws configure set aws_session_token {SESSION_OLD} --profile ci",
    AKID,
    AWS_SECRET,
    SESSION_OLD,
)
bash(
    "aws-env-session",
    f"AWS_ACCESS_KEY_ID={ASID} AWS_SECRET_ACCESS_KEY='{AWS_SECRET2}' AWS_SESSION_TOKEN=\"{SESSION}\" "
    "aws sts get-caller-identity",
    ASID,
    AWS_SECRET2,
    SESSION,
)
case(
    "aws-sts-output-json",
    "mcp__aws__assume_role",
    {
        "Credentials": {
            "AccessKeyId": ASID,
            "SecretAccessKey": AWS_SECRET,
            "SessionToken": SESSION_OLD,
            "Expiration": "2031-01-01T00:00:00Z",
        }
    },
    ASID,
    AWS_SECRET,
    SESSION_OLD,
)
bash("aws-session-token-bare", f"echo {SESSION} > /tmp/session", SESSION)

# -- Google Cloud ----------------------------------------------------------------------------------

GCP_KEY = pem_body(1190)
GCP_JSON = json.dumps(
    {
        "type": "service_account",
        "project_id": "shop-prod-381712",
        "private_key_id": fake(HEX, 40),
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{GCP_KEY}\n-----END PRIVATE KEY-----\n",
        "client_email": "deployer@shop-prod-381712.iam.gserviceaccount.com",
        "client_id": "1" + fake(string.digits, 20),
        "token_uri": "https://oauth2.googleapis.com/token",
    },
    indent=2,
)
write("gcp-service-account-json", "/repo/sa.json", GCP_JSON, *GCP_KEY.split("\n"))
bash(
    "gcp-service-account-heredoc",
    f"cat > /tmp/sa.json <<'EOF'\n{GCP_JSON}\nEOF\n"
    "gcloud auth activate-service-account --key-file /tmp/sa.json",
    *GCP_KEY.split("\n"),
)
case(
    "gcp-service-account-parsed",
    "mcp__gcp__deploy",
    {"credentials": json.loads(GCP_JSON)},
    *GCP_KEY.split("\n"),
)
GOOGLE_API = "AIza" + fake(B64URL, 35)
bash(
    "google-api-key-query",
    f"curl 'https://maps.googleapis.com/maps/api/geocode/json?address=x&key={GOOGLE_API}'",
    GOOGLE_API,
)

# -- Azure -------------------------------------------------------------------------------------

AZ_KEY = b64(64)
AZ_SIG = fake(B64, 43) + "="
AZ_SIG_ENC = AZ_SIG.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
bash(
    "azure-connection-string",
    "export AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=https;AccountName=shopdata;"
    f"AccountKey={AZ_KEY};EndpointSuffix=core.windows.net'",
    AZ_KEY,
)
bash(
    "azure-sas-url",
    "azcopy copy ./dist 'https://shopdata.blob.core.windows.net/site?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac"
    f"&se=2031-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={AZ_SIG_ENC}' --recursive",
    AZ_SIG_ENC,
    AZ_SIG,
)
case(
    "azure-sas-token-arg",
    "mcp__azure__upload",
    {"container": "site", "sas": f"sv=2022-11-02&ss=b&srt=o&sp=r&se=2031-01-01&spr=https&sig={AZ_SIG_ENC}"},
    AZ_SIG_ENC,
)
AZ_SB = b64(32)
write(
    "azure-service-bus-appsettings",
    "/repo/appsettings.json",
    json.dumps(
        {
            "ServiceBus": {
                "ConnectionString": f"Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AZ_SB}"
            }
        }
    ),
    AZ_SB,
)

# -- GitHub, GitLab, Bitbucket ----------------------------------------------------------------------

GHP = "ghp_" + fake(ALNUM, 36)
GHO = "gho_" + fake(ALNUM, 36)
GHS = "ghs_" + fake(ALNUM, 36)
GHU = "ghu_" + fake(ALNUM, 36)
GH_PAT = "github_pat_" + fake(ALNUM, 22) + "_" + fake(ALNUM, 59)
GLPAT = "glpat-" + fake(B64URL, 20)
bash("github-clone-x-access-token", f"git clone https://x-access-token:{GHS}@github.com/acme/shop.git", GHS)
bash("github-clone-token-as-user", f"git clone https://{GHP}@github.com/acme/shop.git", GHP)
bash("github-gh-auth", f"echo {GH_PAT} | gh auth login --with-token", GH_PAT)
case("github-oauth-json", "mcp__github__call", {"auth": {"token": GHO}, "repo": "acme/shop"}, GHO)
case("github-user-to-server-list", "mcp__github__call", {"argv": ["gh", "api", "user", "--token", GHU]}, GHU)
bash(
    "github-in-cjk-prose",
    f"echo '令牌{GHP}已过期' && echo 'トークン:{GHO}です'",
    GHP,
    GHO,
)
bash(
    "gitlab-private-token-header",
    f"curl -H 'PRIVATE-TOKEN: {GLPAT}' https://gitlab.com/api/v4/projects",
    GLPAT,
)
bash("gitlab-clone-oauth2", f"git clone https://oauth2:{GLPAT}@gitlab.com/acme/shop.git", GLPAT)

# -- chat, payments, mail ---------------------------------------------------------------------

XOXB = f"xoxb-{fake(string.digits, 12)}-{fake(string.digits, 13)}-{fake(ALNUM, 24)}"
XOXP = f"xoxp-{fake(string.digits, 12)}-{fake(string.digits, 12)}-{fake(string.digits, 13)}-{fake(HEX, 32)}"
XAPP = f"xapp-1-A{fake(UPPER_DIGITS, 10)}-{fake(string.digits, 13)}-{fake(HEX, 64)}"
HOOK = f"T{fake(UPPER_DIGITS, 10)}/B{fake(UPPER_DIGITS, 10)}/{fake(ALNUM, 24)}"
bash(
    "slack-bot-token-bearer", f"curl -H 'Authorization: Bearer {XOXB}' https://slack.com/api/auth.test", XOXB
)
case("slack-user-token-json", "mcp__slack__post", {"userToken": XOXP, "channel": "C0123"}, XOXP)
bash("slack-app-token-env", f"SLACK_APP_TOKEN={XAPP} python bot.py", XAPP)
bash(
    "slack-webhook",
    f'curl -X POST -d \'{{"text":"done"}}\' https://hooks.slack.com/services/{HOOK}',
    HOOK.rsplit("/", 1)[1],
)
SK_LIVE = "sk_live_51" + fake(ALNUM, 97)
RK_LIVE = "rk_live_51" + fake(ALNUM, 97)
WHSEC = "whsec_" + fake(ALNUM, 32)
bash("stripe-secret-basic", f"curl https://api.stripe.com/v1/charges -u {SK_LIVE}:", SK_LIVE)
write("stripe-env-file", "/repo/.env", f"STRIPE_KEY={RK_LIVE}\nSTRIPE_WEBHOOK={WHSEC}\n", RK_LIVE, WHSEC)
TWILIO_SID = "AC" + fake(HEX, 32)
TWILIO_AUTH = fake(HEX, 32)
TWILIO_SK = "SK" + fake(HEX, 32)
bash(
    "twilio-basic-auth",
    f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json "
    f"--data-urlencode 'Body=hi' -u {TWILIO_SID}:{TWILIO_AUTH}",
    TWILIO_AUTH,
)
case(
    "twilio-api-key",
    "mcp__twilio__send",
    {"apiKeySid": TWILIO_SK, "apiKeySecret": fake(ALNUM, 32)},
    TWILIO_SK,
)
SG = f"SG.{fake(B64URL, 22)}.{fake(B64URL, 43)}"
bash("sendgrid-bearer", f'curl -H "Authorization: Bearer {SG}" https://api.sendgrid.com/v3/mail/send', SG)
MAILGUN = "key-" + fake(HEX, 32)
MAILGUN_NEW = f"{fake(HEX, 32)}-{fake(HEX, 8)}-{fake(HEX, 8)}"
bash(
    "mailgun-basic",
    f"curl -s --user 'api:{MAILGUN}' https://api.mailgun.net/v3/mg.example.com/messages",
    MAILGUN,
)
case(
    "mailgun-config-json",
    "Write",
    {"file_path": "/repo/mail.json", "content": f'{{"mailgun": "{MAILGUN}"}}'},
    MAILGUN,
)
bash("mailgun-new-env", f"export MAILGUN_API_KEY={MAILGUN_NEW}", MAILGUN_NEW)

# -- AI providers ---------------------------------------------------------------------------------

OPENAI_PROJ = "sk-proj-" + fake(B64URL, 156)
OPENAI_LEGACY = "sk-" + fake(ALNUM, 20) + "T3BlbkFJ" + fake(ALNUM, 20)
OPENAI_SVC = "sk-svcacct-" + fake(B64URL, 120)
ANTHROPIC = "sk-ant-api03-" + fake(B64URL, 93) + "AA"
HF = "hf_" + fake(string.ascii_letters, 34)
bash(
    "openai-project-key-header",
    f'curl https://api.openai.com/v1/models -H "Authorization: Bearer {OPENAI_PROJ}"',
    OPENAI_PROJ,
)
case("openai-legacy-odd-field", "mcp__llm__chat", {"config": {"openaiKey": OPENAI_LEGACY}}, OPENAI_LEGACY)
bash("openai-svcacct-python", f"python -c \"import openai; openai.api_key='{OPENAI_SVC}'\"", OPENAI_SVC)
bash(
    "anthropic-x-api-key",
    f"curl https://api.anthropic.com/v1/messages -H 'x-api-key: {ANTHROPIC}'",
    ANTHROPIC,
)
case("anthropic-in-list", "mcp__run", {"env": [f"ANTHROPIC_API_KEY={ANTHROPIC}", "LANG=C"]}, ANTHROPIC)
bash("huggingface-cli-login", f"huggingface-cli login --token {HF} --add-to-git-credential", HF)

# -- registries, platforms --------------------------------------------------------------------

NPM = "npm_" + fake(ALNUM, 36)
PYPI = "pypi-AgEIcHlwaS5vcmc" + fake(B64URL, 140)
DOCKER_PAT = "dckr_pat_" + fake(B64URL, 27)
DATABRICKS = "dapi" + fake(HEX, 32)
SHOPIFY = "shpat_" + fake(HEX, 32)
SHOPIFY_SS = "shpss_" + fake(HEX, 32)
DD_API = fake(HEX, 32)
DD_APP = fake(HEX, 40)
HEROKU = "HRKU-" + fake(B64URL, 60)
HEROKU_UUID = f"{fake(HEX, 8)}-{fake(HEX, 4)}-{fake(HEX, 4)}-{fake(HEX, 4)}-{fake(HEX, 12)}"
DO = "dop_v1_" + fake(HEX, 64)
VAULT = "hvs." + fake(B64URL, 90)
VAULT_BATCH = "hvb." + fake(B64URL, 138)
write("npmrc", "/home/dev/.npmrc", f"//registry.npmjs.org/:_authToken={NPM}\nalways-auth=true\n", NPM)
bash("pypirc-heredoc", f"cat > ~/.pypirc <<EOF\n[pypi]\nusername = __token__\npassword = {PYPI}\nEOF", PYPI)
bash("twine-upload", f"twine upload -u __token__ -p {PYPI} dist/*", PYPI)
bash("docker-hub-login", f"echo {DOCKER_PAT} | docker login -u acme --password-stdin", DOCKER_PAT)
case("docker-hub-pat-field", "mcp__registry__push", {"registry": "docker.io", "pat": DOCKER_PAT}, DOCKER_PAT)
bash(
    "databricks-header",
    f"curl -H 'Authorization: Bearer {DATABRICKS}' https://dbc-1a2b.cloud.databricks.com/api/2.0/clusters/list",
    DATABRICKS,
)
bash(
    "databricks-cfg",
    "printf '[DEFAULT]\\nhost = https://dbc-1a2b.cloud.databricks.com"
    f"\\ntoken = {DATABRICKS}\\n' > ~/.databrickscfg",
    DATABRICKS,
)
case(
    "databricks-bare-arg",
    "mcp__databricks__run",
    {"host": "dbc-1a2b.cloud.databricks.com", "pat": DATABRICKS},
    DATABRICKS,
)
bash(
    "shopify-access-token-header",
    f"curl -H 'X-Shopify-Access-Token: {SHOPIFY}' https://acme.myshopify.com/admin/api/2024-01/shop.json",
    SHOPIFY,
)
case(
    "shopify-bare-arg",
    "mcp__shopify__query",
    {"store": "acme", "creds": [SHOPIFY, SHOPIFY_SS]},
    SHOPIFY,
    SHOPIFY_SS,
)
bash(
    "datadog-headers",
    "curl -X POST https://api.datadoghq.com/api/v1/series "
    f"-H 'DD-API-KEY: {DD_API}' -H 'DD-APPLICATION-KEY: {DD_APP}'",
    DD_API,
    DD_APP,
)
bash(
    "heroku-netrc",
    f"printf 'machine api.heroku.com\\n  login dev@acme.io\\n  password {HEROKU_UUID}\\n' >> ~/.netrc",
    HEROKU_UUID,
)
write(
    "heroku-netrc-write",
    "/home/dev/.netrc",
    f"machine api.heroku.com login dev@acme.io password {HEROKU}\n",
    HEROKU,
)
bash("heroku-token-auth", f"heroku auth:token && HEROKU_API_KEY={HEROKU} heroku apps", HEROKU)
bash("digitalocean-doctl", f"doctl auth init --access-token {DO}", DO)
case("digitalocean-bare", "mcp__do__droplets", {"args": ["list", DO]}, DO)
bash("vault-login", f"vault login {VAULT}", VAULT)
bash(
    "vault-header",
    f"curl -H 'X-Vault-Token: {VAULT_BATCH}' https://vault.acme.io/v1/secret/data/app",
    VAULT_BATCH,
)
case("vault-odd-field", "mcp__vault__read", {"path": "secret/app", "vault": {"tok": VAULT}}, VAULT)

# -- JWTs and private keys ----------------------------------------------------------------------------


def jwt() -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT","kid":"' + fake(HEX, 16).encode() + b'"}')
    claims = base64.urlsafe_b64encode(
        json.dumps({"sub": fake(LOWER_DIGITS, 12), "iat": 1700000000, "exp": 1900000000}).encode()
    )
    signature = fake(B64URL, 342)
    return f"{header.decode().rstrip('=')}.{claims.decode().rstrip('=')}.{signature}"


JWT = jwt()
JWT2 = jwt()
write(
    "kubeconfig-token",
    "/home/dev/.kube/config",
    "apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: " + JWT + "\n",
    JWT.split(".")[2],
)
case(
    "jwt-headers-authorization",
    "mcp__http__get",
    {"url": "https://api.acme.io/me", "headers": {"Authorization": f"Bearer {JWT2}"}},
    JWT2.split(".")[2],
)
case(
    "jwt-dotted-field",
    "mcp__http__get",
    {"auth.token": JWT2.split(".")[2], "url": "https://api.acme.io"},
    JWT2.split(".")[2],
)
bash("jwt-cookie", f"curl -b 'session={JWT}' https://app.acme.io/dashboard", JWT.split(".")[2])

RSA = pem_body(1190)
OPENSSH = pem_body(400, 70)
EC = pem_body(121)
PGP = pem_body(900)
ENC = pem_body(1250)
bash(
    "rsa-key-heredoc",
    f"cat > ~/.ssh/deploy_key <<'KEY'\n-----BEGIN RSA PRIVATE KEY-----\n{RSA}\n"
    "-----END RSA PRIVATE KEY-----\nKEY\nchmod 600 ~/.ssh/deploy_key",
    *RSA.split("\n"),
)
write(
    "openssh-key-write",
    "/home/dev/.ssh/id_ed25519",
    f"-----BEGIN OPENSSH PRIVATE KEY-----\n{OPENSSH}\n-----END OPENSSH PRIVATE KEY-----\n",
    *OPENSSH.split("\n"),
)
case(
    "ec-key-json-escaped",
    "mcp__tls__install",
    {"pem": json.dumps(f"-----BEGIN EC PRIVATE KEY-----\n{EC}\n-----END EC PRIVATE KEY-----\n")},
    *EC.split("\n"),
)
bash(
    "pgp-key-import",
    f"gpg --import <<'EOF'\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{PGP}\n=AbCd\n"
    "-----END PGP PRIVATE KEY BLOCK-----\nEOF",
    *PGP.split("\n"),
)
write(
    "encrypted-pkcs8",
    "/srv/tls/key.pem",
    f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{ENC}\n-----END ENCRYPTED PRIVATE KEY-----\n",
    *ENC.split("\n"),
)
PEM_B64 = base64.b64encode(
    f"-----BEGIN RSA PRIVATE KEY-----\n{RSA}\n-----END RSA PRIVATE KEY-----\n".encode()
).decode()
OPENSSH_B64 = base64.b64encode(
    f"-----BEGIN OPENSSH PRIVATE KEY-----\n{OPENSSH}\n-----END OPENSSH PRIVATE KEY-----\n".encode()
).decode()
write(
    "k8s-tls-secret-base64",
    "/repo/k8s/tls.yaml",
    "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n"
    f"  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n  tls.key: {PEM_B64}\n",
    PEM_B64[40:],
)
bash("ssh-key-base64-env", f'echo "$(echo {OPENSSH_B64} | base64 -d)" > key', OPENSSH_B64[40:])
write(
    "kubeconfig-client-key-data",
    "/home/dev/.kube/config",
    f"users:\n- name: admin\n  user:\n    client-key-data: {PEM_B64}\n",
    PEM_B64[40:],
)

# -- passwords in URLs, commands and files ------------------------------------------------------

PW = [fake(ALNUM, RNG.randint(14, 24)) for _ in range(16)]
PW_SYMBOLS = fake(ALNUM, 8) + "%40" + fake(ALNUM, 6) + "%21" + fake(ALNUM, 6)
bash(
    "postgres-url",
    f'psql "postgresql://app:{PW[0]}@db.internal:5432/shop?sslmode=require" -c "select 1"',
    PW[0],
)
bash(
    "mongodb-srv-url",
    f"mongosh 'mongodb+srv://admin:{PW_SYMBOLS}@cluster0.ab1cd.mongodb.net/shop'",
    PW_SYMBOLS,
)
bash("redis-url-no-user", f"redis-cli -u redis://:{PW[1]}@cache.internal:6379/0 ping", PW[1])
bash("amqp-url", f"export CELERY_BROKER_URL=amqp://celery:{PW[2]}@mq.internal:5672//", PW[2])
bash("https-userinfo", f"curl https://deploy:{PW[3]}@artifacts.acme.io/repo/pkg.tgz -O", PW[3])
bash(
    "curl-basic-header",
    f"curl -H 'Authorization: Basic {base64.b64encode(f'deploy:{PW[4]}'.encode()).decode()}' https://x.acme.io",
    base64.b64encode(f"deploy:{PW[4]}".encode()).decode(),
)
bash("curl-token-header", f'curl -H "Authorization: Token {PW[5]}" https://api.acme.io/v2/items', PW[5])
bash("curl-user", f"curl -u admin:{PW[6]} https://jenkins.acme.io/api/json", PW[6])
bash("mysql-password-flag", f"mysqldump --user=root --password={PW[7]} shop > dump.sql", PW[7])
bash("pgpassword-env", f"PGPASSWORD={PW[8]} pg_dump -h db -U app shop", PW[8])
bash("mysql-pwd-env", f"MYSQL_PWD='{PW[9]}' mysql -u root -e 'show databases'", PW[9])
bash("export-x-api-key", f"export X_API_KEY={PW[10]} && ./run.sh", PW[10])
bash(
    "dotenv-heredoc",
    f"cat > .env <<EOF\nDATABASE_URL=postgres://app:{PW[11]}@localhost/shop\nSESSION_SECRET={PW[12]}\nAPP_KEY=base64:{b64(32)}\nEOF",
    PW[11],
    PW[12],
)
APP_KEY = b64(32)
write(
    "laravel-dotenv-write",
    "/repo/.env",
    f"APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:{APP_KEY}\nAPP_DEBUG=false\n",
    APP_KEY,
)
DOCKER_AUTH = base64.b64encode(f"acme:{PW[13]}".encode()).decode()
write(
    "docker-config-json",
    "/home/dev/.docker/config.json",
    json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": DOCKER_AUTH}}}, indent=2),
    DOCKER_AUTH,
)
bash(
    "openssl-passout",
    f"openssl pkcs12 -export -in c.pem -inkey k.pem -out c.p12 -passout pass:{PW[14]}",
    PW[14],
)
bash(
    "keytool-storepass",
    "keytool -importkeystore -srckeystore a.p12 -destkeystore b.jks "
    f"-srcstorepass {PW[15]} -deststorepass {PW[15]}",
    PW[15],
)
PW2 = [fake(ALNUM, 18) for _ in range(8)]
case(
    "argv-password-flag",
    "mcp__exec__run",
    {"argv": ["mongodump", "--username", "root", "--password", PW2[0]]},
    PW2[0],
)
case(
    "argv-curl-user",
    "mcp__exec__run",
    {"argv": ["curl", "-u", f"admin:{PW2[1]}", "https://x.acme.io"]},
    PW2[1],
)
PW5 = [fake(ALNUM, 18) for _ in range(8)]
case("argv-sshpass", "mcp__exec__run", {"argv": ["sshpass", "-p", PW5[0], "ssh", "deploy@10.0.0.5"]}, PW5[0])
case(
    "argv-docker-login",
    "mcp__exec__run",
    {"command": ["docker", "login", "-u", "ci", "-p", PW5[1], "r.acme.io"]},
    PW5[1],
)
case(
    "argv-mysql-glued",
    "mcp__exec__run",
    {"argv": ["mysql", "-h", "db", "-uroot", f"-p{PW5[2]}", "shop"]},
    PW5[2],
)
case("argv-redis-cli", "mcp__exec__run", {"argv": ["redis-cli", "-h", "cache", "-a", PW5[3], "ping"]}, PW5[3])
case(
    "argv-openssl-passout",
    "mcp__exec__run",
    {"argv": ["openssl", "pkcs12", "-export", "-passout", f"pass:{PW5[4]}"]},
    PW5[4],
)
case("argv-smbclient", "mcp__exec__run", {"argv": ["smbclient", "//fs/share", "-U", f"ann%{PW5[5]}"]}, PW5[5])
case("argv-htpasswd-batch", "mcp__exec__run", {"argv": ["htpasswd", "-nbB", "ann", PW5[6]]}, PW5[6])
case(
    "argv-ldapsearch",
    "mcp__exec__run",
    {"argv": ["ldapsearch", "-x", "-D", "cn=admin,dc=acme", "-w", PW5[7]]},
    PW5[7],
)
bash(
    "wget-http-password",
    f"wget --http-user=ci --http-password {PW2[2]} https://artifacts.acme.io/a.tgz",
    PW2[2],
)
bash(
    "url-query-access-token",
    f"curl 'https://graph.facebook.com/v19.0/me?fields=id&access_token={PW2[3]}'",
    PW2[3],
)
bash("url-query-api-key", f"curl 'https://api.acme.io/v1/items?page=2&api_key={PW2[4]}&limit=50'", PW2[4])
case("json-client-secret", "mcp__oauth__exchange", {"client_id": "web-app", "client_secret": PW2[5]}, PW2[5])
case("json-x-api-key", "mcp__http__get", {"headers": {"x-api-key": PW2[6]}}, PW2[6])
case(
    "json-camel-access-token",
    "mcp__http__get",
    {"accessToken": PW2[7], "refreshToken": PW2[7][::-1]},
    PW2[7],
    PW2[7][::-1],
)
PW3 = [fake(ALNUM, 20) for _ in range(6)]
bash("smart-quotes-json", f"echo '{{“password”: “{PW3[0]}”}}' > creds.txt", PW3[0])
bash("nbsp-around-bearer", f"curl -H 'Authorization:\u00a0Bearer\u00a0{PW3[1]}' https://api.acme.io", PW3[1])
bash("percent-encoded-query-in-url", f"open 'https://login.acme.io/cb?next=%2Fhome&token%3D{PW3[2]}'", PW3[2])
case(
    "presigned-s3-url",
    "WebFetch",
    {
        "url": "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AKID}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature={fake(HEX, 64)}"
    },
    AKID,
)
bash(
    "password-split-continuation",
    f"curl -H 'Authorization: Bearer '\\\n'{PW3[3]}' https://api.acme.io",
    PW3[3],
)
case(
    "cookie-header",
    "mcp__http__get",
    {"url": "https://app.acme.io", "headers": {"Cookie": f"sessionid={PW3[4]}; theme=dark"}},
    PW3[4],
)


# -- next to what is kept: a pagination cursor, a numeric `uid:gid` ----------------------------------

PW4 = [fake(ALNUM, 18) for _ in range(5)]
GHP_CURSOR = "ghp_" + fake(ALNUM, 36)
case(
    "github-token-in-a-page-token",
    "mcp__api__list",
    {"nextPageToken": GHP_CURSOR, "pageSize": 50},
    GHP_CURSOR,
)
case(
    "secret-beside-a-page-token-in-a-url",
    "WebFetch",
    {"url": f"https://api.acme.io/v1/items?pageToken={fake(B64URL, 24)}&access_token={PW4[0]}"},
    PW4[0],
)
bash("curl-user-numeric-name", f"curl -u 1000:{PW4[1]} https://api.acme.io/v1/me", PW4[1])
bash(
    "curl-user-digits-then-text",
    f"curl --user 4242:{fake(string.digits, 6)}{PW4[2]} https://x.acme.io",
    PW4[2],
)
case(
    "argv-curl-user-numeric-name",
    "mcp__exec__run",
    {"argv": ["curl", "-u", f"1000:{PW4[3]}", "https://x.io"]},
    PW4[3],
)
case(
    "auth-token-beside-a-page-token",
    "mcp__api__list",
    {"pageToken": fake(B64URL, 24), "auth_token": PW4[4], "session_token": PW4[4][::-1]},
    PW4[4],
    PW4[4][::-1],
)


# -- near-misses: must come out as they went in ---------------------------------------------------

PROSE_B64 = base64.b64encode(b"The quick brown fox jumps over the lazy dog, twice.").decode()
NEAR: list[tuple[str, str, Any]] = [
    ("git-sha", "Bash", {"command": f"git show {fake(HEX, 40)} && git revert --no-edit {fake(HEX, 7)}"}),
    ("sha256-sum", "Bash", {"command": f"echo '{fake(HEX, 64)}  dist/app.tar.gz' | sha256sum -c"}),
    (
        "uuid",
        "mcp__jira__get",
        {"issue": f"{fake(HEX, 8)}-{fake(HEX, 4)}-4{fake(HEX, 3)}-a{fake(HEX, 3)}-{fake(HEX, 12)}"},
    ),
    ("md5-etag", "WebFetch", {"url": "https://cdn.acme.io/app.js", "etag": f'"{fake(HEX, 32)}"'}),
    ("base64-of-prose", "Bash", {"command": f"echo {PROSE_B64} | base64 -d"}),
    ("docker-image-digest", "Bash", {"command": f"docker pull python@sha256:{fake(HEX, 64)}"}),
    (
        "long-identifier",
        "Edit",
        {
            "file_path": "/repo/src/AbstractSingletonProxyFactoryBeanTokenizer.java",
            "old_string": "class A",
            "new_string": "class B",
        },
    ),
    ("file-paths", "Read", {"file_path": "/repo/src/auth/token_refresh_handler.py"}),
    ("password-reset-route", "Grep", {"pattern": "password_reset_url", "path": "/repo/app"}),
    ("max-tokens-arg", "mcp__llm__chat", {"model": "gpt-4o", "max_tokens": 512, "messages": ["hi"]}),
    (
        "public-key",
        "Write",
        {
            "file_path": "/home/dev/.ssh/authorized_keys",
            "content": f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{fake(B64, 43)} dev@laptop\n",
        },
    ),
    (
        "certificate",
        "Write",
        {
            "file_path": "/srv/tls/cert.pem",
            "content": f"-----BEGIN CERTIFICATE-----\n{pem_body(600)}\n-----END CERTIFICATE-----\n",
        },
    ),
    (
        "k8s-cert-base64",
        "Write",
        {
            "file_path": "/repo/ca.yaml",
            "content": "data:\n  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n",
        },
    ),
    ("stripe-publishable", "Bash", {"command": f"export NEXT_PUBLIC_STRIPE_PK=pk_live_{fake(ALNUM, 24)}"}),
    (
        "twilio-account-sid",
        "Bash",
        {"command": f"twilio api:core:messages:list --account-sid AC{fake(HEX, 32)}"},
    ),
    (
        "npm-package-names",
        "Bash",
        {"command": "npm install skia-canvas sk-utils hf_transfer dapi-client shpat-lint"},
    ),
    (
        "key-value-config",
        "Write",
        {
            "file_path": "/repo/config.yaml",
            "content": "cache_key: user-profile\nsort_key: created_at\nprimary_key: id\nauth: required\n",
        },
    ),
    ("netrc-prose", "Bash", {"command": "echo 'Use the login page, then change password in settings'"}),
    (
        "semver-and-ports",
        "Bash",
        {"command": "docker run -p 5432:5432 -e POSTGRES_DB=shop postgres:16.2-alpine"},
    ),
    (
        "url-without-password",
        "Bash",
        {"command": "git clone https://github.com/acme/shop.git && curl https://user@example.com/a"},
    ),
    ("pagination-cursor-prose", "mcp__api__list", {"cursor": fake(B64URL, 40), "limit": 100}),
    (
        "hex-color-and-css",
        "Edit",
        {"file_path": "/repo/app.css", "old_string": "color: #a1b2c3;", "new_string": "color: #ffffff;"},
    ),
    ("signature-word", "Grep", {"pattern": "verify_signature\\(", "path": "/repo"}),
    ("session-word", "Bash", {"command": "tmux new-session -d -s build 'make -j4'"}),
    ("argv-flags-without-secrets", "mcp__exec__run", {"argv": ["psql", "--no-password", "-h", "db", "shop"]}),
    (
        "argv-ask-pass",
        "mcp__exec__run",
        {"argv": ["ansible-playbook", "--ask-pass", "site.yml", "--password-file", "-"]},
    ),
    (
        "ask-pass-command",
        "Bash",
        {"command": "ansible-playbook --ask-pass site.yml && docker login --password-stdin < pw"},
    ),
    (
        "names-near-secret-words",
        "mcp__db__query",
        {
            "tokenizer": "cl100k_base",
            "secretName": "prod-db",
            "passwordPolicy": "strong",
            "sortKey": "created_at",
            "hasPassword": True,
            "tokensUsed": 120,
        },
    ),
    (
        "auth-words-in-json",
        "Write",
        {
            "file_path": "/repo/cfg.json",
            "content": '{"auth": "required", "oauth": "oauth2", "_auth_mode": "basic"}',
        },
    ),
    (
        "keys-that-look-like-tokens",
        "Bash",
        {"command": f"echo monkey-{fake(HEX, 32)} hvs.short dapi-client shpat_lint dop_v1_"},
    ),
    (
        "aws-arn",
        "Bash",
        {"command": "aws iam get-role --role-name deploy # arn:aws:iam::123456789012:role/deploy"},
    ),
    (
        "pagination-tokens",
        "mcp__api__list",
        {
            "pageToken": fake(B64URL, 40),
            "nextPageToken": fake(B64URL, 40),
            "next_page_token": fake(B64URL, 40),
            "NextToken": fake(B64, 60),
            "ContinuationToken": fake(B64, 60),
            "$skipToken": fake(HEX, 32),
            "pageSize": 100,
        },
    ),
    (
        "pagination-token-in-a-url",
        "WebFetch",
        {"url": f"https://x.io/v1/files?pageToken={fake(B64URL, 40)}&n=9"},
    ),
    (
        "pagination-token-in-json-text",
        "Write",
        {
            "file_path": "/repo/page.json",
            "content": f'{{"nextPageToken": "{fake(B64URL, 40)}", "files": []}}',
        },
    ),
    (
        "docker-uid-gid",
        "Bash",
        {"command": "docker run --rm -u 1000:1000 -v $PWD:/src img make && podman run --user='0:0' img id"},
    ),
    ("argv-uid-gid", "mcp__exec__run", {"argv": ["docker", "run", "-u", "1000:1000", "alpine", "id"]}),
    ("argv-docker-port", "mcp__exec__run", {"argv": ["docker", "run", "-p", "8080:80", "nginx"]}),
    ("argv-ssh-port", "mcp__exec__run", {"argv": ["ssh", "-p", "2222", "deploy@host", "uptime"]}),
    ("argv-mysql-prompt", "mcp__exec__run", {"argv": ["mysql", "-u", "root", "-p", "shop"]}),
]


# -- the checks -----------------------------------------------------------------------------------

REASONS = """name: quoting
routes: [{ask: 'true'}]
rules:
  - id: quote-command
    tools: [Bash]
    ask: 'true'
    reason: 'runs {args.command}'
  - id: quote-content
    tools: [Write]
    ask: 'true'
    reason: 'writes {args.content} to {args.file_path}'
  - id: quote-args
    tools: ["mcp__*", WebFetch]
    ask: 'true'
    reason: 'calls with {args}'
"""


def _pieces(secret: str, size: int = 8) -> Iterator[str]:
    """Every `size`-character window of `secret` that holds no separator (a line of a PEM body)."""
    for part in secret.replace("\\n", "\n").split():
        for i in range(len(part) - size + 1):
            yield part[i : i + size]


_HASHES = re.compile(
    r'("(?:id|decision|prev|args_sha256|sha256)":")[0-9a-f]+"|(\[REDACTED:[^:\]]+:)[0-9a-f]{8}\]'
)
"""A log's random and hashed hex: ids, the chain's `prev`, digests, a marker's hash. In 8
characters of these, one of the hundreds of hex pieces of the secrets turns up by chance
in about one log in 300 (ids alone are 72 random bits each)."""


def _hashes_out(text: str) -> str:
    """`text` without the hex of `_HASHES`, which the log makes itself: no secret is copied there."""
    return _HASHES.sub(lambda m: f'{m[1]}"' if m[1] else f"{m[2]}]", text)


def _leaks(text: str, cases: list[Case]) -> list[str]:
    """The names of the cases a piece of whose secrets is in `text` (raw, or JSON-unescaped)."""
    text = _hashes_out(text)
    texts = [text]
    for line in text.splitlines():
        try:
            texts.append(json.dumps(json.loads(line), ensure_ascii=False))
        except ValueError:
            continue
    grams = {t[i : i + 8] for t in texts for i in range(len(t) - 7)}
    return [c.name for c in cases if any(p in grams for s in c.secrets for p in _pieces(s))]


def _where(text: str, cases: list[Case]) -> str:
    """Each piece of a secret of `cases` that `text` (a log) holds: the case, the line, and the
    piece in its field, so that a leak names its record (a decision's args, a reason, an
    outcome's detail)."""
    found = []
    for number, line in enumerate(_hashes_out(text).splitlines(), 1):
        try:
            spellings = [line, json.dumps(json.loads(line), ensure_ascii=False)]
        except ValueError:
            spellings = [line]
        for c in cases:
            pieces = {p for s in c.secrets for p in _pieces(s)}
            for piece, spelling in itertools.product(sorted(pieces), spellings):
                at = spelling.find(piece)
                if at >= 0:
                    found.append(f"{c.name}: line {number}: {spelling[max(0, at - 120) : at + 40]!r}")
                    break
    return "\n".join(found)


def _guard(tmp_path: Path, policy: str, name: str) -> tuple[remit.Guard, Path]:
    log = tmp_path / f"{name}.jsonl"
    if policy.endswith(".yaml"):
        return remit.Guard.from_path(POLICIES / policy, log=log), log
    return remit.Guard.from_text(policy, log=log), log


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_each_secret_is_redacted(item: Case) -> None:
    out = json.dumps(redact(item.args), ensure_ascii=False)
    assert _leaks(out, [item]) == [], out
    assert "[REDACTED:" in out


@pytest.mark.parametrize(
    "policy", ["coding-agent.yaml", "business-agent.yaml", REASONS], ids=["coding", "business", "quoting"]
)
def test_no_piece_of_a_secret_reaches_the_log(tmp_path: Path, policy: str) -> None:
    guard, log = _guard(tmp_path, policy, "d")
    for item in CASES:
        decision = guard.check(item.tool, item.args, {"cwd": "/repo", "labels": {"args": item.args}})
        guard.record_outcome(decision, "failed", by="system", detail=f"tool said: {json.dumps(item.args)}")
        guard.record_outcome(decision, "executed", by="agent", detail=f"ran {item.args}")
        if item.tool == "Bash":  # given only the id, a detail is redacted by the patterns alone
            guard.record_outcome(decision.id, "executed", by="agent", detail=f"ran {item.args['command']}")
    text = log.read_text(encoding="utf-8")
    assert text.count('"kind":"decision"') == len(CASES) and text.count('"kind":"outcome"') >= 2 * len(CASES)
    if policy is REASONS:  # the reasons quote the arguments, secrets and all, before the scrub
        assert text.count('"message":"runs ') >= 40 and text.count('"message":"calls with {') >= 20
    leaked = _leaks(text, CASES)
    assert leaked == [], _where(text, [c for c in CASES if c.name in leaked])


class _Headers:
    """An argument of an in-process agent that is no JSON value: the log writes its `str`."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_a_secret_in_a_value_json_has_no_type_for_is_hidden(tmp_path: Path) -> None:
    secrets = [c for c in CASES if c.tool == "Bash"][:20]
    guard, log = _guard(tmp_path, "coding-agent.yaml", "objects")
    for item in secrets:
        command = item.args["command"]
        args = {
            "headers": _Headers(command),
            "raw": command.encode(),
            "items": [_Headers(command), frozenset({command})],
            "password": _Headers("hunter2-hunter2"),
        }
        guard.check("http_request", args, {"cwd": "/repo"})
    text = log.read_text(encoding="utf-8")
    assert text.count('"kind":"decision"') == len(secrets)
    assert _leaks(text, secrets) == [] and "hunter2" not in text
    record = json.loads(text.splitlines()[0])
    assert record["args"]["password"] == marker("field", "hunter2-hunter2")  # hidden for its name
    assert "[REDACTED:" in record["args"]["raw"] and "[REDACTED:" in record["args"]["headers"]
    assert redact({"b": "é ok".encode() + b"\xff"}) == {"b": "é ok\ufffd"}  # decoded, the rest replaced
    assert redact({"x": _Unprintable(), "y": [_Unprintable()], "n": 1.5}) == {
        "x": UNPRINTABLE,
        "y": [UNPRINTABLE],
        "n": 1.5,
    }


@pytest.mark.parametrize(
    ("raw", "logged"),
    [
        (b"\xff" + GHP.encode(), "\ufffd" + marker("github_token", GHP)),
        (b"data\x80" + GHP.encode(), "data\ufffd" + marker("github_token", GHP)),
        (b"\xc3" + GHP.encode() + b"\xe9", "\ufffd" + marker("github_token", GHP) + "\ufffd"),
        (GHP.encode() + b"\xff tail", marker("github_token", GHP) + "\ufffd tail"),
        (b"\xfe\xffTOKEN=" + PW4[0].encode(), "\ufffd\ufffdTOKEN=" + marker("env_secret", PW4[0])),
    ],
    ids=["right-after", "after-text", "between", "right-before", "before-a-name"],
)
def test_bytes_that_are_not_utf8_cannot_hide_a_secret_beside_them(raw: bytes, logged: str) -> None:
    # an escape (`\xff`) would end in a letter glued to the secret, which then starts no word
    for value in (raw, bytearray(raw), memoryview(raw)):
        assert redact({"x": value}) == {"x": logged}
    assert redact([raw]) == [logged] and redact(raw) == logged


class _Broken(Mapping[str, Any]):
    """A mapping of the caller's that raises halfway through being read."""

    def __getitem__(self, key: str) -> Any:
        if key == "bad":
            raise RuntimeError("no")
        return GHP

    def __iter__(self) -> Iterator[str]:
        return iter(["ok", "bad", "after"])

    def __len__(self) -> int:
        return 3


def _raising() -> Iterator[str]:
    yield "\n" + GHP
    raise RuntimeError("no")


class _Items:
    """An iterable of the caller's whose iteration raises after its first item."""

    def __iter__(self) -> Iterator[str]:
        return _raising()


def test_collections_and_mappings_json_has_no_type_for_are_walked() -> None:
    hidden = marker("github_token", GHP)
    nl = "\n" + GHP
    args = {
        "set": {nl},
        "frozen": frozenset({"a\t" + GHP}),
        "deque": collections.deque([nl, b"\n" + GHP.encode(), (nl,)]),
        "users": collections.UserList([{nl}]),
        "bytes": {b"\n" + GHP.encode()},
        "view": {"k": nl}.values(),
        "proxy": types.MappingProxyType({"password": "hunter2-hunter2", "note": nl}),
        "user_dict": collections.UserDict({"headers": {"X-Api-Key": "opaque-value-1"}}),
    }
    assert redact(args) == {
        "set": ["\n" + hidden],
        "frozen": ["a\t" + hidden],
        "deque": ["\n" + hidden, "\n" + hidden, ["\n" + hidden]],
        "users": [["\n" + hidden]],
        "bytes": ["\n" + hidden],
        "view": ["\n" + hidden],
        "proxy": {"password": marker("field", "hunter2-hunter2"), "note": "\n" + hidden},
        "user_dict": {"headers": {"X-Api-Key": marker("field", "opaque-value-1")}},
    }
    # under a secret's name, one is hidden whole, as a list of JSON is: by its canonical JSON
    assert redact({"password": {"hunter2-hunter2"}}) == {"password": marker("field", '["hunter2-hunter2"]')}
    # read up to where it raises; an iterator is not used up, but written as its text
    assert redact({"m": _Broken(), "i": _Items()}) == {
        "m": {"ok": hidden, UNPRINTABLE: UNPRINTABLE},
        "i": ["\n" + hidden, UNPRINTABLE],
    }
    lines = iter([nl])
    assert redact({"it": lines})["it"].startswith("<list_iterator") and next(lines) == nl


class _Endless:
    """An iterable of the caller's that never ends (not an iterator: each walk starts anew)."""

    def __iter__(self) -> Iterator[int]:
        return itertools.count()


def test_a_collection_is_walked_within_the_budgets() -> None:
    from remit.redact import MAX_TEXT, TRUNCATED_KEY, TRUNCATED_TEXT

    seen: dict[str, str] = {}
    argv = collections.deque(["x" * 60] * (MAX_TEXT // 60) + ["--password", "hunter2-hunter2"])
    out = redact_with({"argv": argv, "more": types.MappingProxyType({"a": "b"})}, redact_text, seen=seen)
    assert out["argv"][-1] == TRUNCATED_TEXT and out[TRUNCATED_KEY] == TRUNCATED_TEXT
    assert "hunter2" not in json.dumps(out) and len(json.dumps(out)) < 2 * MAX_TEXT
    assert seen == {"hunter2-hunter2": marker("cli_password", "hunter2-hunter2")}  # past the budget
    endless = redact_with({"n": _Endless()}, redact_text, seen=seen)["n"]
    assert endless[-1] == TRUNCATED_TEXT and len(endless) < MAX_TEXT
    assert UNSEEN in seen  # more than MAX_UNLOGGED values past the budget: no message is kept


@pytest.mark.parametrize("name, tool, args", NEAR, ids=[n for n, _, _ in NEAR])
def test_near_miss_is_kept(name: str, tool: str, args: Any) -> None:
    assert redact(args) == args


def test_near_misses_are_kept_in_the_log(tmp_path: Path) -> None:
    guard, log = _guard(tmp_path, "coding-agent.yaml", "near")
    for _, tool, args in NEAR:
        guard.check(tool, args, {"cwd": "/repo"})
    logged = [json.loads(line)["args"] for line in log.read_text().splitlines()]
    assert logged == [args for _, _, args in NEAR]


def test_a_secret_found_in_the_args_is_hidden_where_a_message_escapes_or_cuts_it() -> None:
    command = f"AWS_SECRET_ACCESS_KEY='{AWS_SECRET}' SLACK_TOKEN=\"{XOXB}\" ./deploy.sh"
    scrub = load_text("name: p\nroutes: [{allow: 'true'}]\n").redaction.call({"command": command}, {}).scrub
    quoted = [repr({"command": command}), json.dumps(command), f"runs {command[:60]}…"]
    for message in quoted:
        out = scrub(message)
        assert AWS_SECRET[:8] not in out and XOXB[5:13] not in out, out
    assert scrub("static message") == "static message"


@pytest.mark.parametrize(
    "name",
    ["accessToken", "refreshToken", "SecretAccessKey", "auth.token", "headers.Authorization", "clientSecret",
     "x-api-key", "apiKey", "privateKey", "dbPassword", "GITHUB_TOKEN", "basicAuth", "userCredentials",
     "token", "access_token", "id_token", "refresh_token", "api_token", "auth_token", "session_token",
     "csrf_token", "x-auth-token", "X-Auth-Token", "auth_next_token", "nextPageTokenSecret", "page.token",
     "my_page_token"],
)  # fmt: skip
def test_secret_field_names_in_any_casing(name: str) -> None:
    value = fake(ALNUM, 12)
    assert redact({name: value}) == {name: marker("field", value)}


@pytest.mark.parametrize(
    "name",
    ["OAuth", "tokenizer", "maxTokens", "secretName", "passwordPolicy", "sortKey", "AccessKeyId",
     "authorName", "tokens", "keyboard", "author"],
)  # fmt: skip
def test_names_near_secret_words_keep_their_values(name: str) -> None:
    assert redact({name: "plain value"}) == {name: "plain value"}


@pytest.mark.parametrize(
    "name",
    ["pageToken", "page_token", "PageToken", "PAGE_TOKEN", "page-token", "pagetoken", "nextPageToken",
     "next_page_token", "NextPageToken", "prevPageToken", "previous_page_token", "NextToken", "next_token",
     "previousToken", "prev_token", "paginationToken", "pagination_token", "ContinuationToken",
     "continuation_token", "NextContinuationToken", "startingToken", "starting_token", "skipToken",
     "$skipToken", "$skiptoken"],
)  # fmt: skip
def test_pagination_cursors_keep_their_values(name: str) -> None:
    cursor = "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA"
    assert redact({name: cursor}) == {name: cursor}
    assert redact({name: 12345}) == {name: 12345}  # a numeric offset is not dropped either
    assert redact_text(f"?{name.lstrip('$')}={cursor}&n=1") == f"?{name.lstrip('$')}={cursor}&n=1"
    assert redact_text(f'{{"{name}": "{cursor}"}}') == f'{{"{name}": "{cursor}"}}'


def test_a_secret_in_a_pagination_cursor_is_found_by_its_pattern() -> None:
    assert redact({"nextPageToken": GHP_CURSOR}) == {"nextPageToken": marker("github_token", GHP_CURSOR)}
    url = f"https://x.io/items?pageToken={GHP_CURSOR}"
    assert redact_text(url) == f"https://x.io/items?pageToken={marker('github_token', GHP_CURSOR)}"


@pytest.mark.parametrize(
    ("command", "kept"),
    [
        ("docker run -u 1000:1000 img", True),
        ("docker run --user 0:0 img", True),
        ("docker exec -u=33:33 web id", True),
        ('docker run -u "1000:1000" img', True),
        ("curl -u admin:hunter2 https://x.io", False),
        ("curl -u 1000:secretpw https://x.io", False),
        ("curl -u admin:1234 https://x.io", False),
        ("curl -u 1000:1000x https://x.io", False),
        ("curl -u 1000:1000:extra https://x.io", False),
        ("curl -u 1000:1234'abcdefgh' https://x.io", False),
        ('curl -u 1000:1234"abcdefgh" https://x.io', False),
        ("curl -u '1000:1234'abcdefgh https://x.io", False),
    ],
)
def test_a_numeric_uid_gid_is_no_curl_password(command: str, kept: bool) -> None:
    assert (redact_text(command) == command) is kept
    argv = command.replace("=", " ").replace('"', "").split()
    assert (redact({"argv": argv}) == {"argv": argv}) is kept


@pytest.mark.parametrize(
    ("command", "password"),
    [
        ("curl -u 1000:1234'abcdefgh' https://x.io", "1234'abcdefgh'"),
        ('curl --user 1000:1234"abc"def https://x.io', '1234"abc"def'),
        ("curl -u admin:pass'w0rd' https://x.io", "pass'w0rd'"),
    ],
)
def test_a_quote_that_opens_after_a_password_continues_it(command: str, password: str) -> None:
    # the shell joins `1234'abcdefgh'` into one word, the password `1234abcdefgh`
    assert redact_text(command) == command.replace(password, marker("curl_user", password))


def _one_record(tmp_path: Path, args: dict[str, Any], name: str) -> str:
    guard = remit.Guard.from_path(
        POLICIES / "coding-agent.yaml", log=tmp_path / name, ids=lambda: "d1", clock=lambda: 1.7e9
    )
    guard.check("Bash", args, {"cwd": "/repo", "session_id": "s1"})
    return re.sub(r'"latency_us":[0-9.]+', '"latency_us":0', (tmp_path / name).read_text())


@pytest.mark.parametrize(
    ("field", "value", "before"),
    [
        ("nextPageToken", "CiAKGjBpNDd2", marker("field", "CiAKGjBpNDd2")),
        ("command", "docker run -u 1000:1000 img", f"docker run -u 1000:{marker('curl_user', '1000')} img"),
    ],
    ids=["pagination-cursor", "uid-gid"],
)
def test_what_is_kept_now_changes_nothing_else_in_the_record(
    tmp_path: Path, field: str, value: str, before: str
) -> None:
    # the call, against the same call holding what its record used to show (a marker is not
    # hidden again): byte for byte the same record, but for that value and the hash of the args
    others = {"description": "list", "password": PW4[1], "url": f"https://ann:{PW4[2]}@x.io/", "n": 3}
    now = _one_record(tmp_path, {**others, field: value}, "now.jsonl")
    then = _one_record(tmp_path, {**others, field: before}, "then.jsonl")
    assert json.loads(now)["args"] == {**redact(others), field: value}
    sha = re.compile(r'"args_sha256":"[0-9a-f]{64}"')
    assert sha.sub("", now).replace(json.dumps(value)[1:-1], json.dumps(before)[1:-1]) == sha.sub("", then)


def test_argv_values_after_secret_flags_are_hidden_and_others_kept() -> None:
    argv = [
        "svc",
        "--api-key",
        "k3y-value-1234",
        "-storepass",
        "changeit99",
        "--user",
        "ci:pw-9876",
        "--count",
        "3",
    ]
    assert redact({"argv": argv})["argv"] == [
        *("svc", "--api-key", marker("cli_password", "k3y-value-1234"), "-storepass"),
        *(
            marker("cli_password", "changeit99"),
            "--user",
            f"ci:{marker('curl_user', 'pw-9876')}",
            "--count",
            "3",
        ),
    ]
    kept = [
        "docker",
        "run",
        "--rm",
        "-p",
        "8080:80",
        "--password-stdin",
        "x",
        "--token",
        "$TOKEN",
        "--secret",
        "-",
    ]
    assert redact({"argv": kept}) == {"argv": kept}


def test_every_match_in_the_unseen_corpus_holds_its_triggers() -> None:
    for item in CASES:
        for text in _strings(item.args):
            for kind, pattern in PATTERNS:
                for m in pattern.finditer(text):
                    low = m.group(0).lower()
                    assert _MAYBE.search(low) and any(t in low for t in _TRIGGERS[kind]), (kind, m.group(0))


def test_redaction_is_idempotent_on_the_unseen_corpus() -> None:
    for item in CASES:
        once = redact(item.args)
        assert redact(once) == once
        assert redact_text(json.dumps(once)) == json.dumps(once)
