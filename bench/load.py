"""A bounded HTTP load generator for `hrd-lod serve` (loopback only).

    python bench/load.py http://127.0.0.1:8000 --clients 50 --seconds 20 --paths PATHS_FILE

Each client keeps one HTTP/1.1 connection and cycles through the paths (pages and SPARQL
queries). Prints a JSON summary: requests, errors by status, requests/s, latency percentiles.
Only 127.0.0.1/localhost targets are accepted; the run stops after --seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(
    base: str, paths: list[str], clients: int, seconds: float, timeout: float = 10.0
) -> dict[str, object]:
    """Run the load and return the summary."""
    parts = urlsplit(base)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load {parts.hostname}: loopback targets only")
    host, port = parts.hostname, parts.port or 80
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        i = n
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "*/*"})
                resp = conn.getresponse()
                resp.read()
                key = str(resp.status)
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=timeout)
            except (OSError, http.client.HTTPException) as exc:
                key = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                statuses[key] = statuses.get(key, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + timeout + 5)
    elapsed = time.monotonic() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else 0.0

    return {
        "requests": len(lat),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "latency_ms": {
            "p50": pct(0.5),
            "p90": pct(0.9),
            "p99": pct(0.99),
            "mean": round(statistics.fmean(lat) * 1000, 2) if lat else 0.0,
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--paths", help="a file with one path per line (default: /)")
    args = ap.parse_args()
    paths = ["/"]
    if args.paths:
        with open(args.paths, encoding="utf-8") as fh:
            paths = [line.strip() for line in fh if line.strip()]
    print(json.dumps(run(args.base, paths, args.clients, args.seconds), indent=2))


if __name__ == "__main__":
    main()
