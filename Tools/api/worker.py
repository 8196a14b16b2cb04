"""A live activity-core worker for the API and console checks: its own schema, schedule
prefix, task queue, stream and subjects (the services from Tools/services, addresses from the
environment), the example definitions in a temporary root, and a random admin token."""
import json
import os
import shutil
import signal
import socket
import subprocess
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


class LiveWorker:
    def __init__(self, binary, output, name):
        self.binary, self.output, self.name = binary, output, name
        self.run = uuid.uuid4().hex[:8]
        self.token = uuid.uuid4().hex
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.definitions = tempfile.mkdtemp(prefix="activity-core-api-")

    def request(self, path, method="GET", token=True):
        req = urllib.request.Request(self.base + path, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def __enter__(self):
        shutil.copytree(os.path.join(ROOT, "examples", "coulomb"), self.definitions, dirs_exist_ok=True)
        # The examples' event subject on a subject of this run's own (another stream may hold it).
        event_types = os.path.join(self.definitions, "event-types", "repo.yaml")
        with open(event_types) as f:
            text = f.read().replace("subject: gitea.repo.push", f"subject: it.api.{self.run}.push")
        with open(event_types, "w") as f:
            f.write(text)
        environment = dict(os.environ)
        environment.update({
            "ACTIVITY_DB_SCHEMA": f"it_api_{self.run}",
            "ACTIVITY_DEFINITION_DIRS": self.definitions,
            "ACTIVITY_SCHEDULE_PREFIX": f"it-api-{self.run}-",
            "ACTIVITY_TASK_QUEUE": f"it-api-tq-{self.run}",
            "ACTIVITY_EVENT_STREAM": f"IT_API_{self.run}",
            "ACTIVITY_EVENT_CONSUMER": f"it-api-{self.run}",
            "ACTIVITY_EVENT_SUBJECTS": f"it.api.{self.run}.>",
            "ACTIVITY_EVENT_MAX_BYTES": str(16 * 1024 * 1024),
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
        """Only an event definition stays (an empty root is refused), and one sync deletes the
        cron definitions' schedules, so that no schedule is left behind. Returns a failure or None."""
        for name in os.listdir(self.definitions):
            path = os.path.join(self.definitions, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        with open(os.path.join(self.definitions, "left.yaml"), "w") as f:
            f.write("id: api-check-left\ntrigger: {type: event, event_type: repo.push}\naction: {type: echo}\n")
        status, body = self.request("/admin/sync?allow_empty=true", method="POST")
        self.cleaned = True
        if status != 200 or not json.loads(body).get("ok"):
            return f"the cleanup sync answered {status}: {body[:300]!r}"
        return None

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
