"""An ONNX file behind an HTTP server (notebook 11): a bounded load test, micro-batching, a server in a thread.

The notebook writes the FastAPI app itself (one shared ``InferenceSession``, validated inputs, a health endpoint)
and starts uvicorn in a visible cell; this module holds what a student should not retype: ``load_test`` (a fixed
number of requests at a fixed concurrency, on loopback, from a process of its own, stopping by itself),
``MicroBatcher`` (requests that arrive together run as one batch) and ``serve_in_thread`` (the notebook's uvicorn
cell, packaged for tests).
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import json
import numbers
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import numpy as np

from . import load_clients

__all__ = ["LoadTestResult", "load_test", "MicroBatcher", "RunningServer", "serve_in_thread"]


@dataclass(frozen=True)
class LoadTestResult:
    """Throughput and latency of ``requests`` POSTs sent by ``concurrency`` clients, each waiting for its answer."""

    path: str
    requests: int
    concurrency: int
    seconds: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def throughput(self) -> float:
        """Answered requests per second."""
        return (self.requests - self.errors) / self.seconds

    def __str__(self) -> str:
        return (f"{self.path}: {self.requests} requests, {self.concurrency} at a time: {self.throughput:,.0f} per s, "
                f"latency mean {self.mean_ms:.2f} ms, p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms, {self.errors} errors")


def _check_count(value: Any, what: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= limit:
        raise ValueError(f"{what} must be a whole number from 1 to {limit:,}, got {value!r}.")
    return value


def load_test(url: str, body: Any, *, requests: int = 1000, concurrency: int = 8, timeout_s: float = 30) -> LoadTestResult:
    """POST ``body`` (as JSON) to ``url`` ``requests`` times from ``concurrency`` clients; each keeps one connection.

    The clients are threads of a separate process (``helpers/load_clients.py``, started by its path, so a script
    that calls this needs no ``__main__`` guard), so that they do not share the server's Python interpreter (its
    GIL) when the server runs in this one, as in the notebook. Each client sends one request first that is not
    counted (a warm-up: connecting, first calls). Only loopback addresses are accepted: this measures your own
    server, never someone else's. A request that times out or gets an answer other than 200 counts as an error;
    the test still stops after ``requests``.
    """
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"url must be an http:// address on this machine (127.0.0.1 or localhost), got {url!r}.")
    try:
        parts.port
    except ValueError as error:  # pass 12: urllib's bare "Port out of range 0-65535"
        raise ValueError(f"url's port must be a whole number from 1 to 65535, such as http://127.0.0.1:8000/predict, "
                         f"got {url!r}.") from error
    _check_count(requests, "requests", 1_000_000)
    _check_count(concurrency, "concurrency", 256)
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, numbers.Real) or not 0 < timeout_s <= 3600:
        raise ValueError(f"timeout_s is how long one request may take, in seconds (such as 30), got {timeout_s!r}.")
    try:
        payload = json.dumps(body).encode()
    except TypeError as error:
        raise TypeError(f"The request body must be JSON ({error}): convert arrays with .tolist().") from error
    shares = [requests // concurrency + (i < requests % concurrency) for i in range(concurrency)]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")  # ?model=int8 is part of the request
    job = {"host": parts.hostname, "port": parts.port or 80, "path": target, "payload": payload.decode(),
           "shares": [s for s in shares if s], "timeout_s": float(timeout_s)}
    done = subprocess.run([sys.executable, str(Path(load_clients.__file__))], input=json.dumps(job),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"The load test's client process failed (exit {done.returncode}): "
                           f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no message'}")
    measured = json.loads(done.stdout)
    seconds, results, failures = measured["seconds"], measured["results"], measured.get("failures", {})
    latencies = sorted(t for times, _ in results for t in times)
    if not latencies:
        how = ", ".join(f"{count} × {'HTTP ' + answer if answer.isdigit() else answer}"
                        for answer, count in sorted(failures.items()))
        meaning = {"422": "the body does not match what the endpoint declares (its pydantic model)",
                   "404": "no endpoint at that path", "405": "the path does not take POST",
                   "500": "the endpoint raised an error: read the server's log"}
        why = "; ".join(meaning[a] for a in sorted(failures) if a in meaning) or \
            "check that the server runs and answers one request, e.g. with urllib.request"
        raise RuntimeError(f"All {requests} requests to {url} failed ({how or 'refused or timed out'}; warm-ups "
                           f"included): {why}. Fix that before loading it.")
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return LoadTestResult(target, requests, concurrency, seconds, 1e3 * statistics.fmean(latencies),
                          1e3 * statistics.median(latencies), 1e3 * p99, sum(e for _, e in results))


class MicroBatcher:
    """Requests that arrive within ``max_wait_ms`` of each other run as one batch of at most ``max_batch``.

    ``await batcher.run(x)`` with one example ``x`` (no batch dimension) returns that example's output. A single
    task collects the queue, stacks the examples, calls ``run_batch`` (a function of a batch, such as a session's
    run) in a worker thread, one batch at a time, and hands each caller its row. A caller that is cancelled (a
    timeout) is left out of its batch; a full queue (``max_queue`` waiting) is refused at once. It follows the
    event loop of its callers: a restarted server gets a fresh queue.
    """

    def __init__(self, run_batch: Callable[[np.ndarray], np.ndarray], *, max_batch: int = 32, max_wait_ms: float = 2.0,
                 max_queue: int = 1024):
        if not callable(run_batch):
            raise TypeError(f"run_batch is a function of a batch, such as lambda x: session.run(None, {{'features': "
                            f"x}})[0]; got {run_batch!r}.")
        _check_count(max_batch, "max_batch", 4096)
        _check_count(max_queue, "max_queue", 1_000_000)
        if isinstance(max_wait_ms, bool) or not isinstance(max_wait_ms, numbers.Real) or not 0 <= max_wait_ms <= 1000:
            raise ValueError(f"max_wait_ms is how long the first request waits for others, 0 to 1000 ms, got {max_wait_ms!r}.")
        self.run_batch, self.max_batch, self.max_wait, self.max_queue = run_batch, max_batch, max_wait_ms / 1e3, max_queue
        self.batch_sizes: collections.Counter[int] = collections.Counter()  # batch size -> how many ran
        self._queue: asyncio.Queue[tuple[np.ndarray, asyncio.Future]] | None = None
        self._task: asyncio.Task | None = None  # kept, so the collector is not garbage-collected

    async def run(self, example: np.ndarray) -> np.ndarray:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:  # first call, or a new server
            self._queue = asyncio.Queue(self.max_queue)
            self._task = loop.create_task(self._collect(self._queue))
        if self._queue.full():  # answer "busy" now rather than let the line grow without end
            raise RuntimeError(f"MicroBatcher: {self.max_queue} requests are already waiting; try again later.")
        future = loop.create_future()
        self._queue.put_nowait((np.asarray(example), future))
        return await future

    async def _collect(self, queue: asyncio.Queue) -> None:
        loop = asyncio.get_running_loop()
        while True:
            items = [await queue.get()]
            deadline = loop.time() + self.max_wait
            while len(items) < self.max_batch and (left := deadline - loop.time()) > 0:
                try:
                    items.append(await asyncio.wait_for(queue.get(), left))
                except asyncio.TimeoutError:
                    break
            items = [(x, future) for x, future in items if not future.done()]  # callers that gave up (cancelled)
            if not items:
                continue
            self.batch_sizes[len(items)] += 1
            try:
                try:
                    outputs = await asyncio.to_thread(self.run_batch, np.stack([x for x, _ in items]))
                except Exception as error:  # a shape the model refused: say what was stacked (pass 12: any error)
                    shape = items[0][0].shape
                    hint = (f" (MicroBatcher stacked {len(items)} example(s) of shape {shape} into one batch "
                            f"{(len(items), *shape)}: run() takes one example without its batch dimension)")
                    raise (ValueError if isinstance(error, ValueError) else RuntimeError)(f"{error}{hint}") from error
                if np.ndim(outputs) == 0 and not isinstance(outputs, (list, tuple)):  # pass 12: "float has no len()"
                    raise TypeError(f"run_batch returned a {type(outputs).__name__}, not one row per example: return "
                                    "the batch's output array, e.g. session.run(None, feeds)[0].")
                if isinstance(outputs, Mapping):
                    raise TypeError(f"run_batch returned a dict ({list(outputs)[:3]}), not one array with a row per "
                                    "example: return one output, e.g. lambda x: session.run(x)['prediction'].")
                if isinstance(outputs, (list, tuple)) and outputs and all(
                        isinstance(o, np.ndarray) and o.ndim >= 1 and len(o) == len(items) for o in outputs) and \
                        (len(outputs) != len(items) or all(o.ndim >= 2 for o in outputs)):  # pass 12: load-dependent
                    raise TypeError(f"run_batch returned a list of {len(outputs)} output array(s) with the whole batch "
                                    "in each, as session.run does: return one array, e.g. "
                                    "lambda x: session.run(None, {'features': x})[0].")
                if len(outputs) != len(items):
                    raise RuntimeError(f"run_batch returned {len(outputs)} rows for a batch of {len(items)}: it must "
                                       "return one row per example, in order.")
                for (_, future), row in zip(items, outputs):
                    if not future.done():
                        future.set_result(row)
            except Exception as error:  # every waiting request gets the error, and the loop goes on
                for _, future in items:
                    if not future.done():
                        future.set_exception(error)


@dataclass
class RunningServer:
    """A uvicorn server running in a thread of this process: ``url`` to reach it, ``stop()`` to end it."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(app: Any, timeout_s: float = 20) -> RunningServer:
    """Start ``app`` (an ASGI app such as FastAPI's) with uvicorn on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    if not callable(app):
        raise TypeError(f"serve_in_thread takes an ASGI app, such as app = fastapi.FastAPI(); got {app!r}.")
    if inspect.isfunction(app) and len(inspect.signature(app).parameters) != 3:  # pass 12: every request gave 500
        raise TypeError(f"{app.__name__} looks like one endpoint's function, not the app: pass the FastAPI object "
                        "its @app.post decorator belongs to (serve_in_thread(app)).")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, numbers.Real) or not 0 < timeout_s <= 600:
        raise ValueError(f"timeout_s is how long to wait for the server to start, in seconds (such as 20), got "
                         f"{timeout_s!r}.")

    with socket.socket() as probe:  # a free port; uvicorn binds it itself (given a bound socket instead, its
        probe.bind(("127.0.0.1", 0))  # connections lack TCP_NODELAY and every answer waits ~40 ms for an ACK)
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start: run the app's cell again, and read the log above.")
        time.sleep(0.02)
    return RunningServer(f"http://127.0.0.1:{port}", server, thread)
