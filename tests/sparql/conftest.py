"""Fixtures of the SPARQL tests: a built dataset, a real Oxigraph server, the endpoint served."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
QUERIES = Path(__file__).parent / "queries"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need_tool(name: str) -> str:
    """Return the path of an external tool; fail in CI, skip elsewhere, when it is missing."""
    return require_tool(name)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` until it is true; fail after ``timeout`` seconds (bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not ready within {timeout} s")


def serve_cli(project: Path, *args: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start a real ``hrd-lod serve`` of ``project`` on a free loopback port; return the
    process, its base URL and its log file (stderr: the serving line, warnings)."""
    log = project.parent / f"serve-{time.monotonic_ns()}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hrd_lod", "serve", "-p", str(project), "--port", "0", *args],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log.read_text()
        if "serving" in text:
            port = int(text.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
            return proc, f"http://127.0.0.1:{port}", log
        if proc.poll() is not None:
            raise AssertionError(text)
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("hrd-lod serve did not start")


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a project folder holding a copy of the repository's data, built into dist/."""
    from hrd_lod.pipeline import build

    root = tmp_path_factory.mktemp("sparql-project")
    shutil.copytree(REPO / "data", root / "data")
    build(root)
    return root


@pytest.fixture(scope="session")
def dist(project: Path) -> Path:
    """Return the built dist/ folder (read-only for the tests)."""
    return project / "dist"


@dataclass
class Oxigraph:
    """A running ``oxigraph serve`` process on a loopback port."""

    location: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def _up(self) -> bool:
        try:
            return (
                requests.get(self.query_url, params={"query": "ASK {}"}, timeout=1).status_code
                == 200
            )
        except requests.ConnectionError:
            return False

    def start(self) -> None:
        exe = need_tool("oxigraph")
        # --union-default-graph: plain queries see every graph, as the local build's do
        self.proc = subprocess.Popen(
            [
                exe,
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._up, 30, "oxigraph server")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    """Yield a fresh Oxigraph server (empty store on disk), stopped afterwards."""
    server = Oxigraph(tmp_path / "oxigraph", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Served:
    """A WSGI app served by waitress in a thread."""

    url: str
    close: Callable[[], None]


def serve_wsgi(app: object) -> Served:
    """Serve ``app`` with waitress on a free loopback port in a thread; return its URL."""
    from waitress.server import create_server

    server = create_server(
        app, host="127.0.0.1", port=0, threads=16, channel_timeout=30, asyncore_loop_timeout=0.2
    )
    port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def close() -> None:
        # waitress loops while any channel (the listener, idle keep-alive connections) is
        # open; close them all from inside the loop's own thread, through its trigger
        def stop() -> None:
            for channel in list(server._map.values()):  # type: ignore[union-attr]
                channel.close()

        server.trigger.pull_trigger(stop)  # type: ignore[union-attr]
        thread.join(10)
        server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        assert not thread.is_alive(), "the test server did not stop"

    return Served(f"http://127.0.0.1:{port}/sparql", close)


@pytest.fixture(scope="session")
def endpoint(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Yield the SPARQL endpoint over the built dataset, served over HTTP (2 s time limit)."""
    from hrd_lod.sparql.endpoint import make_endpoint
    from hrd_lod.sparql.guard import Limits

    limits = Limits(
        time_s=2.0,
        workers=2,
        queue_s=5.0,
        result_bytes=2_000_000,  # the whole dataset as N-Triples fits; a cross product does not
        body_bytes=8 * 1024,
        query_chars=4000,
    )
    app, close_app = make_endpoint(dist, limits, cache_dir=tmp_path_factory.mktemp("cache"))
    served = serve_wsgi(app)
    try:
        yield served
    finally:
        served.close()
        close_app()


def serve_lean(
    site: object, workers: int = 2, threads: int = 4, idle_s: float = 10.0, **limits: object
) -> Served:
    """Serve a ``hrd_lod.httpserver.Site`` with the server of ``hrd-lod serve`` in a child
    process on a free loopback port; return its /sparql URL and the function that stops it."""
    import multiprocessing as mp

    from hrd_lod.httpserver import ServerLimits, bind, serve

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server_limits = ServerLimits(threads=threads, idle_timeout_s=idle_s, **limits)  # type: ignore[arg-type]
    # fork: the child inherits the listening socket and the site as they are
    proc = mp.get_context("fork").Process(
        target=serve, args=(sock, site, server_limits, workers), daemon=False
    )
    proc.start()
    sock.close()
    url = f"http://127.0.0.1:{port}/sparql"

    def up() -> bool:
        try:
            return requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_until(up, 30, "hrd-lod's server")

    def close() -> None:
        proc.terminate()  # SIGTERM: the supervisor stops its workers
        proc.join(15)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        assert proc.exitcode is not None

    return Served(url, close)


VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 4
MaxClientConnections = 4
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass
class Virtuoso:
    """A running Virtuoso 7 (Debian's virtuoso-t) in a temporary folder on loopback ports."""

    folder: Path
    http_port: int
    proc: subprocess.Popen[bytes] | None = None
    #: the database administrator created with every new Virtuoso database
    user: str = "dba"
    password: str = "dba"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def gsp_auth_url(self) -> str:
        """The Graph Store endpoint that needs HTTP Digest authentication."""
        return self.base + "/sparql-graph-crud-auth"

    @property
    def sparql_url(self) -> str:
        return self.base + "/sparql"

    def _up(self) -> bool:
        try:
            r = requests.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2)
            return r.status_code == 200
        except requests.ConnectionError:
            return False

    def start(self) -> None:
        exe = need_tool("virtuoso-t")
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=self.http_port))
        self.proc = subprocess.Popen(
            [exe, "-f", "-c", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(self._up, 120, "virtuoso")
        except AssertionError:
            self.stop()
            log = self.folder / "virtuoso.log"
            raise AssertionError(log.read_text()[-2000:] if log.exists() else "no log") from None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Yield a fresh Virtuoso server (a new database), stopped afterwards."""
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
