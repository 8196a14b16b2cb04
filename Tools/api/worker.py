"""A live activity-core worker for the API and console checks: its own schema, schedule
prefix, task queue, stream and subjects (the services from Tools/services, addresses from the
environment), the example definitions in a temporary root, and a random admin token."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_request(base, path, token=None, method="GET", timeout=30):
    """(status, body) of one request to a worker; an HTTP error status is an answer, a
    connection failure raises OSError."""
    request = urllib.request.Request(base + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def copy_examples(destination, subjects):
    """examples/coulomb into `destination`, its event type on the subject `<subjects>.push`
    (another run's stream may hold the examples' own subject)."""
    shutil.copytree(os.path.join(ROOT, "examples", "coulomb"), destination, dirs_exist_ok=True)
    event_types = os.path.join(destination, "event-types", "repo.yaml")
    with open(event_types) as f:
        text = f.read().replace("subject: gitea.repo.push", f"subject: {subjects}.push")
    with open(event_types, "w") as f:
        f.write(text)


def isolated_environment(name, run):
    """The names that keep one check's worker apart from every other user of the services:
    schema, schedule prefix, task queue, stream, consumer and subjects (`it.<name>.<run>.>`)."""
    return {
        "ACTIVITY_DB_SCHEMA": f"it_{name}_{run}",
        "ACTIVITY_SCHEDULE_PREFIX": f"it-{name}-{run}-",
        "ACTIVITY_TASK_QUEUE": f"it-{name}-tq-{run}",
        "ACTIVITY_EVENT_STREAM": f"IT_{name.upper()}_{run}",
        "ACTIVITY_EVENT_CONSUMER": f"it-{name}-{run}",
        "ACTIVITY_EVENT_SUBJECTS": f"it.{name}.{run}.>",
        "ACTIVITY_EVENT_MAX_BYTES": str(16 * 1024 * 1024),
    }


def leave_no_schedules(directory, base, token, name):
    """Empties `directory` but for one event definition (an empty root is refused) and runs one
    sync, which deletes the cron definitions' schedules, so that none is left behind
    (Tools/services clean-tests removes the schema and the stream). A failure or None."""
    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    with open(os.path.join(directory, "left.yaml"), "w") as f:
        f.write(f"id: {name}-check-left\ntrigger: {{type: event, event_type: repo.push}}\naction: {{type: echo}}\n")
    os.chmod(os.path.join(directory, "left.yaml"), 0o644)
    status, body = http_request(base, "/admin/sync?allow_empty=true", token=token, method="POST")
    report = json.loads(body) if status == 200 else {}
    if status != 200 or not report.get("ok") or (report.get("schedules") or {}).get("paused"):
        return f"the cleanup sync answered {status}: {body[:400]!r}"
    return None


def exit_code(check, failures):
    """Prints each failure as `<check>: FAIL ...` (stderr); 1 when there was one, else 0."""
    for failure in failures:
        print(f"{check}: FAIL {failure}", file=sys.stderr, flush=True)
    return 1 if failures else 0


class LiveWorker:
    def __init__(self, binary, output, name):
        self.binary, self.output, self.name = binary, output, name
        self.run = uuid.uuid4().hex[:8]
        self.token = uuid.uuid4().hex
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.definitions = tempfile.mkdtemp(prefix="activity-core-api-")

    def request(self, path, method="GET", token=True):
        return http_request(self.base, path, token=self.token if token else None, method=method)

    def __enter__(self):
        copy_examples(self.definitions, f"it.api.{self.run}")
        environment = dict(os.environ)
        environment.update(isolated_environment("api", self.run))
        environment.update({
            "ACTIVITY_DEFINITION_DIRS": self.definitions,
            "ACTIVITY_ADMIN_TOKEN": self.token,
            "ACTIVITY_HTTP_HOST": "127.0.0.1",
            "ACTIVITY_HTTP_PORT": str(self.port),
            "LOG_LEVEL": "warning",
        })
        os.makedirs(self.output, exist_ok=True)
        self.log = open(os.path.join(self.output, f"{self.name}-worker.log"), "w")
        self.process = subprocess.Popen(
            [self.binary, "worker"], env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while True:
            try:
                if self.request("/readyz", token=False)[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.time() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"the worker did not get ready (see {self.log.name})")
            time.sleep(0.5)

    def clean_up(self):
        """No schedule of this run is left behind (leave_no_schedules). A failure or None."""
        self.cleaned = True
        return leave_no_schedules(self.definitions, self.base, self.token, "api")

    def __exit__(self, *_):
        # Whatever happened, no schedule of this run stays behind (clean-tests removes the
        # schema and stream, not Temporal schedules).
        if self.process.poll() is None and not getattr(self, "cleaned", False):
            try:
                self.clean_up()
            except OSError:
                pass
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.definitions, ignore_errors=True)
