"""The official Python SDK's side of Tools/bench/schedules-vs-sdk.

A schedule sync as a new user of the SDK writes it: per definition, describe its schedule,
then create it when there is none or update it when what the description shows differs
from the definition (`ScheduleHandle.update`, which describes once more for the conflict
token), 16 definitions in flight, and one list to find schedules no definition wants. The
definitions are those of activity-core-bench schedules (BENCH_DISTINCT=1): COUNT crons, all
distinct, every other one in Europe/Berlin, every third catching up the latest missed run,
every tenth disabled (created paused). The cron and zone ride in the action's input, where
the next sync's describe finds them (Temporal returns no cron text).

Phases: first (nothing exists), repeat (nothing changed), changed (every cron an hour
later). One RESULT line per phase: wall seconds and the server's own count of the schedule
calls it answered in this namespace (its frontend request metrics). The schedules are
deleted at the end (not timed).

    python sdk_schedules_peer.py --address 127.0.0.1:7233 --namespace bench-sdk --count 1000 \
        --metrics http://127.0.0.1:7235/metrics
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
import urllib.request
import uuid
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
)
from temporalio.service import RPCError, RPCStatusCode

CALLS = re.compile(
    r'service_requests\{[^}]*namespace="(?P<ns>[^"]*)"[^}]*operation="(?P<op>\w+Schedules?)"'
    r'[^}]*service_name="frontend"[^}]*\} (?P<value>\S+)'
)


def schedule_calls(metrics: str, namespace: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with urllib.request.urlopen(metrics) as response:
        for line in response.read().decode().splitlines():
            match = CALLS.match(line)
            # Prometheus labels: "-" written as "_".
            if match and match["ns"] == namespace.replace("-", "_"):
                counts[match["op"]] = counts.get(match["op"], 0) + int(float(match["value"]))
    return counts


def definitions(count: int, hour: int) -> dict[str, dict]:
    wanted = {}
    for index in range(count):
        wanted[f"bench-{index:05d}"] = {
            "cron": f"{index % 60} {(index // 60 + hour) % 24} * * *",
            "timezone": "UTC" if index % 2 == 0 else "Europe/Berlin",
            "catchup": index % 3 == 0,
            "enabled": index % 10 != 9,
        }
    return wanted


def schedule(activity_id: str, definition: dict) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            "RunActivityWorkflow",
            {
                "activity_id": activity_id,
                "trigger": "cron",
                "cron": definition["cron"],
                "timezone": definition["timezone"],
            },
            id=f"activity-{activity_id}",
            task_queue="bench-sdk-tq",
        ),
        spec=ScheduleSpec(cron_expressions=[definition["cron"]], time_zone_name=definition["timezone"]),
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.SKIP,
            catchup_window=timedelta(days=365) if definition["catchup"] else timedelta(minutes=1),
        ),
        state=ScheduleState(paused=not definition["enabled"], note="" if definition["enabled"] else "disabled"),
    )


async def sync(client: Client, prefix: str, wanted: dict[str, dict]) -> None:
    listed = [entry.id async for entry in await client.list_schedules() if entry.id.startswith(prefix)]
    limit = asyncio.Semaphore(16)

    async def one(activity_id: str, definition: dict) -> None:
        async with limit:
            schedule_id = prefix + activity_id
            handle = client.get_schedule_handle(schedule_id)
            desired = schedule(activity_id, definition)
            try:
                description = await handle.describe()
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND:
                    raise
                await client.create_schedule(schedule_id, desired)
                return
            action = description.schedule.action
            current = None
            if isinstance(action, ScheduleActionStartWorkflow) and action.args:
                # A description carries the raw payloads.
                current = (await client.data_converter.decode([action.args[0]]))[0]
            paused = description.schedule.state.paused
            if current == desired.action.args[0] and paused == desired.state.paused:
                return
            await handle.update(lambda _: ScheduleUpdate(schedule=desired))

    await asyncio.gather(*(one(activity_id, definition) for activity_id, definition in wanted.items()))
    wanted_ids = {prefix + activity_id for activity_id in wanted}
    for schedule_id in listed:
        if schedule_id not in wanted_ids:
            await client.get_schedule_handle(schedule_id).delete()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    prefix = f"sdk-{uuid.uuid4().hex[:8]}-"
    try:
        for phase, hour in (("first", 6), ("repeat", 6), ("changed", 7)):
            before = schedule_calls(args.metrics, args.namespace)
            start = time.monotonic()
            await sync(client, prefix, definitions(args.count, hour))
            wall = time.monotonic() - start
            after = schedule_calls(args.metrics, args.namespace)
            calls = {op: after[op] - before.get(op, 0) for op in after if after[op] != before.get(op, 0)}
            detail = " ".join(f"{op}={n}" for op, n in sorted(calls.items()))
            print(
                f"RESULT side=python-sdk phase={phase} wall_s={wall:.3f} rpcs={sum(calls.values())} {detail}",
                flush=True,
            )
            if phase == "first":
                # As activity-core-bench does: the repeat starts once the list shows every schedule.
                for _ in range(600):
                    listed = [e async for e in await client.list_schedules() if e.id.startswith(prefix)]
                    if len(listed) == args.count:
                        break
                    await asyncio.sleep(0.1)
    finally:
        limit = asyncio.Semaphore(16)

        async def delete(schedule_id: str) -> None:
            async with limit:
                try:
                    await client.get_schedule_handle(schedule_id).delete()
                except RPCError:
                    pass

        ids = [e.id async for e in await client.list_schedules() if e.id.startswith(prefix)]
        await asyncio.gather(*(delete(i) for i in ids))


if __name__ == "__main__":
    asyncio.run(main())
