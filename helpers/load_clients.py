"""The client side of ``helpers.serving.load_test``, run as a script in a process of its own.

It imports nothing but the standard library and is started by its file path, so the caller's ``__main__`` is never
imported again (a script without an ``if __name__ == "__main__":`` guard would otherwise run a second time, as
``multiprocessing``'s spawn does). It reads its job as JSON on stdin and prints the timings as JSON on stdout.
"""

from __future__ import annotations

import http.client
import json
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

__all__ = ["KeepAliveConnection", "run_clients"]


class KeepAliveConnection(http.client.HTTPConnection):
    """A keep-alive connection that sends small requests at once (TCP_NODELAY), as browsers and HTTP clients do:
    without it, Nagle's algorithm and the server's delayed ACK add about 40 ms to every request on Linux."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def run_clients(host: str, port: int, path: str, payload: bytes, shares: list[int],
                timeout_s: float) -> tuple[float, list[tuple[list[float], int]], dict[str, int]]:
    """One thread per client, all released together after their warm-up: the seconds, (latencies, errors) per
    client, and how the failed requests ended ({"500": 3, "no answer": 1}, warm-ups included)."""
    ready = threading.Barrier(len(shares) + 1)

    answers: dict[str, int] = {}  # how the failed requests ended: "500", "no answer", ...

    def send(connection: http.client.HTTPConnection) -> bool:
        try:
            connection.request("POST", path, payload, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                answers[str(response.status)] = answers.get(str(response.status), 0) + 1
            return response.status == 200
        except OSError:
            connection.close()  # reconnect on the next request
            answers["no answer"] = answers.get("no answer", 0) + 1
            return False

    def client(count: int) -> tuple[list[float], int]:
        latencies, errors = [], 0
        connection = KeepAliveConnection(host, port, timeout=timeout_s)
        send(connection)  # warm-up, not counted
        ready.wait()
        for _ in range(count):
            start = time.perf_counter()
            if send(connection):
                latencies.append(time.perf_counter() - start)
            else:  # a refused or failed request's time is no latency of the service
                errors += 1
        connection.close()
        return latencies, errors

    with ThreadPoolExecutor(len(shares)) as pool:
        futures = [pool.submit(client, count) for count in shares]
        ready.wait()
        start = time.perf_counter()
        results = [f.result() for f in futures]
    return time.perf_counter() - start, results, answers


def _read_job() -> dict:
    """The job on stdin; a person who started this script by hand is told what it is (pass 17: raw tracebacks)."""
    try:
        job = json.load(sys.stdin)
        return job if {"host", "port", "path", "payload", "shares", "timeout_s"} <= set(job) else {}
    except (ValueError, TypeError):
        return {}


if __name__ == "__main__":
    job = _read_job()
    if not job:
        sys.exit("helpers.load_clients is started by helpers.serving.load_test, which sends it a job as JSON on "
                 "stdin: call load_test from Python instead of running this file.")
    seconds, results, failures = run_clients(job["host"], job["port"], job["path"], job["payload"].encode(),
                                             job["shares"], job["timeout_s"])
    json.dump({"seconds": seconds, "results": results, "failures": failures}, sys.stdout)
