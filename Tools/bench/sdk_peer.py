"""The official Python SDK's side of Tools/bench/runs-vs-sdk.

The same three-step workflow as activity-core's RunActivityWorkflow (PrepareRun, ExecuteAction,
FinishRun, each an activity, as a new user of the SDK writes it), its worker in this process
with the SDK's defaults, an HTTP receiver in this process that answers at once, and runs kept
1, 10 and 64 in flight (a closed loop: a run's workflow completes, the next starts). Per level
one RESULT line, as activity-core-bench echo-runs prints it: runs/s, trigger -> action call
p50/p99 (from just before the start call to the receiver's arrival of the action's request)
and the history events of the level's runs (mean of the first 20).

PrepareRun and FinishRun here do no I/O (activity-core's write PostgreSQL): the comparison
favours the SDK.

    python sdk_peer.py --address 127.0.0.1:7233 --namespace bench-sdk --count 1000
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import threading
import time
import urllib.request
import uuid
import temporalio
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from sdk_peer_workflow import RunActivityWorkflow

ARRIVALS: dict[str, float] = {}
RECEIVER_URL = ""


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        arrived = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            ARRIVALS.setdefault(json.loads(body)["workflow_id"], arrived)
        except (ValueError, KeyError):
            pass
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@activity.defn(name="PrepareRun")
async def prepare_run(run: dict) -> dict:
    info = activity.info()
    return {"activity_id": run["activity_id"], "trigger": run["trigger"], "workflow_id": info.workflow_id,
            "run_id": info.workflow_run_id}


@activity.defn(name="ExecuteAction")
async def execute_action(prepared: dict) -> dict:
    data = json.dumps(prepared).encode()

    def post() -> dict:
        request = urllib.request.Request(RECEIVER_URL, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return {"status": response.status, "body": json.loads(response.read())}

    return await asyncio.to_thread(post)


@activity.defn(name="FinishRun")
async def finish_run(finish: dict) -> dict:
    return {}


def runs_at(level: int, count: int) -> int:
    """As activity-core-bench: `count` at 64 in flight, a quarter at 10, a tenth at 1."""
    if level == 1:
        return max(10, count // 10)
    if level == 10:
        return max(20, count // 4)
    return count


async def closed_loop(client: Client, task_queue: str, runs: int, in_flight: int) -> list[tuple[str, float]]:
    started: list[tuple[str, float]] = []
    remaining = iter(range(runs))

    async def lane() -> None:
        for _ in remaining:
            workflow_id = f"bench-sdk-{uuid.uuid4()}"
            triggered = time.monotonic()
            handle = await client.start_workflow(
                "RunActivityWorkflow", {"activity_id": "bench-echo", "trigger": "manual"}, id=workflow_id,
                task_queue=task_queue)
            started.append((workflow_id, triggered))
            await handle.result()

    await asyncio.gather(*(lane() for _ in range(in_flight)))
    return started


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def main() -> None:
    global RECEIVER_URL
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default="127.0.0.1:7233")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--count", type=int, default=1000)
    arguments = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    RECEIVER_URL = f"http://127.0.0.1:{server.server_address[1]}/hook"

    client = await Client.connect(arguments.address, namespace=arguments.namespace)
    task_queue = f"bench-sdk-{uuid.uuid4().hex[:8]}"
    print(f"python-sdk: temporalio {temporalio.__version__}, the SDK's default worker, namespace "
          f"{arguments.namespace}", flush=True)
    async with Worker(client, task_queue=task_queue, workflows=[RunActivityWorkflow],
                      activities=[prepare_run, execute_action, finish_run]):
        await closed_loop(client, task_queue, 10, 5)  # warm-up
        for level in (1, 10, 64):
            runs = runs_at(level, arguments.count)
            began = time.monotonic()
            started = await closed_loop(client, task_queue, runs, level)
            elapsed = time.monotonic() - began
            latencies = [ARRIVALS[w] - t for w, t in started if w in ARRIVALS]
            events = 0
            sample = started[:20]
            for workflow_id, _ in sample:
                history = await client.get_workflow_handle(workflow_id).fetch_history()
                events += len(history.events)
            print(f"RESULT side=python-sdk level={level} runs={runs} seconds={elapsed:.2f} "
                  f"runs_per_s={runs / elapsed:.1f} p50_ms={quantile(latencies, 0.5) * 1000:.1f} "
                  f"p99_ms={quantile(latencies, 0.99) * 1000:.1f} events_per_run={events / max(1, len(sample)):.1f}",
                  flush=True)
    server.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
