#!/usr/bin/env python3
"""The admin API against its OpenAPI document, on a live worker (worker.py).

  check.py BINARY OUTPUT_DIR        (run by Tools/api-check, which sets up the venv)

1. fetches GET /openapi.yaml and validates it (openapi-spec-validator, OpenAPI 3.1);
2. runs schemathesis over every operation, with the token (and its auth check without it):
   no 5xx, every response conforming to its schema, every status documented;
3. leaves no schedule behind and stops the worker with SIGTERM.
Exit 0 when all held. The schemathesis output and the worker's log go to OUTPUT_DIR.
"""
import os
import subprocess
import sys
import time

from worker import ROOT, LiveWorker, exit_code


def main():
    binary, output = sys.argv[1], sys.argv[2]
    failures = []
    with LiveWorker(binary, output, "api") as worker:
        status, body = worker.request("/openapi.yaml", token=False)
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

        command = [
            os.path.join(os.path.dirname(sys.executable), "schemathesis"),
            "--config-file", os.path.join(ROOT, "Tools", "api", "schemathesis.toml"),
            "run", f"{worker.base}/openapi.yaml",
            "--checks", "all",
            "--header", f"Authorization: Bearer {worker.token}",
            "--max-examples", os.environ.get("API_CHECK_MAX_EXAMPLES", "40"),
            "--workers", "1",
            "--seed", "1",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--no-color",
        ]
        started = time.time()
        # Run in OUTPUT_DIR: schemathesis keeps its cache (.schemathesis/) in the working directory.
        result = subprocess.run(
            command, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"), cwd=output)
        summary = (result.stdout + result.stderr).replace(worker.token, "<token>")
        with open(os.path.join(output, "schemathesis.txt"), "w") as f:
            f.write(summary)
        tail = "\n".join(summary.strip().splitlines()[-14:])
        print(f"api-check: schemathesis ({time.time() - started:.0f} s, exit {result.returncode}):\n{tail}")
        if result.returncode != 0:
            failures.append(f"schemathesis exit {result.returncode} (full output: {output}/schemathesis.txt)")
        if failure := worker.clean_up():
            failures.append(failure)
    return exit_code("api-check", failures)


if __name__ == "__main__":
    sys.exit(main())
