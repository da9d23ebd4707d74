#!/usr/bin/env python3
"""A bounded load client for `splicebert serve` (bench/serve_bench.sh runs it): for each concurrency, C clients send
requests back to back until REQUESTS requests are done or SECONDS have passed, then it prints requests/s and the
p50 / p99 latency. Loopback only. Usage: serve_bench.py URL ROUTE CONCURRENCY[,..] [--requests N] [--seconds S]"""
import argparse
import json
import random
import threading
import time
import urllib.request


def body_for(route, rng):
    if route == "/v1/embeddings":  # short sequences: one of 60-120 nt per request
        return {"input": "".join(rng.choice("ACGU") for _ in range(rng.randint(60, 120)))}
    if route == "/variants":  # single SNVs inside RefSeq genes of chr20 (demo annotation), profiles included
        pos, ref, alt = rng.choice(VARIANTS)
        return {"variants": f"chr20:{pos} {ref}>{alt}"}
    raise SystemExit("unknown route " + route)


VARIANTS = [(31022441, "A", "G")]


def run(url, route, clients, requests, seconds):
    latencies, errors, lock = [], [0], threading.Lock()
    counter = [0]
    stop_at = time.time() + seconds

    def client(k):
        rng = random.Random(k)
        while time.time() < stop_at:
            with lock:
                if counter[0] >= requests:
                    return
                counter[0] += 1
            data = json.dumps(body_for(route, rng)).encode()
            req = urllib.request.Request(url + route, data=data, headers={"Content-Type": "application/json"})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    r.read()
                ok = True
            except Exception:
                ok = False
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
    return len(latencies), errors[0], len(latencies) / wall, pct(0.5), pct(0.99)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("route")
    ap.add_argument("concurrency")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--label", default="")
    ap.add_argument("--variants-file", help="lines of POS REF ALT on chr20 (default: one known variant)")
    a = ap.parse_args()
    if a.variants_file:
        load_variants(a.variants_file)
    url = a.url.rstrip("/")
    for c in (int(x) for x in a.concurrency.split(",")):
        body_for(a.route, random.Random(0))  # fail early on a bad route
        done, errors, rps, p50, p99 = run(url, a.route, c, a.requests, a.seconds)
        print(f"| {a.label} | {a.route} | {c} | {done} | {errors} | {rps:.1f} | {p50:.1f} | {p99:.1f} |", flush=True)


def load_variants(path):
    """Lines of `POS REF ALT` (chr20, 1-based), written by serve_bench.sh from the genome."""
    with open(path) as f:
        VARIANTS[:] = [(int(p), r, a) for p, r, a in (line.split() for line in f if line.strip())]


if __name__ == "__main__":
    main()
