"""Benchmark hrd-lod at several sizes and write a markdown table of the figures.

    python bench/run.py [--sizes 1000,10000,100000] [--out bench/results.md] [--smoke]

For each size it generates a project (``bench/generate.py``, 1% deliberate violations) and runs,
each in its own subprocess so that peak memory (``ru_maxrss``) belongs to one job:

- ``stages``: load, policy, encode, validation by the fast path (shapes compiled to SPARQL),
  the reference (pyshacl) where practical, and every exporter of ``hrd_lod.export``;
- ``build``: ``hrd-lod build --no-site`` (and up to ``--site-build-max``, ``hrd-lod build``)
  run as a user runs it, on a copy without violations: clean, again with nothing changed, and
  after one record changed (the edition patched, with or without the site: how is noted);
  peak memory is the sampled sum over the build's processes;
- ``naive``: rdflib Graph + stock pyshacl + rdflib serialisers, where it finishes in time;
- ``shacl-rust``: the shacl-rust engine (``experimental_index=True``) on the same triples
  (union plus ontology, as N-Triples) and shapes.

It is not a test: figures vary with the machine. ``--smoke`` runs 1,000 conferrals only, with
fewer baselines, fast enough for CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the sibling script)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Collects named wall-clock timings."""

    def __init__(self) -> None:
        self.t: dict[str, float] = {}

    def __call__(self, name: str):  # type: ignore[no-untyped-def]
        timer = self

        class _T:
            def __enter__(self) -> None:
                self.s = time.perf_counter()

            def __exit__(self, *exc: object) -> None:
                timer.t[name] = time.perf_counter() - self.s
                # progress on stderr, so that a slow stage shows where the time goes
                print(f"  {name}: {timer.t[name]:.2f} s", file=sys.stderr, flush=True)

        return _T()


def _shapes_and_ontology(project, meta):  # type: ignore[no-untyped-def]
    from hrd_lod.validate.shapes import load_graph, shapes_graph

    return (
        shapes_graph(project.shapes_files(), meta.base_iri),
        load_graph(project.ontology_files()),
    )


def _result_keys(results) -> list:  # type: ignore[no-untyped-def]
    return sorted((tuple("" if x is None else x for x in r.key()), r.message) for r in results)


def worker_stages(project_dir: Path, reference: bool, site: bool) -> dict[str, object]:
    """Time each stage of a build on one project (no parse cache)."""
    import gc

    from hrd_lod import __version__
    from hrd_lod.encode import encode_dataset
    from hrd_lod.export import EXPORTERS, ExportContext
    from hrd_lod.export.manifest import write_manifest
    from hrd_lod.lanes import gc_paused
    from hrd_lod.policy import apply_policy
    from hrd_lod.project import load_metadata, open_project
    from hrd_lod.records.load import load_records
    from hrd_lod.store import to_rdflib, union_lines
    from hrd_lod.validate.compile import compile_shapes
    from hrd_lod.validate.fast import validate_fast
    from hrd_lod.validate.reference import run_pyshacl

    tm = Timer()
    project = open_project(project_dir)
    with gc_paused():  # as the pipeline does
        with tm("load"):
            meta = load_metadata(project)
            records = load_records(project.root, project.data_dir, meta.language)
        with tm("policy"):
            public, _withheld = apply_policy(records)
        with tm("encode"):
            encoded = encode_dataset(public, meta)
    gc.freeze()  # as the second lane of a build does: the records are not scanned again
    store = encoded.store
    out: dict[str, object] = {"records": len(records), "quads": len(store)}
    shapes, ontology = _shapes_and_ontology(project, meta)
    with tm("validate fast"):
        checks = compile_shapes(shapes)
        fast = validate_fast(store, shapes, ontology, checks)
    out["fast_results"] = len(fast)
    out["fast_violations"] = sum(1 for r in fast if r.severity == "Violation")
    if reference:
        with tm("validate reference (pyshacl)"):
            ref = run_pyshacl(to_rdflib(union_lines(store)), shapes, ontology)
        out["reference_results"] = len(ref)
        out["fast_equals_reference"] = _result_keys(fast) == _result_keys(ref)
    target = project.root / "bench-dist"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    ctx = ExportContext(store, public, meta, project, __version__, graphs=encoded.graphs)
    with tm("union lines (sorted N-Triples, shared)"):
        _ = ctx.union
    with tm("quad lines (sorted N-Quads, made by the N-Quads export)"):
        _ = ctx.sorted_quads()
    for exporter in EXPORTERS:
        if exporter.site and not site:
            continue
        with tm(f"export {exporter.label}"):
            exporter.write(ctx, target)
    with tm("export manifest"):
        write_manifest(ctx, target)
    shutil.rmtree(target, ignore_errors=True)
    out["union_triples"] = len(ctx.union)
    out["timings"] = tm.t
    return out


def _pss_kib(pid: int) -> int:
    """Return the proportional set size of a process and its descendants (KiB)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _pss_kib(int(child))
    except (OSError, ValueError):
        pass
    return total


def timed_command(args: list[str], cwd: Path) -> dict[str, object]:
    """Run ``python -m hrd_lod ARGS`` as a user would; return its wall time, exit code and
    peak memory (the sum of the proportional set sizes of its processes, sampled)."""
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hrd_lod", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]

    def sample() -> None:
        delay = 0.05  # often at first (a patched build ends within a second), then lightly:
        while proc.poll() is None:  # reading smaps of a 3 GiB process is not free
            peak[0] = max(peak[0], _pss_kib(proc.pid))
            time.sleep(delay)
            delay = min(0.5, delay * 2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate(timeout=3600)
    wall = time.perf_counter() - start
    sampler.join()
    return {
        "seconds": wall,
        "code": proc.returncode,
        "pss_mib": peak[0] / 1024,
        "stdout": stdout,
        "stderr": stderr,
    }


def _rename_one_conferral(project_dir: Path) -> None:
    """Change one record (the name of the first conferral), as an archivist's edit."""
    path = project_dir / "data" / "conferrals.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[1] = cells[1] + " (corrected)"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def worker_build(project_dir: Path, site: bool = False) -> dict[str, object]:
    """Time ``hrd-lod build`` as a user runs it: clean (no cache, no previous edition), again
    with nothing changed, and after one record changed (each in its own process)."""
    shutil.rmtree(project_dir / ".hrd-cache", ignore_errors=True)
    shutil.rmtree(project_dir / "dist", ignore_errors=True)
    args = ["build", "-p", str(project_dir)] + ([] if site else ["--no-site"])
    what = "build" if site else "build --no-site"
    timings: dict[str, float] = {}
    out: dict[str, object] = {"timings": timings}
    runs: list[tuple[str, object, list[str]]] = [
        ("clean", None, []),
        ("nothing changed", None, []),
        ("one record changed", _rename_one_conferral, []),
    ]
    if not site:  # the two above patch the edition; this one builds everything again
        runs.append(("everything again (--full, parse cache warm)", None, ["--full"]))
    for label, prepare, more in runs:
        if callable(prepare):
            prepare(project_dir)
        run = timed_command(args + more, project_dir)
        if run["code"] != 0:
            return {
                "error": f"{what} ({label}) exit {run['code']}: "
                f"{str(run['stderr']).strip().splitlines()[-1:]}"
            }
        timings[f"{what}: {label}"] = float(run["seconds"])  # type: ignore[arg-type]
        out[f"{what}: {label}, peak memory (MiB, all processes)"] = round(float(run["pss_mib"]))  # type: ignore[arg-type]
        note = [x for x in str(run["stderr"]).splitlines() if "per-entity file(s)" in x]
        if site and note:
            out[f"{what}: {label}, per-entity files"] = note[-1].replace("note: ", "")
        how = [
            x
            for x in str(run["stderr"]).splitlines()
            if x.startswith(("note: patched", "note: building everything"))
        ]
        if how:  # patched (with or without the site), or why everything was built
            out[f"{what}: {label}, how"] = how[-1].replace("note: ", "")
    return out


def worker_naive(project_dir: Path) -> dict[str, object]:
    """Time the naive baseline: rdflib Graph, stock pyshacl, rdflib serialisers."""
    import pyshacl
    import rdflib

    from hrd_lod.encode import encode
    from hrd_lod.policy import apply_policy
    from hrd_lod.project import load_metadata, open_project
    from hrd_lod.records.load import load_records
    from hrd_lod.store import union_lines

    project = open_project(project_dir)
    meta = load_metadata(project)
    public, _ = apply_policy(load_records(project.root, project.data_dir, meta.language))
    store = encode(public, meta)
    nt = b"\n".join(union_lines(store)).decode()
    shapes, ontology = _shapes_and_ontology(project, meta)
    tm = Timer()
    with tm("naive: rdflib Graph from N-Triples"):
        g = rdflib.Graph()
        g.parse(data=nt, format="nt")
    with tm("naive: pyshacl"):
        conforms, _rg, _txt = pyshacl.validate(
            g, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
        )
    for fmt in ("turtle", "nt", "json-ld"):
        with tm(f"naive: rdflib serialise {fmt}"):
            g.serialize(format=fmt)
    return {"timings": tm.t, "conforms": conforms}


def worker_shacl_rust(project_dir: Path) -> dict[str, object]:
    """Time shacl-rust (experimental index) on the same triples and shapes, and compare."""
    from collections import Counter

    import pyoxigraph as ox
    import shacl_rust

    from hrd_lod.encode import encode
    from hrd_lod.policy import apply_policy
    from hrd_lod.project import load_metadata, open_project
    from hrd_lod.records.load import load_records
    from hrd_lod.store import union_lines
    from hrd_lod.validate.fast import validate_fast

    project = open_project(project_dir)
    meta = load_metadata(project)
    public, _ = apply_policy(load_records(project.root, project.data_dir, meta.language))
    store = encode(public, meta)
    shapes, ontology = _shapes_and_ontology(project, meta)
    tm = Timer()
    with tm("shacl-rust: serialise union + ontology"):
        data = (
            b"\n".join(union_lines(store))
            + b"\n"
            + ontology.serialize(format="nt", encoding="utf-8")
        )
        text = data.decode()
        shapes_text = shapes.serialize(format="turtle")
    with tm("shacl-rust: validate (experimental_index)"):
        report = shacl_rust.validate(text, shapes_text, data_format="nt", experimental_index=True)
    fast = validate_fast(store, shapes, ontology)

    def strip(x: str | None) -> str:
        return (x or "").strip("<>")

    theirs = Counter(
        (
            strip(r.get("focusNode")),
            strip(r.get("resultPath")),
            strip(r.get("sourceConstraintComponent")).rsplit("#", 1)[-1],
        )
        for r in report["results"]
    )
    ours = Counter((r.focus, r.path or "", r.component) for r in fast)
    _ = ox  # the union lines above come from the pyoxigraph store
    return {
        "timings": tm.t,
        "results": len(report["results"]),
        "same_focus_path_component_as_fast": theirs == ours,
        "differences": sum(((theirs - ours) + (ours - theirs)).values()),
    }


WORKERS = {
    "stages": worker_stages,
    "build": worker_build,
    "naive": worker_naive,
    "shacl-rust": worker_shacl_rust,
}


def run_worker(kind: str, project: Path, *extra: str, timeout: float = 3600) -> dict:
    """Run one worker in a subprocess; return its figures with its peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(project), *extra]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    out = json.loads(lines[-1])
    out["wall"] = wall
    return out


def machine() -> dict[str, str]:
    """Return the machine and versions the figures were measured with."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        mem_s = f"{int(mem) / 1024 / 1024:.1f} GiB"
    except OSError:
        mem_s = "?"
    info = {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem_s,
        "python": platform.python_version(),
        "os": platform.platform(),
    }
    for pkg in ("hrd-lod", "pyoxigraph", "rdflib", "pyshacl", "shacl-rust"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = "not installed"
    return info


def _fmt(x: object) -> str:
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def render(results: dict[int, dict[str, dict]], info: dict[str, str]) -> str:
    """Return the markdown report."""
    sizes = sorted(results)
    lines = [
        "# hrd-lod benchmark",
        "",
        "Generated by `python bench/run.py` (figures in seconds unless stated; peak memory "
        "is the subprocess's ru_maxrss).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
    ]
    rows: dict[str, dict[int, object]] = {}
    order: list[str] = []

    def put(name: str, size: int, value: object) -> None:
        if name not in rows:
            rows[name] = {}
            order.append(name)
        rows[name][size] = value

    for n in sizes:
        for kind, fig in results[n].items():
            if "error" in fig:
                put(f"{kind}: error", n, fig["error"])
                continue
            for k, v in fig.get("timings", {}).items():
                put(k, n, v)
            if "peak_mib" in fig:
                put(f"peak memory, {kind} (MiB)", n, round(fig["peak_mib"]))
            for k in (
                "records",
                "quads",
                "union_triples",
                "fast_results",
                "fast_violations",
                "reference_results",
                "fast_equals_reference",
                "results",
                "same_focus_path_component_as_fast",
                "differences",
                "engine",
            ):
                if k in fig:
                    put(f"{kind}: {k}", n, fig[k])
            for k, v in fig.items():
                if k.startswith("build"):
                    put(k, n, v)
    lines.append("| figure | " + " | ".join(f"{n:,} conferrals" for n in sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))
    for name in order:
        lines.append(f"| {name} | " + " | ".join(_fmt(rows[name].get(n, "")) for n in sizes) + " |")
    lines.append("")
    lines.append("## Ratios")
    for n in sizes:
        t = {k: v for fig in results[n].values() for k, v in fig.get("timings", {}).items()}
        fast = t.get("validate fast")
        for other in (
            "validate reference (pyshacl)",
            "naive: pyshacl",
            "shacl-rust: validate (experimental_index)",
        ):
            if fast and other in t:
                lines.append(f"- {n:,}: {other} / validate fast = {t[other] / fast:.1f}x")
        for what in ("build --no-site", "build"):  # the incremental build against a clean one
            clean, one = t.get(f"{what}: clean"), t.get(f"{what}: one record changed")
            if clean and one:
                lines.append(f"- {n:,}: `{what}` clean / one record changed = {clean / one:.1f}x")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one measurement in this process)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    ap.add_argument(
        "--smoke",
        action="store_true",
        help="1,000 conferrals, stages and shacl-rust only, no pyshacl (for CI)",
    )
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hrd-lod-bench"))
    ap.add_argument("--violations", type=float, default=0.01)
    ap.add_argument(
        "--reference-max",
        type=int,
        default=1000,
        help="largest size at which pyshacl runs as the reference",
    )
    ap.add_argument("--naive-max", type=int, default=10000)
    ap.add_argument(
        "--build-max",
        type=int,
        default=100000,
        help="largest size for `hrd-lod build --no-site` (clean, again, one record changed)",
    )
    ap.add_argument(
        "--site-build-max",
        type=int,
        default=10000,
        help="largest size for `hrd-lod build` with the per-entity site",
    )
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--site", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--site-max",
        type=int,
        default=10000,
        help="largest size at which the per-entity exporters (entities, site) run",
    )
    args = ap.parse_args(argv)

    if args.worker:
        kind, project = args.worker
        fn = WORKERS[kind]
        if kind == "stages":
            out = fn(Path(project), args.reference, args.site)
        elif kind == "build":
            out = fn(Path(project), args.site)
        else:
            out = fn(Path(project))
        if kind != "build":  # the build worker only waits for the commands it measures
            out["peak_mib"] = _rss_mib()
        print(json.dumps(out))
        return 0

    sizes = [1000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        figs: dict[str, dict] = {}
        proj = args.workdir / f"n{n}"
        shutil.rmtree(proj, ignore_errors=True)  # not timed: a previous run's files
        t = time.perf_counter()
        generate.generate(n, proj, seed=1, violations=args.violations)
        figs["generate"] = {"timings": {"generate project": time.perf_counter() - t}}
        print(
            f"[{n}] generated in {figs['generate']['timings']['generate project']:.1f} s",
            flush=True,
        )
        ref = ["--reference"] if n <= args.reference_max and not args.smoke else []
        site = ["--site"] if n <= args.site_max else []
        figs["stages"] = run_worker("stages", proj, *ref, *site)
        print(f"[{n}] stages: {figs['stages']}", flush=True)
        figs["shacl-rust"] = run_worker("shacl-rust", proj)
        print(f"[{n}] shacl-rust: {figs['shacl-rust']}", flush=True)
        if not args.smoke and n <= args.naive_max:
            figs["naive"] = run_worker("naive", proj)
            print(f"[{n}] naive: {figs['naive']}", flush=True)
        if not args.smoke and n <= args.build_max:
            clean = args.workdir / f"n{n}-clean"
            shutil.rmtree(clean, ignore_errors=True)
            generate.generate(n, clean, seed=1, violations=0.0)
            figs["build"] = run_worker("build", clean)
            print(f"[{n}] build: {figs['build']}", flush=True)
            if n <= args.site_build_max:
                figs["site build"] = run_worker("build", clean, "--site")
                print(f"[{n}] site build: {figs['site build']}", flush=True)
        results[n] = figs
    text = render(results, machine())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    failed = [
        n
        for n, f in results.items()
        if f["stages"].get("fast_equals_reference") is False or "error" in f["stages"]
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
