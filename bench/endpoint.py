"""SPARQL throughput: ``hrd-lod serve``'s /sparql beside Oxigraph's own server, same data.

    python bench/endpoint.py --size 10000 --seconds 20 --clients 50 --out bench/endpoint.md

Generates and builds a project of ``--size`` conferrals (bench/generate.py; or ``--project DIR``
for a built one), starts ``hrd-lod serve`` on a free loopback port, and starts
``oxigraph serve-read-only`` over the very on-disk store that hrd-lod serve answers from (so
both engines hold the same quads). It checks that both give the same answer to each query,
then loads each server in turn with ``hey`` (Debian package ``hey``): the same URL, the same
Accept header, ``--clients`` connections for ``--seconds``, ``--rounds`` times, alternating the
servers so that a load spike on a shared machine hits both. Prints (and with ``--out``
writes) a table of requests/s, median and 99th-percentile latency, non-200 answers and the
ratio of Oxigraph's rate to hrd-lod's. Loopback only; the servers are stopped at the end.

``--baseline SRC`` also serves the project with the hrd-lod of another source tree (a ``src/``
folder, such as ``git archive COMMIT src | tar -x -C /tmp/before``), loaded in the same
alternation, to measure a change before and after on the same machine under the same load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import requests

HERE = Path(__file__).resolve().parent
HRD = "https://w3id.org/hrd/ontology#"
ID = "https://w3id.org/hrd/id/"

QUERIES = {
    "lookup": (
        f"SELECT ?p ?o WHERE {{ <{ID}conferral/conferral-000123> ?p ?o }}",
        "application/sparql-results+json",
    ),
    "group-by": (
        f"SELECT ?award (COUNT(?c) AS ?n) WHERE {{ ?c <{HRD}award> ?award }} "
        "GROUP BY ?award ORDER BY DESC(?n) ?award",
        "application/sparql-results+json",
    ),
    "construct": (
        f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ VALUES ?c {{ <{ID}conferral/conferral-000123> }} "
        "?c ?p ?o }",
        "application/n-triples",
    ),
}


@dataclass
class Run:
    server: str
    query: str
    rps: float
    p50_ms: float
    p99_ms: float
    ok: int
    other: int
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


def hey(url: str, accept: str, clients: int, seconds: float) -> tuple[float, float, float, dict]:
    out = subprocess.run(
        ["hey", "-z", f"{seconds}s", "-c", str(clients), "-H", f"Accept: {accept}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"50% in ([\d.]+) secs", out).group(1)) * 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"99% in ([\d.]+) secs", out).group(1)) * 1000  # type: ignore[union-attr]
    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    errors = (
        sum(
            int(n)
            for n in re.findall(
                r"^\s+\[(\d+)\]\s+[A-Za-z]", out.split("Error distribution:")[-1], re.M
            )
        )
        if "Error distribution:" in out
        else 0
    )
    statuses[-1] = errors
    return rps, p50, p99, statuses


def same_answer(a: requests.Response, b: requests.Response, accept: str) -> bool:
    if accept == "application/n-triples":
        nt = ox.RdfFormat.N_TRIPLES
        return set(ox.parse(a.content, format=nt)) == set(ox.parse(b.content, format=nt))

    def rows(r: requests.Response) -> list[tuple[str, ...]]:
        result = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [tuple(str(s[n]) for n in names) for s in result]

    return rows(a) == rows(b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--size", type=int, default=10000, help="conferrals to generate")
    ap.add_argument("--project", type=Path, help="a built project to use instead")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="hrd-lod serve --workers")
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--out", type=Path, help="write the table (Markdown) here too")
    ap.add_argument(
        "--baseline", type=Path, help="a src/ folder of another hrd-lod to serve beside (before)"
    )
    args = ap.parse_args(argv)
    for tool in ("hey", "oxigraph"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (Debian: hey; PyPI: oxigraph)")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    tmp = Path(tempfile.mkdtemp(prefix="hrd-lod-bench-endpoint-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        project = args.project
        if project is None:
            project = tmp / "project"
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(args.size), str(project)],
                check=True,
                env=env,
            )
            subprocess.run(
                [sys.executable, "-m", "hrd_lod", "build", "--no-site", "-p", str(project)],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )

        def serve(src: Path, log: str) -> str:
            port = free_port()
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hrd_lod",
                    "serve",
                    "-p",
                    str(project),
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                ],
                env={**env, "PYTHONPATH": str(src)},
                stdout=subprocess.DEVNULL,
                stderr=(tmp / log).open("wb"),
            )
            procs.append(proc)
            url = f"http://127.0.0.1:{port}/sparql"
            wait_up(url, proc, f"hrd-lod serve ({src})")
            return url

        servers: dict[str, str] = {}
        if args.baseline is not None:
            servers[BASELINE] = serve(args.baseline.resolve(), "baseline.log")
        servers[OURS] = serve(HERE.parent / "src", "serve.log")
        stores = sorted((project / ".hrd-cache" / "sparql").glob("*/READY"))
        db = max(stores, key=lambda p: p.stat().st_mtime).parent / "db"
        oport = free_port()
        theirs = subprocess.Popen(
            ["oxigraph", "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{oport}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(theirs)
        their_url = f"http://127.0.0.1:{oport}/query"
        wait_up(their_url, theirs, "oxigraph serve-read-only")
        quads = len(ox.Store.read_only(str(db)))
        runs: list[Run] = []
        for name in args.queries.split(","):
            query, accept = QUERIES[name]
            urls = {
                THEIRS: f"{their_url}?query={quote(query)}",
                **{k: f"{v}?query={quote(query)}" for k, v in servers.items()},
            }
            answers = [
                requests.get(u, headers={"Accept": accept}, timeout=60) for u in urls.values()
            ]
            if not all(r.status_code == 200 for r in answers) or not all(
                same_answer(answers[0], a, accept) for a in answers[1:]
            ):
                raise SystemExit(f"the servers disagree on {name}")
            for _ in range(args.rounds):
                for server in urls:
                    rps, p50, p99, st = hey(urls[server], accept, args.clients, args.seconds)
                    ok = st.get(200, 0)
                    other = sum(n for c, n in st.items() if c not in (200, -1))
                    runs.append(Run(server, name, rps, p50, p99, ok, other, st[-1]))
                    print(
                        f"{name:10} {server:26} {rps:9.0f} req/s  p50 {p50:6.1f} ms  "
                        f"p99 {p99:6.1f} ms  non-200 {other}  errors {st[-1]}",
                        flush=True,
                    )
        table = render(runs, args, quads)
        print(table)
        if args.out:
            args.out.write_text(table, encoding="utf-8")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


THEIRS = "oxigraph serve-read-only"
OURS = "hrd-lod serve"
BASELINE = "hrd-lod serve (baseline)"


def render(runs: list[Run], args: argparse.Namespace, quads: int) -> str:
    """Return the Markdown report of the runs."""
    source = f"--project {args.project}" if args.project else f"--size {args.size}"
    lines = [
        "# SPARQL endpoint throughput",
        "",
        f"`python bench/endpoint.py {source} --seconds {args.seconds:g} "
        f"--clients {args.clients} --rounds {args.rounds}`: {quads:,} quads in the store "
        "(the named graphs, and their union as the default graph), "
        f"hey with {args.clients} clients for {args.seconds:g} s per run, everything on "
        f"127.0.0.1, {os.cpu_count()} CPUs (load average before the run: "
        f"{os.getloadavg()[0]:.1f}).",
        "",
        "| query | server | req/s | p50 ms | p99 ms | non-200 | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r.query} | {r.server} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.other} | {r.errors} |"
        )
    lines += ["", "| query | Oxigraph req/s (mean) | hrd-lod req/s (mean) | Oxigraph / hrd-lod |"]
    lines.append("|---|---:|---:|---:|")
    for q in dict.fromkeys(r.query for r in runs):
        theirs = [r.rps for r in runs if r.query == q and r.server.startswith("oxigraph")]
        ours = [r.rps for r in runs if r.query == q and r.server == OURS]
        t, o = sum(theirs) / len(theirs), sum(ours) / len(ours)
        lines.append(f"| {q} | {t:,.0f} | {o:,.0f} | {t / o:.2f}x |")
    if any(r.server == BASELINE for r in runs):
        lines += [
            "",
            f"Baseline: `--baseline {args.baseline}`.",
            "",
            "| query | baseline req/s (mean) | hrd-lod req/s (mean) | hrd-lod / baseline |",
            "|---|---:|---:|---:|",
        ]
        for q in dict.fromkeys(r.query for r in runs):
            before = [r.rps for r in runs if r.query == q and r.server == BASELINE]
            after = [r.rps for r in runs if r.query == q and r.server == OURS]
            b, a = sum(before) / len(before), sum(after) / len(after)
            lines.append(f"| {q} | {b:,.0f} | {a:,.0f} | {a / b:.2f}x |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
