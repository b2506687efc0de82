"""Soak and idle-connection checks of a running `ml-workflow serve` (standard library only).

    python soak.py --base http://127.0.0.1:PORT --pid PID [--seconds 600] [--connections 64]
                   [--idle 2000]

Phase 1 (soak): CONNECTIONS keep-alive clients send a mix for SECONDS: a one-row prediction
(expect 200), malformed JSON (400), an unknown feature (422), a wrong method (405) and a
2,000-row batch (200). Every 10 s it reads the server's resident memory and open file
descriptors from /proc. It passes when no answer had an unexpected status, the last minute's
resident memory is within 10 % of the second minute's, and the descriptors return to their
baseline once the clients close.

Phase 2 (idle): IDLE connections are opened and left silent (a slowloris client), and for
20 s another client measures /health on fresh connections every 20 ms. It passes when /health
p99 stays under 10 ms.

Prints one JSON object with the figures and exits 1 if a check fails. Loopback only.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from urllib.parse import urlparse

ROW = {"CHAS": 0, "RM": 6.575, "TAX": 296, "PTRATIO": 15.3, "B": 396.9, "LSTAT": 4.98}


def body_of(rows):
    return json.dumps([ROW] * rows).encode()


# (method, path, body, expected status, weight)
MIX = [
    ("POST", "/predict", body_of(1), 200, 70),
    ("POST", "/predict", b'{"RM": {"0": 6.5', 400, 10),
    ("POST", "/predict", json.dumps([{"NOPE": 1.0}]).encode(), 422, 10),
    ("GET", "/predict", b"", 405, 5),
    ("POST", "/predict", body_of(2000), 200, 5),
]


def proc_figures(pid):
    """(resident MiB, open file descriptors) of the server."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        rss_kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss_kb / 1024.0, len(os.listdir(f"/proc/{pid}/fd"))


async def read_response(reader):
    """Status and body of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return status, body


def request_bytes(method, path, body, host, keep_alive=True):
    connection = "keep-alive" if keep_alive else "close"
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: {connection}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def client(host, port, deadline, tally, rng):
    reader, writer = await asyncio.open_connection(host, port)
    weights = [m[4] for m in MIX]
    try:
        while time.monotonic() < deadline:
            method, path, body, expected, _ = rng.choices(MIX, weights)[0]
            writer.write(request_bytes(method, path, body, host))
            await writer.drain()
            status, _ = await read_response(reader)
            tally["answers"] += 1
            if status != expected:
                tally["unexpected"] += 1
                tally.setdefault("examples", []).append([method, path, expected, status])
    except (ConnectionError, asyncio.IncompleteReadError) as e:
        tally["unexpected"] += 1
        tally.setdefault("examples", []).append(["connection", str(e)])
    finally:
        writer.close()


async def soak(host, port, pid, seconds, connections):
    baseline_fds = proc_figures(pid)[1]
    tally = {"answers": 0, "unexpected": 0}
    deadline = time.monotonic() + seconds
    rng = random.Random(7)
    tasks = [
        asyncio.create_task(client(host, port, deadline, tally, random.Random(rng.random())))
        for _ in range(connections)
    ]
    samples = []
    started = time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(10)
        rss, fds = proc_figures(pid)
        samples.append({"t": round(time.monotonic() - started), "rss_mib": round(rss, 1), "fds": fds})
    await asyncio.gather(*tasks)
    await asyncio.sleep(1)
    after_fds = proc_figures(pid)[1]

    def minute(lo, hi):
        values = [s["rss_mib"] for s in samples if lo <= s["t"] < hi]
        return statistics.mean(values) if values else float("nan")

    second = minute(60, 120)
    last = minute(seconds - 60, seconds + 10)
    flat = abs(last - second) <= 0.1 * second if seconds >= 180 else True
    return {
        "seconds": seconds,
        "connections": connections,
        "answers": tally["answers"],
        "requests_per_second": round(tally["answers"] / seconds),
        "unexpected": tally["unexpected"],
        "examples": tally.get("examples", [])[:5],
        "rss_second_minute_mib": round(second, 1),
        "rss_last_minute_mib": round(last, 1),
        "rss_flat": flat,
        "fds_baseline": baseline_fds,
        "fds_after": after_fds,
        "samples": samples,
        "ok": tally["unexpected"] == 0 and flat and after_fds <= baseline_fds,
    }


async def health_once(host, port):
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request_bytes("GET", "/health", b"", host, keep_alive=False))
    await writer.drain()
    status, _ = await read_response(reader)
    writer.close()
    return status, (time.perf_counter() - started) * 1e3


async def idle(host, port, pid, count):
    opened = []
    for _ in range(count):
        try:
            opened.append(await asyncio.open_connection(host, port))
        except OSError:
            break
        if len(opened) % 100 == 0:
            # Half of them send a partial header, the rest nothing at all.
            for _, w in opened[-50:]:
                w.write(b"GET /health HTTP/1.1\r\nHo")
    latencies, failures = [], 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            status, ms = await health_once(host, port)
            latencies.append(ms)
            failures += status != 200
        except (OSError, asyncio.IncompleteReadError):
            failures += 1
        await asyncio.sleep(0.02)
    _, fds = proc_figures(pid)
    for _, w in opened:
        w.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("inf")
    return {
        "idle_connections": len(opened),
        "server_fds_during": fds,
        "health_probes": len(latencies),
        "health_failures": failures,
        "health_p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "health_p99_ms": round(p99, 2),
        "ok": failures == 0 and p99 < 10.0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--idle", type=int, default=2000)
    args = parser.parse_args()
    url = urlparse(args.base)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("soak.py drives loopback servers only")
    report = {
        "soak": asyncio.run(soak(url.hostname, url.port, args.pid, args.seconds, args.connections)),
        "idle": asyncio.run(idle(url.hostname, url.port, args.pid, args.idle)),
    }
    print(json.dumps(report, indent=1))
    sys.exit(0 if report["soak"]["ok"] and report["idle"]["ok"] else 1)


if __name__ == "__main__":
    main()
