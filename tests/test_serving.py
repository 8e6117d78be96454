"""helpers.serving: the bounded load test, micro-batching and a uvicorn server in a thread (notebook 11)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from helpers import load_clients, serving


class Numbers(BaseModel):
    values: list[float]


@pytest.fixture(scope="module")
def server():
    app = FastAPI()
    batcher = serving.MicroBatcher(lambda x: x * 2, max_batch=8, max_wait_ms=20)

    @app.post("/echo")
    def echo(body: Numbers):
        return {"values": body.values}

    @app.post("/which")
    def which(body: Numbers, model: str = "fp32"):  # a query parameter, as ?model=int8
        if model != "int8":
            raise HTTPException(status_code=500, detail="the int8 model was asked for and not reached")
        return {"values": body.values}

    @app.post("/doubled")
    async def doubled(body: Numbers):
        return {"values": (await batcher.run(np.asarray(body.values))).tolist()}

    running = serving.serve_in_thread(app)
    running.batcher = batcher
    yield running
    running.stop()


def test_load_test_sends_exactly_the_requests_asked_for(server) -> None:
    result = serving.load_test(server.url + "/echo", {"values": [1.0, 2.0]}, requests=37, concurrency=4)
    assert (result.requests, result.concurrency, result.errors) == (37, 4, 0)
    assert result.throughput > 0 and 0 < result.p50_ms <= result.p99_ms and result.path == "/echo"
    assert "37 requests, 4 at a time" in str(result)


def test_refused_requests_are_no_latencies_and_the_test_still_ends(server) -> None:
    # A 422 or 404 answer is no measurement of the service: with every request refused, no figure is reported.
    with pytest.raises(RuntimeError, match=r"All 10 requests .* failed \(13 × HTTP 422; warm-ups included\)"):
        serving.load_test(server.url + "/echo", {"values": "not numbers"}, requests=10, concurrency=3)
    with pytest.raises(RuntimeError, match="All 5 requests"):
        serving.load_test(server.url + "/no-such-path", {}, requests=5, concurrency=2)


def test_the_client_sends_without_waiting_for_acks() -> None:
    """Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to each small request on Linux."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        connection = load_clients.KeepAliveConnection("127.0.0.1", listener.getsockname()[1])
        connection.connect()
        assert connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        connection.close()


@pytest.mark.parametrize("url", ["http://example.org/predict", "https://127.0.0.1:1/x", "127.0.0.1:8000", None,
                                 "http://10.0.0.5:8000/predict"])
def test_only_loopback_servers_are_load_tested(url) -> None:
    with pytest.raises(ValueError, match="127.0.0.1"):
        serving.load_test(url, {}, requests=1)


@pytest.mark.parametrize("arguments, message", [({"requests": 0}, "requests"), ({"requests": 2.5}, "requests"),
                                                ({"concurrency": 0}, "concurrency"), ({"concurrency": True}, "concurrency"),
                                                ({"concurrency": 10_000}, "concurrency")])
def test_bad_counts_are_named(arguments, message) -> None:
    with pytest.raises(ValueError, match=message):
        serving.load_test("http://127.0.0.1:1/x", {}, **arguments)


def test_micro_batching_groups_concurrent_requests_and_answers_each_its_own_row(server) -> None:
    results = {}

    def call(i: int) -> None:
        import json
        import urllib.request

        request = urllib.request.Request(server.url + "/doubled", json.dumps({"values": [i, i + 0.5]}).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as reply:
            results[i] = json.loads(reply.read())["values"]

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: [2 * i, 2 * i + 1] for i in range(8)}  # every caller got its own row back
    assert max(server.batcher.batch_sizes) > 1 and max(server.batcher.batch_sizes) <= 8


def test_a_failing_batch_fails_every_waiting_request_and_the_batcher_goes_on() -> None:
    calls = []

    def run_batch(x):
        calls.append(len(x))
        if len(calls) == 1:
            raise RuntimeError("model broke")
        return x

    async def scenario():
        batcher = serving.MicroBatcher(run_batch, max_batch=4, max_wait_ms=50)
        first = await asyncio.gather(*(batcher.run(np.ones(2) * i) for i in range(3)), return_exceptions=True)
        second = await batcher.run(np.ones(2))
        return first, second

    first, second = asyncio.run(scenario())
    assert all(isinstance(e, RuntimeError) for e in first) and second.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("arguments, message", [({"run_batch": None}, "run_batch"), ({"max_batch": 0}, "max_batch"),
                                                ({"max_wait_ms": -1}, "max_wait_ms"), ({"max_wait_ms": "2"}, "max_wait_ms")])
def test_micro_batcher_arguments_are_checked(arguments, message) -> None:
    arguments = {"run_batch": lambda x: x, **arguments}
    run_batch = arguments.pop("run_batch")
    with pytest.raises((TypeError, ValueError), match=message):
        serving.MicroBatcher(run_batch, **arguments)


def test_a_stopped_server_frees_its_thread() -> None:
    running = serving.serve_in_thread(FastAPI())
    running.stop()
    assert not running.thread.is_alive()


def test_a_cancelled_caller_is_left_out_and_the_batcher_keeps_answering() -> None:
    async def scenario():
        batcher = serving.MicroBatcher(lambda x: x + 1, max_batch=4, max_wait_ms=30)
        waiting = asyncio.ensure_future(batcher.run(np.zeros(2)))
        await asyncio.sleep(0.005)
        waiting.cancel()  # an endpoint's timeout, or a client gone
        later = await asyncio.wait_for(batcher.run(np.ones(2)), timeout=2)
        return later, batcher.batch_sizes

    later, sizes = asyncio.run(scenario())
    assert later.tolist() == [2.0, 2.0] and sum(sizes.values()) >= 1


def test_a_run_batch_that_drops_rows_fails_every_caller_instead_of_hanging() -> None:
    async def scenario():
        batcher = serving.MicroBatcher(lambda x: x[:1], max_batch=4, max_wait_ms=30)
        return await asyncio.wait_for(asyncio.gather(*(batcher.run(np.ones(2)) for _ in range(3)),
                                                     return_exceptions=True), timeout=2)

    results = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) and "one row per example" in str(r) for r in results)


@pytest.mark.parametrize("callers", [1, 3])
def test_a_run_batch_returning_session_runs_list_is_refused_whatever_the_load(callers) -> None:
    # pass 12: one caller at a time silently got the whole (1, 1) batch array; three got "1 rows for a batch of 3"
    async def scenario():
        batcher = serving.MicroBatcher(lambda x: [x.sum(axis=1, keepdims=True)], max_batch=4, max_wait_ms=30)
        return await asyncio.wait_for(asyncio.gather(*(batcher.run(np.ones(2)) for _ in range(callers)),
                                                     return_exceptions=True), timeout=2)

    results = asyncio.run(scenario())
    assert all(isinstance(r, TypeError) and "session.run(None, {'features': x})[0]" in str(r) for r in results), results


def test_a_run_batch_returning_a_list_of_rows_is_fine() -> None:
    async def scenario():
        batcher = serving.MicroBatcher(lambda x: [row * 2 for row in x], max_batch=4, max_wait_ms=30)
        return await asyncio.gather(*(batcher.run(np.ones(2)) for _ in range(3)))

    assert [r.tolist() for r in asyncio.run(scenario())] == [[2.0, 2.0]] * 3


def test_any_error_of_run_batch_says_what_was_stacked_and_a_scalar_is_named(linear_onnx) -> None:
    session = ort.InferenceSession(str(linear_onnx), providers=["CPUExecutionProvider"])

    async def scenario(run_batch, example):
        batcher = serving.MicroBatcher(run_batch, max_batch=4, max_wait_ms=10)
        return await asyncio.gather(batcher.run(example), return_exceptions=True)

    # pass 12: an example that keeps its batch dimension got onnxruntime's bare rank error
    [error] = asyncio.run(scenario(lambda x: session.run(None, {"features": x})[0], np.ones((1, 10), np.float32)))
    assert "without its batch dimension" in str(error), error
    [error] = asyncio.run(scenario(lambda x: 1.5, np.ones(10, np.float32)))  # was "float has no len()"
    assert isinstance(error, TypeError) and "returned a float" in str(error)


def test_a_full_queue_is_refused_at_once() -> None:
    async def scenario():
        batcher = serving.MicroBatcher(lambda x: x, max_batch=1, max_wait_ms=0, max_queue=2)
        return await asyncio.gather(*(batcher.run(np.ones(1)) for _ in range(6)), return_exceptions=True)

    results = asyncio.run(scenario())
    refused = [r for r in results if isinstance(r, RuntimeError)]
    assert refused and "already waiting" in str(refused[0]) and len(refused) < 6


def test_load_test_against_no_server_raises_instead_of_timing_refusals() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RuntimeError, match="All 6 requests .* failed"):
        serving.load_test(f"http://127.0.0.1:{port}/predict", {"images": []}, requests=6, concurrency=2, timeout_s=2)
    with pytest.raises(TypeError, match=r"\.tolist\(\)"):
        serving.load_test(f"http://127.0.0.1:{port}/predict", {"images": np.zeros(3)}, requests=2, concurrency=1)


def test_a_script_without_a_main_guard_runs_its_load_test_once(tmp_path) -> None:
    """Pass 8: load_test's client process (multiprocessing spawn) imported the calling script again, so a script
    without ``if __name__ == "__main__":`` started its server and load test a second time."""
    script = tmp_path / "bench_my_server.py"
    script.write_text(
        "import http.server, threading\n"
        "from helpers import serving\n"
        "class Ok(http.server.BaseHTTPRequestHandler):\n"
        "    def do_POST(self):\n"
        "        self.rfile.read(int(self.headers['Content-Length']))\n"
        "        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()\n"
        "    def log_message(self, *args): pass\n"
        "server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Ok)\n"
        "threading.Thread(target=server.serve_forever, daemon=True).start()\n"
        "print('script started')\n"
        "print(serving.load_test(f'http://127.0.0.1:{server.server_address[1]}/p', {}, requests=8, concurrency=2))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(Path(serving.__file__).parents[1])})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("script started") == 1 and "8 requests, 2 at a time" in done.stdout and "0 errors" in done.stdout


def test_load_test_keeps_the_query_string_and_names_the_status_of_failures(server) -> None:
    """Pass 9: ?model=int8 was dropped (both models measured as one), and a server answering 500 was not said."""
    result = serving.load_test(server.url + "/which?model=int8", {"values": [1.0]}, requests=6, concurrency=2)
    assert result.errors == 0 and result.path == "/which?model=int8"
    with pytest.raises(RuntimeError, match=r"All 4 requests .* failed \(6 × HTTP 500"):
        serving.load_test(server.url + "/which", {"values": [1.0]}, requests=4, concurrency=2)


def test_micro_batcher_says_what_it_stacked_when_the_model_refuses_the_shape() -> None:
    def run_batch(x):
        if x.ndim != 2:
            raise ValueError(f"Input 'features' expects shape (batch, 10); received shape {x.shape}")
        return x

    async def scenario():
        batcher = serving.MicroBatcher(run_batch, max_batch=4, max_wait_ms=1)
        return await batcher.run(np.ones((1, 10), np.float32))  # already batched

    with pytest.raises(ValueError, match=r"stacked 1 example\(s\) of shape \(1, 10\) into one batch \(1, 1, 10\)"):
        asyncio.run(scenario())
