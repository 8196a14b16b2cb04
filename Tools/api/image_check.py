#!/usr/bin/env python3
"""The image as the Kubernetes manifests run it, in podman against the local services.

  image_check.py        (run by Tools/image-check, after Tools/image and Tools/services start)

Reads deploy/kubernetes: the Deployment's `worker` container (its user and group, read-only
root, dropped capabilities, no privilege escalation, volume mounts, probes), the ConfigMap and
the Secret references it takes its environment from, its replica count and grace period, and
the smoke Job's arguments. Then:
1. checks what only the manifests together can get wrong: the `http` port is the ConfigMap's
   ACTIVITY_HTTP_PORT and the Service's target; every definitions root lies in a mounted
   volume; the smoke Job writes into a root the worker reads; the grace period is above
   ACTIVITY_SHUTDOWN_GRACE_SECONDS;
2. starts the Deployment's replicas as podman containers (host network) with that spec. What
   an operator edits (the service addresses, the Secret's values) and what keeps this run apart
   from others on the same services (schema, schedule prefix, task queue, stream, subjects,
   the HTTP port and address on the host network) are overridden, and printed. The git-sync
   checkout is stood in for by a directory holding examples/coulomb;
3. waits for each replica's startup, readiness and liveness probes (their paths on the port
   they name) and prints the time from `podman run` to ready;
4. runs Tools/smoke with the smoke Job's arguments and environment against the first replica;
5. prints each replica's idle RSS, leaves no schedule behind, stops every replica with
   SIGTERM and checks each exits 0 within the Deployment's terminationGracePeriodSeconds.
Exit 0 when all held.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

import yaml

from worker import ROOT, exit_code, copy_examples, free_port, http_request, isolated_environment, leave_no_schedules

MANIFESTS = os.path.join(ROOT, "deploy", "kubernetes")
IMAGE = "localhost/activity-core:dev"
PODMAN = ["podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"]


def log(message):
    print(f"image-check: {message}", flush=True)


def load_manifests():
    """{(kind, name): object} of every manifest in deploy/kubernetes but the kustomization."""
    objects = {}
    for name in sorted(os.listdir(MANIFESTS)):
        if not name.endswith(".yaml") or name == "kustomization.yaml":
            continue
        with open(os.path.join(MANIFESTS, name)) as f:
            for document in yaml.safe_load_all(f):
                if document:
                    objects[(document["kind"], document["metadata"]["name"])] = document
    return objects


def container(pod, name):
    return next(c for c in pod["spec"]["containers"] if c["name"] == name)


def mount_of(spec_container, path):
    """The volume mount a path lies in (the longest mount path that holds it)."""
    mounts = [m for m in spec_container.get("volumeMounts", [])
              if path == m["mountPath"] or path.startswith(m["mountPath"].rstrip("/") + "/")]
    return max(mounts, key=lambda m: len(m["mountPath"]), default=None)


def smoke_root_in_worker(job, pod_spec, worker):
    """Where the worker sees the smoke Job's --root: (the worker's volume of the same claim,
    the path inside it, the worker's path), or None when the worker mounts no such claim."""
    smoke = container(job["spec"]["template"], "smoke")
    root = option(smoke["args"], "--root")
    smoke_mount = mount_of(smoke, root)
    if smoke_mount is None:
        return None
    claim = next(v["persistentVolumeClaim"]["claimName"] for v in job["spec"]["template"]["spec"]["volumes"]
                 if v["name"] == smoke_mount["name"])
    volume = next((v["name"] for v in pod_spec["volumes"]
                   if v.get("persistentVolumeClaim", {}).get("claimName") == claim), None)
    worker_mount = next((m for m in worker["volumeMounts"] if m["name"] == volume), None)
    if worker_mount is None:
        return None
    inside = os.path.relpath(root, smoke_mount["mountPath"])
    return volume, inside, os.path.normpath(os.path.join(worker_mount["mountPath"], inside))


def definition_roots(config):
    return [root for root in config["ACTIVITY_DEFINITION_DIRS"].replace(",", ":").split(":") if root]


def option(arguments, name):
    return arguments[arguments.index(name) + 1]


def consistency_failures(objects, deployment, worker, config, job):
    failures = []
    ports = {p["name"]: p["containerPort"] for p in worker["ports"]}
    if str(ports.get("http")) != config["ACTIVITY_HTTP_PORT"]:
        failures.append(f"containerPort http {ports.get('http')} is not ACTIVITY_HTTP_PORT {config['ACTIVITY_HTTP_PORT']}")
    service = objects[("Service", "activity-core")]
    for port in service["spec"]["ports"]:
        if port["targetPort"] not in ports and port["targetPort"] not in ports.values():
            failures.append(f"the Service's targetPort {port['targetPort']} is no port of the worker")
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        if worker[probe]["httpGet"]["port"] not in ports:
            failures.append(f"{probe} names port {worker[probe]['httpGet']['port']}, not a port of the worker")
    for root in definition_roots(config):
        if mount_of(worker, root) is None:
            failures.append(f"definitions root {root} is in no volume the worker mounts")
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    if not grace > int(config["ACTIVITY_SHUTDOWN_GRACE_SECONDS"]):
        failures.append(f"terminationGracePeriodSeconds {grace} is not above ACTIVITY_SHUTDOWN_GRACE_SECONDS")
    smoke = container(job["spec"]["template"], "smoke")
    url = urllib.parse.urlsplit(option(smoke["args"], "--url"))
    if url.hostname != service["metadata"]["name"] or url.port not in [p["port"] for p in service["spec"]["ports"]]:
        failures.append(f"the smoke Job's --url {url.geturl()} is not the Service {service['metadata']['name']}")
    seen = smoke_root_in_worker(job, deployment["spec"]["template"]["spec"], worker)
    if seen is None or seen[2] not in definition_roots(config):
        failures.append(f"the smoke Job writes {option(smoke['args'], '--root')}, which the worker reads as no "
                        "definitions root (the same claim, the same path in it)")
    return failures


class Replica:
    def __init__(self, index, run):
        self.name = f"activity-core-check-{run}-{index}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def get(self, path, timeout=15):
        """(status, body); status None when the request failed (refused, timed out)."""
        try:
            return http_request(self.url, path, timeout=timeout)
        except OSError as error:
            return None, str(error).encode()

    def probe(self, probe):
        """The probe's answer, within its timeoutSeconds (Kubernetes' default 1 s)."""
        return self.get(probe["httpGet"]["path"], timeout=probe.get("timeoutSeconds", 1))[0]

    def running(self):
        result = subprocess.run(PODMAN + ["inspect", "-f", "{{.State.Running}}", self.name],
                                capture_output=True, text=True)
        return result.stdout.strip() == "true"

    def rss_kib(self):
        pid = subprocess.run(PODMAN + ["inspect", "-f", "{{.State.Pid}}", self.name],
                             capture_output=True, text=True).stdout.strip()
        with open(f"/proc/{pid}/status") as f:
            return int(next(line.split()[1] for line in f if line.startswith("VmRSS")))

    def logs(self):
        result = subprocess.run(PODMAN + ["logs", self.name], capture_output=True, text=True)
        return "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])

    def wait_for(self, probe, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.probe(probe) == 200:
                return True
            if not self.running():
                raise RuntimeError(f"{self.name} exited before {probe['httpGet']['path']} answered 200:\n{self.logs()}")
            time.sleep(0.25)
        return False


def podman_run_arguments(pod_spec, worker, environment, volumes_on_host, replica):
    security = dict(pod_spec.get("securityContext", {}), **worker.get("securityContext", {}))
    arguments = ["run", "-d", "--name", replica.name, "--network", "host",
                 "--user", f"{security['runAsUser']}:{security.get('runAsGroup', security['runAsUser'])}"]
    if security.get("readOnlyRootFilesystem"):
        arguments.append("--read-only")
    if "ALL" in security.get("capabilities", {}).get("drop", []):
        arguments += ["--cap-drop", "all"]
    if security.get("allowPrivilegeEscalation") is False:
        arguments += ["--security-opt", "no-new-privileges"]
    volumes = {v["name"]: v for v in pod_spec["volumes"]}
    for mount in worker["volumeMounts"]:
        volume = volumes[mount["name"]]
        if mount["name"] in volumes_on_host:
            options = "ro,Z" if mount.get("readOnly") else "Z"
            arguments += ["-v", f"{volumes_on_host[mount['name']]}:{mount['mountPath']}:{options}"]
        elif "emptyDir" in volume:
            arguments += ["--tmpfs", f"{mount['mountPath']}:rw,mode=1777"]
        elif volume.get("secret", {}).get("optional"):
            continue  # an optional Secret that this run does not create
        else:
            raise RuntimeError(f"volume {mount['name']}: no stand-in for {volume}")
    for name, value in environment.items():
        arguments += ["-e", f"{name}={value}"]
    return arguments + [IMAGE] + worker.get("args", [])


def environment_of(worker, config, secret, overrides):
    environment = {}
    for source in worker.get("envFrom", []):
        if source["configMapRef"]["name"] != "activity-core":
            raise RuntimeError(f"envFrom {source}: only the ConfigMap activity-core is known here")
        environment.update(config)
    for variable in worker.get("env", []):
        reference = variable["valueFrom"]["secretKeyRef"]
        if reference["key"] in secret:
            environment[variable["name"]] = secret[reference["key"]]
        elif not reference.get("optional"):
            raise RuntimeError(f"env {variable['name']}: the Secret has no {reference['key']}")
    environment.update(overrides)
    return environment


def main():
    objects = load_manifests()
    deployment = objects[("Deployment", "activity-core")]
    pod_spec = deployment["spec"]["template"]["spec"]
    worker = container(deployment["spec"]["template"], "worker")
    config = objects[("ConfigMap", "activity-core")]["data"]
    job = objects[("Job", "activity-core-smoke")]
    failures = consistency_failures(objects, deployment, worker, config, job)
    if failures:
        return exit_code("image-check", failures)
    log("manifests agree: http port, Service target, probes, definitions roots, smoke root, grace period")

    run = uuid.uuid4().hex[:8]
    token = uuid.uuid4().hex
    smoke_token = uuid.uuid4().hex
    secret = {"DATABASE_URL": os.environ["DATABASE_URL"], "ACTIVITY_ADMIN_TOKEN": token, "smoke-token": smoke_token}
    # The Secret activity-core-tokens as the kubelet mounts it: one file per key.
    secret_files = {"activity-core-tokens": {
        "admin-tokens": f"ops:{token}\nsmoke:{smoke_token}\n", "read-tokens": f"reader:{uuid.uuid4().hex}\n",
        "smoke-token": smoke_token}}
    subjects = f"it.image.{run}"
    work = tempfile.mkdtemp(prefix="activity-core-image-")
    # The git-sync checkout (the first definitions root) holds the examples; the smoke root
    # (the claim both the worker and the smoke Job mount) starts empty.
    roots = definition_roots(config)
    volumes_on_host = {}
    for root in roots:
        mount = mount_of(worker, root)
        host = os.path.join(work, mount["name"])
        volumes_on_host[mount["name"]] = host
        os.makedirs(os.path.join(host, os.path.relpath(root, mount["mountPath"])), exist_ok=True)
    checkout = os.path.join(volumes_on_host[mount_of(worker, roots[0])["name"]],
                            os.path.relpath(roots[0], mount_of(worker, roots[0])["mountPath"]))
    copy_examples(checkout, subjects)
    # Secret volumes: the files of the Secrets this run creates; an optional Secret it does not
    # create is an empty folder, as the kubelet mounts it.
    for mount in worker["volumeMounts"]:
        volume = {v["name"]: v for v in pod_spec["volumes"]}[mount["name"]]
        if "secret" not in volume:
            continue
        files = secret_files.get(volume["secret"]["secretName"])
        if files is None and not volume["secret"].get("optional"):
            raise RuntimeError(f"volume {mount['name']}: no stand-in for the Secret {volume['secret']['secretName']}")
        host = os.path.join(work, mount["name"])
        os.makedirs(host, exist_ok=True)
        for key, text in (files or {}).items():
            with open(os.path.join(host, key), "w") as f:
                f.write(text)
        volumes_on_host[mount["name"]] = host
    subprocess.run(["chmod", "-R", "a+rwX", work], check=True)

    replicas = [Replica(i, run) for i in range(deployment["spec"]["replicas"])]
    isolation = dict(isolated_environment("image", run), TEMPORAL_ADDRESS=os.environ["TEMPORAL_ADDRESS"],
                     NATS_URL=os.environ["NATS_URL"], ACTIVITY_HTTP_HOST="127.0.0.1")
    log(f"overridden for this machine: {', '.join(sorted(isolation))}, ACTIVITY_HTTP_PORT; "
        f"from the ConfigMap: {', '.join(sorted(set(config) - set(isolation) - {'ACTIVITY_HTTP_PORT'}))}")
    grace = pod_spec["terminationGracePeriodSeconds"]
    startup, readiness, liveness = (worker[kind] for kind in ("startupProbe", "readinessProbe", "livenessProbe"))
    failures = []
    cleaned = False
    try:
        started = {}
        for replica in replicas:
            environment = environment_of(worker, config, secret, dict(isolation, ACTIVITY_HTTP_PORT=str(replica.port)))
            started[replica.name] = time.time()
            launched = subprocess.run(
                PODMAN + podman_run_arguments(pod_spec, worker, environment, volumes_on_host, replica),
                capture_output=True, text=True)
            if launched.returncode != 0:
                raise RuntimeError(f"podman run {replica.name}: exit {launched.returncode}: {launched.stderr[-800:]}")
        for replica in replicas:
            window = startup["periodSeconds"] * startup["failureThreshold"]
            if not replica.wait_for(startup, window):
                raise RuntimeError(f"{replica.name}: startup probe not 200 within {window} s:\n{replica.logs()}")
            # Kubernetes takes a pod out of the Service after failureThreshold failed probes;
            # dependencies coming up take longer here, hence the minute's margin.
            if not replica.wait_for(readiness, readiness["periodSeconds"] * readiness["failureThreshold"] + 60):
                raise RuntimeError(f"{replica.name}: readiness probe not 200: {replica.get(readiness['httpGet']['path'])}")
            ready = time.time() - started[replica.name]
            if (live := replica.probe(liveness)) != 200:
                failures.append(f"{replica.name}: liveness probe answered {live}")
            log(f"{replica.name}: startup, readiness and liveness probes 200 within their timeouts; "
                f"ready {ready:.1f} s after podman run")

        failures += run_smoke(job, pod_spec, worker, volumes_on_host, replicas[0], secret, config, isolation, subjects)
        # The smoke's syncs are audited under its own token's name.
        status, body = http_request(replicas[0].url, "/admin/audit?limit=1000", token=token)
        names = {entry.get("token_name") for entry in json.loads(body)} if status == 200 else set()
        if "smoke" not in names:
            failures.append(f"the audit does not name the smoke's token: {status} {sorted(map(str, names))}")
        else:
            log(f"the audit names the smoke Job's own token (tokens seen: {', '.join(sorted(map(str, names)))})")
        for replica in replicas:
            if (live := replica.probe(liveness)) != 200 or (answer := replica.probe(readiness)) != 200:
                failures.append(f"{replica.name}: after the smoke, liveness {live}, readiness {answer}")

        time.sleep(5)
        for replica in replicas:
            log(f"{replica.name}: idle RSS {replica.rss_kib() // 1024} MiB ({replica.rss_kib()} kB)")

        cleaned = True
        if failure := leave_no_schedules(checkout, replicas[0].url, token, "image"):
            failures.append(failure)

        for replica in replicas:
            stop_started = time.time()
            subprocess.run(PODMAN + ["kill", "--signal", "TERM", replica.name], check=True, capture_output=True)
            try:
                waited = subprocess.run(PODMAN + ["wait", replica.name], capture_output=True, text=True,
                                        timeout=grace)
            except subprocess.TimeoutExpired:
                failures.append(f"{replica.name} still running {grace} s (terminationGracePeriodSeconds) after SIGTERM")
                continue
            code = waited.stdout.strip()
            log(f"{replica.name}: SIGTERM -> exit {code} in {time.time() - stop_started:.1f} s (grace {grace} s)")
            if code != "0":
                failures.append(f"{replica.name} exited {code} on SIGTERM:\n{replica.logs()}")
    except Exception as error:  # whatever broke is reported with the failures before it
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        if not cleaned:
            # The first replica to answer, once ready, deletes this run's schedules.
            for replica in replicas:
                try:
                    if replica.running() and replica.wait_for(readiness, 60):
                        if failure := leave_no_schedules(checkout, replica.url, token, "image"):
                            failures.append(failure)
                        break
                except Exception as error:  # Tools/services clean-tests is the last resort
                    failures.append(f"cleanup on {replica.name}: {type(error).__name__}: {error}")
        for replica in replicas:
            subprocess.run(PODMAN + ["rm", "-f", replica.name], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return exit_code("image-check", failures)


def run_smoke(job, pod_spec, worker, volumes_on_host, replica, secret, config, isolation, subjects):
    """Tools/smoke with the smoke Job's own arguments and environment: its URL the replica,
    its root the claim's directory on this machine, its subjects this run's. Failures."""
    smoke = container(job["spec"]["template"], "smoke")
    arguments = list(smoke["args"])
    volume, inside, _ = smoke_root_in_worker(job, pod_spec, worker)
    arguments[arguments.index("--url") + 1] = replica.url
    arguments[arguments.index("--root") + 1] = os.path.join(volumes_on_host[volume], inside)
    arguments[arguments.index("--subject-prefix") + 1] = subjects
    environment = dict(os.environ)
    for variable in smoke.get("env", []):
        reference = variable["valueFrom"]
        if "secretKeyRef" in reference:
            environment[variable["name"]] = secret[reference["secretKeyRef"]["key"]]
        else:
            environment[variable["name"]] = isolation.get(variable["name"], config[reference["configMapKeyRef"]["key"]])
    result = subprocess.run([sys.executable, os.path.join(ROOT, "Tools", "smoke")] + arguments,
                            env=environment, capture_output=True, text=True)
    with open(os.path.join(ROOT, ".build", "image", "smoke.jsonl"), "w") as f:
        f.write(result.stdout)
    checks = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0:
        return [f"Tools/smoke exit {result.returncode}: {[c['check'] for c in checks if not c['ok']]} "
                f"{result.stderr[-500:]}"]
    log(f"Tools/smoke (the Job's arguments) passed: {len([c for c in checks if c['ok']])} checks")
    return []


if __name__ == "__main__":
    sys.exit(main())
