"""The driver of Tools/bench/soak: manual runs of an echo definition through a running
`activity-core worker` (its admin API), kept IN_FLIGHT at once, and the worker's resident
memory (VmRSS of its process) after the warm-up and after every SAMPLE runs.

    python soak.py --pid PID --url http://127.0.0.1:PORT --token TOKEN --database URL --schema S \
        --warmup 1000 --runs 10000 --sample 1000 --in-flight 16
"""

from __future__ import annotations

import argparse
import json
import subprocess
import threading
import time
import urllib.request


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Runs:
    """Ended runs, read from the worker's schema."""

    def __init__(self, database: str, schema: str) -> None:
        self.database = database
        self.schema = schema

    def ended(self) -> int:
        query = f'SELECT count(*) FROM "{self.schema}".runs WHERE status <> \'running\''
        out = subprocess.run(["psql", self.database, "-At", "-c", query], check=True, capture_output=True, text=True)
        return int(out.stdout.strip())


def trigger(url: str, token: str) -> None:
    request = urllib.request.Request(f"{url}/admin/definitions/soak-echo/trigger", method="POST",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        json.loads(response.read())


def drive(arguments: argparse.Namespace, runs: Runs, count: int) -> None:
    """Starts `count` runs, keeping at most `in_flight` of them not ended."""
    base = runs.ended()
    started = 0
    while True:
        ended = runs.ended() - base
        if ended >= count:
            return
        room = min(arguments.in_flight - (started - ended), count - started)
        threads = []
        for _ in range(max(0, room)):
            thread = threading.Thread(target=trigger, args=(arguments.url, arguments.token))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        started += max(0, room)
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=16)
    arguments = parser.parse_args()
    runs = Runs(arguments.database, arguments.schema)

    print(f"soak: idle worker {rss_mib(arguments.pid):.1f} MiB", flush=True)
    began = time.monotonic()
    drive(arguments, runs, arguments.warmup)
    time.sleep(2)
    samples = [rss_mib(arguments.pid)]
    print(f"soak: after the {arguments.warmup}-run warm-up ({time.monotonic() - began:.0f} s): "
          f"{samples[0]:.1f} MiB", flush=True)
    began = time.monotonic()
    done = 0
    while done < arguments.runs:
        step = min(arguments.sample, arguments.runs - done)
        drive(arguments, runs, step)
        done += step
        samples.append(rss_mib(arguments.pid))
        print(f"soak: {done} runs ({time.monotonic() - began:.0f} s, {done / (time.monotonic() - began):.1f} runs/s): "
              f"{samples[-1]:.1f} MiB", flush=True)
    print("RSS MiB every " + str(arguments.sample) + " runs: " + ", ".join(f"{s:.1f}" for s in samples))
    print(f"RSS growth over {arguments.runs} runs after the warm-up: {samples[-1] - samples[0]:+.1f} MiB "
          f"(max {max(samples):.1f}, min {min(samples):.1f})")


if __name__ == "__main__":
    main()
