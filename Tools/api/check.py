#!/usr/bin/env python3
"""The admin API against its OpenAPI document, on a live worker.

  check.py BINARY OUTPUT_DIR        (run by Tools/api-check, which sets up the venv)

Starts `BINARY worker` on a free port with its own schema, schedule prefix, task queue and
stream (the services from Tools/services, addresses from the environment), the example
definitions, and an admin token; then
  1. fetches GET /openapi.yaml and validates it (openapi-spec-validator, OpenAPI 3.1);
  2. runs schemathesis over every operation, with the token (and its auth check without it):
     no 5xx, every response conforming to its schema, every status documented;
  3. removes the definitions and syncs with allow_empty=true, so that no schedule is left,
     and stops the worker with SIGTERM.
Exit 0 when all held. The schemathesis summary and the worker's log go to OUTPUT_DIR.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url, method="GET", token=None):
    req = urllib.request.Request(url, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main():
    binary, output = sys.argv[1], sys.argv[2]
    os.makedirs(output, exist_ok=True)
    run = uuid.uuid4().hex[:8]
    token = uuid.uuid4().hex
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    definitions = tempfile.mkdtemp(prefix="activity-core-api-")
    shutil.copytree(os.path.join(ROOT, "examples", "coulomb"), definitions, dirs_exist_ok=True)
    # The examples' event subject on a subject of this run's own (another stream may hold it).
    event_types = os.path.join(definitions, "event-types", "repo.yaml")
    with open(event_types) as f:
        text = f.read().replace("subject: gitea.repo.push", f"subject: it.api.{run}.push")
    with open(event_types, "w") as f:
        f.write(text)
    environment = dict(os.environ)
    environment.update({
        "ACTIVITY_DB_SCHEMA": f"it_api_{run}",
        "ACTIVITY_DEFINITION_DIRS": definitions,
        "ACTIVITY_SCHEDULE_PREFIX": f"it-api-{run}-",
        "ACTIVITY_TASK_QUEUE": f"it-api-tq-{run}",
        "ACTIVITY_EVENT_STREAM": f"IT_API_{run}",
        "ACTIVITY_EVENT_CONSUMER": f"it-api-{run}",
        "ACTIVITY_EVENT_SUBJECTS": f"it.api.{run}.>",
        "ACTIVITY_EVENT_MAX_BYTES": str(16 * 1024 * 1024),
        "ACTIVITY_ADMIN_TOKEN": token,
        "ACTIVITY_HTTP_HOST": "127.0.0.1",
        "ACTIVITY_HTTP_PORT": str(port),
        "LOG_LEVEL": "warning",
    })
    log = open(os.path.join(output, "worker.log"), "w")
    worker = subprocess.Popen([binary, "worker"], env=environment, stdout=log, stderr=subprocess.STDOUT)
    failures = []
    try:
        deadline = time.time() + 90
        while True:
            try:
                status, _ = request(f"{base}/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            if worker.poll() is not None or time.time() > deadline:
                print(f"api-check: the worker did not get ready (see {output}/worker.log)", file=sys.stderr)
                return 1
            time.sleep(0.5)

        status, body = request(f"{base}/openapi.yaml")
        document = os.path.join(output, "openapi.yaml")
        with open(document, "wb") as f:
            f.write(body)
        from openapi_spec_validator import validate
        from openapi_spec_validator.readers import read_from_filename
        spec, _ = read_from_filename(document)
        try:
            validate(spec)
            print(f"api-check: GET /openapi.yaml {status}, valid OpenAPI {spec.get('openapi')}")
        except Exception as error:  # the validator's own error types vary by version
            failures.append(f"openapi.yaml is not valid: {error}")
            print(f"api-check: {failures[-1]}", file=sys.stderr)

        examples = os.environ.get("API_CHECK_MAX_EXAMPLES", "40")
        command = [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"),
            "--config-file", os.path.join(ROOT, "Tools", "api", "schemathesis.toml"),
            "run", f"{base}/openapi.yaml",
            "--checks", "all",
            "--header", f"Authorization: Bearer {token}",
            "--max-examples", examples,
            "--workers", "1",
            "--seed", "1",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--no-color",
        ]
        started = time.time()
        result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
        summary = (result.stdout + result.stderr).replace(token, "<token>")
        with open(os.path.join(output, "schemathesis.txt"), "w") as f:
            f.write(summary)
        tail = "\n".join(summary.strip().splitlines()[-25:])
        print(f"api-check: schemathesis ({time.time() - started:.0f} s, exit {result.returncode}):\n{tail}")
        if result.returncode != 0:
            failures.append(f"schemathesis exit {result.returncode} (full output: {output}/schemathesis.txt)")

        # Leave no schedule behind: only an event definition stays (an empty root is refused),
        # and one sync deletes the cron definitions' schedules.
        for name in os.listdir(definitions):
            path = os.path.join(definitions, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        with open(os.path.join(definitions, "left.yaml"), "w") as f:
            f.write("id: api-check-left\ntrigger: {type: event, event_type: repo.push}\naction: {type: echo}\n")
        status, body = request(f"{base}/admin/sync?allow_empty=true", method="POST", token=token)
        if status != 200 or not json.loads(body).get("ok"):
            failures.append(f"the cleanup sync answered {status}: {body[:300]!r}")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        shutil.rmtree(definitions, ignore_errors=True)
    for failure in failures:
        print(f"api-check: FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
