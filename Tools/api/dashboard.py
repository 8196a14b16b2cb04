#!/usr/bin/env python3
"""The Grafana dashboard (deploy/grafana/activity-core.json) against a live worker scraped by a
real Prometheus (Debian's, installed by `Tools/services prometheus`).

  dashboard.py BINARY OUTPUT_DIR        (run by Tools/api-check, which sets up the venv)

1. the dashboard's shape: unique panel ids and refIds, panels inside the 24-column grid and not
   overlapping, every panel on the `datasource` variable with at least one query;
2. every metric family the worker's GET /metrics exports is shown by some panel (a cancel of an
   unknown run first makes Temporal refuse one call, so the request failures have data), and
   every activity_* and temporal_* name a panel queries is exported (but for the poll failures,
   which exist only once a poll failed);
3. Prometheus scrapes the worker (job `activity-core`, as the ServiceMonitor's Service names
   it); every panel query and variable query, with the variables filled in as Grafana would,
   is valid PromQL and returns data;
4. after a POST /admin/sync, the "Sync runs by result" panel's ok count rises and the "Last
   successful sync" age restarts.
Exit 0 when all held. Prometheus's log and the worker's log go to OUTPUT_DIR.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from worker import ROOT, LiveWorker, exit_code, free_port

DASHBOARD = os.path.join(ROOT, "deploy", "grafana", "activity-core.json")
JOB = "activity-core"
# Families that appear only once such a failure happened, which a healthy worker never shows.
ONLY_AFTER_FAILURE = {"temporal_long_request_failure"}
VARIABLES = {"$job": JOB, "$instance": ".*", "$__rate_interval": "10s", "$__range": "5m"}


def shape_failures(dashboard):
    failures = []
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]
    if len(ids) != len(set(ids)):
        failures.append(f"panel ids repeat: {ids}")
    cells = {}
    for panel in panels:
        grid = panel["gridPos"]
        if grid["x"] < 0 or grid["x"] + grid["w"] > 24:
            failures.append(f"panel {panel['title']!r} leaves the 24-column grid: {grid}")
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                if (x, y) in cells:
                    failures.append(f"panels {cells[(x, y)]!r} and {panel['title']!r} overlap at {(x, y)}")
                cells[(x, y)] = panel["title"]
        if panel["type"] == "row":
            continue
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            failures.append(f"panel {panel['title']!r} is not on the datasource variable")
        targets = panel.get("targets", [])
        if not targets or not all(t.get("expr") for t in targets):
            failures.append(f"panel {panel['title']!r} has a target without a query")
        if len({t["refId"] for t in targets}) != len(targets):
            failures.append(f"panel {panel['title']!r} repeats a refId")
    return sorted(set(failures))


def fill(expression, **values):
    """The expression with Grafana's variables filled in (`values` overrides, e.g. __range)."""
    for name, value in dict(VARIABLES, **{f"${k}": v for k, v in values.items()}).items():
        expression = expression.replace(name, value)
    if "$" in expression:
        raise ValueError(f"a variable this check does not know in {expression!r}")
    return expression


def families(metrics_text):
    """Metric families of a Prometheus text page (histogram series under their family name)."""
    names = set()
    for line in metrics_text.splitlines():
        if line.startswith("# TYPE "):
            names.add(line.split()[2])
    return names


class Prometheus:
    def __init__(self, target, output):
        binary = shutil.which("prometheus")
        if binary is None:
            raise RuntimeError("prometheus not found: Tools/services prometheus installs it")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.directory = tempfile.mkdtemp(prefix="activity-core-prometheus-")
        config = os.path.join(self.directory, "prometheus.yml")
        with open(config, "w") as f:
            f.write(
                "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                f"scrape_configs:\n  - job_name: {JOB}\n    static_configs: [{{targets: ['{target}']}}]\n")
        self.log = open(os.path.join(output, "prometheus.log"), "w")
        self.process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={self.directory}/data",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def get(self, path, **parameters):
        url = f"{self.base}{path}?{urllib.parse.urlencode(parameters, doseq=True)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def query(self, expression):
        """The instant query's result vector; raises on a PromQL error."""
        try:
            answer = self.get("/api/v1/query", query=expression)
        except urllib.error.HTTPError as error:
            raise ValueError(json.loads(error.read()).get("error", str(error)))
        return answer["data"]["result"]

    def wait_for_scrapes(self, count, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if [s for s in self.query(f'count_over_time(up{{job="{JOB}"}}[1m]) >= {count}')] and \
                        self.query(f'up{{job="{JOB}"}} == 1'):
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"Prometheus did not scrape the worker {count} times (see {self.log.name})")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def query_or_none(prometheus, expression):
    """The query's result, or [] when it is not valid PromQL (reported by the query checks)."""
    try:
        return prometheus.query(expression)
    except ValueError:
        return []


def panel(dashboard, title):
    return next(p for p in dashboard["panels"] if p["title"] == title)


def main():
    binary, output = sys.argv[1], sys.argv[2]
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    failures = shape_failures(dashboard)
    queries = [(p["title"], t.get("legendFormat", t["refId"]), t["expr"])
               for p in dashboard["panels"] if p["type"] != "row" for t in p["targets"]]
    shown = " ".join(expression for _, _, expression in queries)
    with LiveWorker(binary, output, "dashboard") as worker:
        status, body = worker.request("/admin/runs/dashboard-check-no-such-run/cancel", method="POST")
        if status != 404:
            failures.append(f"cancel of an unknown run answered {status}, not 404: {body[:200]!r}")
        exported = families(worker.request("/metrics", token=False)[1].decode())
        missing = sorted(name for name in exported if not re.search(rf"\b{name}(_bucket|_sum|_count)?\b", shown))
        if missing:
            failures.append(f"exported but on no panel: {missing}")
        named = set(re.findall(r"\b(?:activity|temporal)_[a-z_]+", shown)) - ONLY_AFTER_FAILURE
        unknown = sorted(n for n in named if re.sub(r"_(bucket|sum|count)$", "", n) not in exported)
        if unknown:
            failures.append(f"queried but not exported by the worker: {unknown}")
        prometheus = Prometheus(f"127.0.0.1:{worker.port}", output)
        try:
            prometheus.wait_for_scrapes(3)
            for title, legend, expression in queries:
                try:
                    if not prometheus.query(fill(expression)):
                        failures.append(f"{title} / {legend}: no data for {fill(expression)!r}")
                except ValueError as error:
                    failures.append(f"{title} / {legend}: {error}")
            for variable in dashboard["templating"]["list"]:
                if variable["type"] != "query":
                    continue
                match = re.fullmatch(r"label_values\((.+), (\w+)\)", variable["query"]["query"])
                if not match:
                    failures.append(f"variable {variable['name']}: not label_values(...): {variable['query']}")
                    continue
                values = prometheus.get(f"/api/v1/label/{match[2]}/values", **{"match[]": fill(match[1])})["data"]
                if not values:
                    failures.append(f"variable {variable['name']}: no values for {variable['query']['query']!r}")
            if not failures:
                print(f"dashboard-check: {len(queries)} queries of {len(dashboard['panels'])} panels valid with "
                      f"data; {len(exported)} exported metric families all shown")

            # A sync shows on the panels: the ok count over the last minute rises and the last
            # success (now minus the age panel) moves past the startup sync's.
            def ok_syncs():
                expression = fill(panel(dashboard, "Sync runs by result")["targets"][0]["expr"], __rate_interval="1m")
                return sum(float(s["value"][1]) for s in query_or_none(prometheus, expression)
                           if s["metric"].get("result") == "ok")

            def last_success():
                age = query_or_none(prometheus, fill(panel(dashboard, "Last successful sync")["targets"][0]["expr"]))
                return time.time() - float(age[0]["value"][1]) if age else -math.inf

            ok_before, success_before = ok_syncs(), last_success()
            status, body = worker.request("/admin/sync", method="POST")
            if status != 200:
                failures.append(f"POST /admin/sync answered {status}: {body[:200]!r}")
            deadline = time.time() + 30
            while time.time() < deadline and not (ok_syncs() > ok_before + 0.5 and last_success() > success_before + 1):
                time.sleep(0.5)
            ok_after, success_after = ok_syncs(), last_success()
            if not ok_after > ok_before + 0.5:
                failures.append(f"Sync runs by result: ok {ok_before:.2f} before POST /admin/sync, {ok_after:.2f} 30 s after")
            if not success_after > success_before + 1:
                failures.append("Last successful sync: the age did not restart after POST /admin/sync")
            if ok_after > ok_before + 0.5 and success_after > success_before + 1:
                print(f"dashboard-check: after POST /admin/sync, ok syncs in the last minute {ok_before:.1f} -> "
                      f"{ok_after:.1f}, last success {time.time() - success_after:.0f} s ago")
        finally:
            prometheus.stop()
        if failure := worker.clean_up():
            failures.append(failure)
    return exit_code("dashboard-check", failures)


if __name__ == "__main__":
    sys.exit(main())
