#!/usr/bin/env python3
"""Trim Temporal's official API protos down to the RPCs activity-core uses.

Reads the official `api_upstream` tree (shipped inside the `temporalio` PyPI wheel), compiles
`temporal/api/workflowservice/v1/service.proto` with protoc into a descriptor set, computes the
closure of the types reachable from the kept RPCs after dropping the fields we do not use, and
writes:

  * trimmed `.proto` files (same file paths, packages, message/enum names, field names, numbers
    and types as the official ones) under --out-protos;
  * a JSON fixture with the official definition of every kept field, so a test can check that
    the generated Swift uses the official field numbers (--out-fixture).

It then compiles the trimmed files again and checks every kept field against the official
descriptor, so a trimming mistake fails here and not at run time.

Requires Python >= 3.9, the `protobuf` Python package (for descriptor_pb2 only) and `protoc`
(Debian: protobuf-compiler + libprotobuf-dev for the google/protobuf well-known types).
Run through Tools/regenerate-protos; it sets all of this up.

Dropped fields are not lost on the wire: protobuf keeps them as unknown fields on decode and
writes them back on encode.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import OrderedDict

from google.protobuf import descriptor_pb2 as pb

SOURCE = "temporalio 1.35.0 (PyPI wheel), temporalio/bridge/sdk-core/crates/protos/protos/api_upstream"
SERVICE_FILE = "temporal/api/workflowservice/v1/service.proto"
SERVICE_NAME = "temporal.api.workflowservice.v1.WorkflowService"

# The RPCs activity-core calls. Everything else in the service is dropped.
KEEP_RPCS = [
    "GetSystemInfo",
    "DescribeNamespace",
    "StartWorkflowExecution",
    "GetWorkflowExecutionHistory",
    "DescribeWorkflowExecution",
    "TerminateWorkflowExecution",
    "PollWorkflowTaskQueue",
    "RespondWorkflowTaskCompleted",
    "RespondWorkflowTaskFailed",
    "PollActivityTaskQueue",
    "RecordActivityTaskHeartbeat",
    "RespondActivityTaskCompleted",
    "RespondActivityTaskFailed",
    "RespondActivityTaskCanceled",
    "RequestCancelWorkflowExecution",
    "ShutdownWorker",
    "CreateSchedule",
    "DescribeSchedule",
    "UpdateSchedule",
    "PatchSchedule",
    "DeleteSchedule",
    "ListSchedules",
]

# --- Field dropping rules -----------------------------------------------------------------------
# A field is kept if it is listed in KEEP_FIELDS. Otherwise it is dropped if it is marked
# deprecated, its name matches DROP_FIELD_NAME, its (message or enum) type matches DROP_TYPE, it
# is listed in DROP_FIELDS, or it is a member of a oneof listed in ONEOF_ALLOW and not allowed
# there.

DROP_FIELD_NAME = re.compile(
    r"""^(
        .*deployment.*              # worker deployments / versioning
      | .*versioning.*
      | declined_target_version_upgrade
      | .*build_id.*
      | worker_version.*
      | .*version_stamp
      | .*nexus.*
      | worker_heartbeat | worker_instance_key | worker_control_task_queue | worker_info
      | poller_group.* | poller_scaling_decision
      | messages                     # protocol messages (workflow update)
      | quer(y|ies) | legacy_query | query_results
      | priority
      | links | callbacks | completion_callbacks
      | on_conflict_options
      | user_metadata
      | eager_.* | request_eager_execution | return_new_workflow_task | force_create_new_workflow_task
      | .*eager_execution.*
      | sdk_metadata | metering_metadata
      | capabilities_by_task_queue
      | event_group_markers
      | principal
      | pause_info | pending_children | pending_nexus_operations | workflow_extended_info
      | replication_config | failover_version | is_global_namespace | failover_history
      | time_skipping_config | .*time_skipping.*
      | last_attempt_complete_time_of_.*
      | compute_config | resource_id
    )$""",
    re.VERBOSE,
)

DROP_TYPE = re.compile(
    r"""^\.temporal\.api\.(
        deployment\.v1\..*
      | nexus\.v1\..*
      | update\.v1\..*
      | query\.v1\..*
      | protocol\.v1\..*
      | worker\.v1\..*
      | compute\.v1\..*
      | rules\.v1\..*
      | callback\.v1\..*
      | replication\.v1\..*
      | sdk\.v1\.(UserMetadata|WorkflowTaskCompletedMetadata|WorkerConfig|EventGroupMarker)
      | common\.v1\.(Priority|Link|Callback|WorkerVersionStamp|WorkerVersionCapabilities|WorkerSelector|Principal|MeteringMetadata)
      | workflow\.v1\.(VersioningOverride|OnConflictOptions|CallbackInfo|PendingNexusOperationInfo|PendingChildExecutionInfo|WorkflowExecutionExtendedInfo|WorkflowExecutionVersioningInfo|WorkflowExecutionPauseInfo|PostResetOperation|RequestIdInfo|TimeSkippingConfig)
      | taskqueue\.v1\.(PollerScalingDecision|TaskQueueReachability|BuildIdReachability|CompatibleVersionSet|PollerInfo|TaskQueueStats|TaskQueueStatus|TaskQueueVersionInfo|TaskQueueTypeInfo|TaskQueueConfig|RateLimitConfig|RateLimit|.*Versioning.*)
      | namespace\.v1\.NamespaceReplicationConfig
      | failure\.v1\.(NexusOperationFailureInfo|NexusHandlerFailureInfo|ChildWorkflowExecutionFailureInfo)
    )$""",
    re.VERBOSE,
)

# Exceptions to the rules above (message full name -> field names).
KEEP_FIELDS: dict[str, set[str]] = {
    # A visibility filter string, not a workflow query.
    "temporal.api.workflowservice.v1.ListSchedulesRequest": {"query"},
    # Set on a legacy query task (e.g. the UI's __stack_trace query to an idle workflow): the
    # worker must recognise such a task and not answer it with RespondWorkflowTaskCompleted.
    "temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse": {"query"},
    # The key ShutdownWorker names to have the server answer this worker's open polls.
    "temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest": {"worker_instance_key"},
    "temporal.api.workflowservice.v1.PollActivityTaskQueueRequest": {"worker_instance_key"},
    "temporal.api.workflowservice.v1.ShutdownWorkerRequest": {"worker_instance_key"},
    # Eager workflow start: the first workflow task comes back in the start's answer.
    "temporal.api.workflowservice.v1.StartWorkflowExecutionRequest": {"request_eager_execution"},
    "temporal.api.workflowservice.v1.StartWorkflowExecutionResponse": {"eager_workflow_task"},
    # Eager activity dispatch: the activity task comes back in RespondWorkflowTaskCompleted's
    # answer (`activity_tasks`).
    "temporal.api.command.v1.ScheduleActivityTaskCommandAttributes": {"request_eager_execution"},
}

# Individual fields dropped for size (message full name -> field names).
DROP_FIELDS: dict[str, set[str]] = {
}

# oneofs where only the listed members are kept (message full name -> oneof name -> members).
ONEOF_ALLOW: dict[str, dict[str, set[str]]] = {
    "temporal.api.history.v1.HistoryEvent": {
        "attributes": {
            "workflow_execution_started_event_attributes",
            "workflow_execution_completed_event_attributes",
            "workflow_execution_failed_event_attributes",
            "workflow_execution_timed_out_event_attributes",
            "workflow_execution_terminated_event_attributes",
            "workflow_execution_canceled_event_attributes",
            "workflow_execution_cancel_requested_event_attributes",
            "workflow_execution_continued_as_new_event_attributes",
            "workflow_task_scheduled_event_attributes",
            "workflow_task_started_event_attributes",
            "workflow_task_completed_event_attributes",
            "workflow_task_timed_out_event_attributes",
            "workflow_task_failed_event_attributes",
            "activity_task_scheduled_event_attributes",
            "activity_task_started_event_attributes",
            "activity_task_completed_event_attributes",
            "activity_task_failed_event_attributes",
            "activity_task_timed_out_event_attributes",
            "activity_task_cancel_requested_event_attributes",
            "activity_task_canceled_event_attributes",
            "timer_started_event_attributes",
            "timer_fired_event_attributes",
            "timer_canceled_event_attributes",
            "marker_recorded_event_attributes",
        }
    },
    "temporal.api.command.v1.Command": {
        "attributes": {
            "schedule_activity_task_command_attributes",
            "request_cancel_activity_task_command_attributes",
            "start_timer_command_attributes",
            "cancel_timer_command_attributes",
            "complete_workflow_execution_command_attributes",
            "fail_workflow_execution_command_attributes",
            "cancel_workflow_execution_command_attributes",
            "continue_as_new_workflow_execution_command_attributes",
            "record_marker_command_attributes",
        }
    },
}

LICENSE_NOTE = "MIT License, Copyright (c) 2025 Temporal Technologies Inc. See LICENSE in this folder."

SCALARS = {
    pb.FieldDescriptorProto.TYPE_DOUBLE: "double",
    pb.FieldDescriptorProto.TYPE_FLOAT: "float",
    pb.FieldDescriptorProto.TYPE_INT64: "int64",
    pb.FieldDescriptorProto.TYPE_UINT64: "uint64",
    pb.FieldDescriptorProto.TYPE_INT32: "int32",
    pb.FieldDescriptorProto.TYPE_FIXED64: "fixed64",
    pb.FieldDescriptorProto.TYPE_FIXED32: "fixed32",
    pb.FieldDescriptorProto.TYPE_BOOL: "bool",
    pb.FieldDescriptorProto.TYPE_STRING: "string",
    pb.FieldDescriptorProto.TYPE_BYTES: "bytes",
    pb.FieldDescriptorProto.TYPE_UINT32: "uint32",
    pb.FieldDescriptorProto.TYPE_SFIXED32: "sfixed32",
    pb.FieldDescriptorProto.TYPE_SFIXED64: "sfixed64",
    pb.FieldDescriptorProto.TYPE_SINT32: "sint32",
    pb.FieldDescriptorProto.TYPE_SINT64: "sint64",
}
COMPOSITE = (pb.FieldDescriptorProto.TYPE_MESSAGE, pb.FieldDescriptorProto.TYPE_ENUM)


def run_protoc(protoc: str, includes: list[str], files: list[str], out: str) -> pb.FileDescriptorSet:
    cmd = [protoc] + [f"-I{i}" for i in includes] + ["--include_imports", f"--descriptor_set_out={out}"] + files
    subprocess.run(cmd, check=True)
    fds = pb.FileDescriptorSet()
    with open(out, "rb") as fh:
        fds.ParseFromString(fh.read())
    return fds


class Model:
    """Index of every message and enum in a descriptor set, by full name with a leading dot."""

    def __init__(self, fds: pb.FileDescriptorSet):
        self.files: dict[str, pb.FileDescriptorProto] = {}
        self.messages: dict[str, pb.DescriptorProto] = {}
        self.enums: dict[str, pb.EnumDescriptorProto] = {}
        self.file_of: dict[str, str] = {}
        for f in fds.file:
            self.files[f.name] = f
            prefix = "." + f.package if f.package else ""
            self._index(f.name, prefix, f.message_type, f.enum_type)

    def _index(self, fname, prefix, messages, enums):
        for e in enums:
            self.enums[f"{prefix}.{e.name}"] = e
            self.file_of[f"{prefix}.{e.name}"] = fname
        for m in messages:
            full = f"{prefix}.{m.name}"
            self.messages[full] = m
            self.file_of[full] = fname
            self._index(fname, full, m.nested_type, m.enum_type)


def is_map_entry(m: pb.DescriptorProto) -> bool:
    return m.options.map_entry


def drop_reason(msg_full: str, msg: pb.DescriptorProto, field: pb.FieldDescriptorProto) -> str | None:
    name = msg_full.lstrip(".")
    if field.name in KEEP_FIELDS.get(name, set()):
        return None
    if field.options.deprecated:
        return "deprecated"
    if DROP_FIELD_NAME.match(field.name):
        return "name"
    if field.type in COMPOSITE and DROP_TYPE.match(field.type_name):
        return "type"
    if field.name in DROP_FIELDS.get(name, set()):
        return "listed"
    if field.HasField("oneof_index"):
        oneof = msg.oneof_decl[field.oneof_index].name
        allow = ONEOF_ALLOW.get(name, {}).get(oneof)
        if allow is not None and field.name not in allow:
            return "oneof"
    return None


def compute_closure(model: Model, roots: list[str]):
    """Returns (kept messages -> kept fields, kept enums, dropped fields)."""
    kept_fields: "OrderedDict[str, list[pb.FieldDescriptorProto]]" = OrderedDict()
    kept_enums: set[str] = set()
    dropped: dict[str, list[tuple[pb.FieldDescriptorProto, str]]] = {}
    work = list(roots)
    while work:
        full = work.pop()
        if full in model.enums:
            kept_enums.add(full)
            parent = full.rsplit(".", 1)[0]
            if parent in model.messages:
                work.append(parent)
            continue
        if full in kept_fields:
            continue
        if full.startswith(".google.protobuf."):
            continue  # well-known types come from protoc's include dir
        msg = model.messages[full]
        kept_fields[full] = []
        # A nested type is emitted inside its parent, so the parent must be kept too.
        parent = full.rsplit(".", 1)[0]
        if parent in model.messages:
            work.append(parent)
        for field in msg.field:
            reason = drop_reason(full, msg, field)
            if reason:
                dropped.setdefault(full, []).append((field, reason))
                continue
            kept_fields[full].append(field)
            if field.type in COMPOSITE:
                work.append(field.type_name)
    return kept_fields, kept_enums, dropped


# --- Writing .proto text ------------------------------------------------------------------------


def type_ref(type_name: str, package: str) -> str:
    name = type_name.lstrip(".")
    if name.startswith(package + "."):
        return name[len(package) + 1:]
    return name


def field_type(model: Model, field: pb.FieldDescriptorProto, package: str) -> str:
    if field.type in COMPOSITE:
        return type_ref(field.type_name, package)
    return SCALARS[field.type]


def field_line(model: Model, field: pb.FieldDescriptorProto, package: str) -> str:
    opts = " [deprecated = true]" if field.options.deprecated else ""
    if field.type == pb.FieldDescriptorProto.TYPE_MESSAGE and field.label == pb.FieldDescriptorProto.LABEL_REPEATED:
        entry = model.messages[field.type_name]
        if is_map_entry(entry):
            k, v = entry.field[0], entry.field[1]
            return f"map<{field_type(model, k, package)}, {field_type(model, v, package)}> {field.name} = {field.number}{opts};"
    label = ""
    if field.label == pb.FieldDescriptorProto.LABEL_REPEATED:
        label = "repeated "
    elif field.proto3_optional:
        label = "optional "
    return f"{label}{field_type(model, field, package)} {field.name} = {field.number}{opts};"


def reserved_lines(msg) -> list[str]:
    out = []
    ranges = []
    for r in msg.reserved_range:
        # DescriptorProto ranges are end-exclusive; EnumDescriptorProto ranges are inclusive.
        end = r.end - 1 if isinstance(msg, pb.DescriptorProto) else r.end
        ranges.append(str(r.start) if end == r.start else f"{r.start} to {end}")
    if ranges:
        out.append("reserved " + ", ".join(ranges) + ";")
    if msg.reserved_name:
        out.append("reserved " + ", ".join(f'"{n}"' for n in msg.reserved_name) + ";")
    return out


def enum_lines(e: pb.EnumDescriptorProto, indent: str) -> list[str]:
    lines = [f"{indent}enum {e.name} {{"]
    if e.options.allow_alias:
        lines.append(f"{indent}    option allow_alias = true;")
    for r in reserved_lines(e):
        lines.append(f"{indent}    {r}")
    for v in e.value:
        opts = " [deprecated = true]" if v.options.deprecated else ""
        lines.append(f"{indent}    {v.name} = {v.number}{opts};")
    lines.append(f"{indent}}}")
    return lines


def message_lines(model, full, kept_fields, kept_enums, dropped, package, indent) -> list[str]:
    msg = model.messages[full]
    lines = []
    inner = indent + "    "
    drops = dropped.get(full, [])
    if drops:
        # A leading comment of the message, so it also documents the generated Swift type.
        items = [f"{f.name} = {f.number}" for f, _ in sorted(drops, key=lambda d: d[0].number)]
        words = ["Official", "fields", "left", "out", "here:"]
        words += [item + ("," if i < len(items) - 1 else ".") for i, item in enumerate(items)]
        width = max(40, 100 - len(indent) - 3)
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(f"{indent}// {line}")
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(f"{indent}// {line}")
    lines.append(f"{indent}message {msg.name} {{")
    for r in reserved_lines(msg):
        lines.append(f"{inner}{r}")
    for e in msg.enum_type:
        if f"{full}.{e.name}" in kept_enums:
            lines += enum_lines(e, inner)
    for n in msg.nested_type:
        nf = f"{full}.{n.name}"
        if nf in kept_fields and not is_map_entry(n):
            lines += message_lines(model, nf, kept_fields, kept_enums, dropped, package, inner)
    emitted_oneofs = set()
    fields = kept_fields[full]
    for field in fields:
        if field.HasField("oneof_index") and not field.proto3_optional:
            idx = field.oneof_index
            if idx in emitted_oneofs:
                continue
            emitted_oneofs.add(idx)
            lines.append(f"{inner}oneof {msg.oneof_decl[idx].name} {{")
            for member in fields:
                if member.HasField("oneof_index") and member.oneof_index == idx:
                    lines.append(f"{inner}    {field_line(model, member, package)}")
            lines.append(f"{inner}}}")
        else:
            lines.append(f"{inner}{field_line(model, field, package)}")
    lines.append(f"{indent}}}")
    return lines


def header(fname: str) -> list[str]:
    return [
        f"// Trimmed from the official Temporal API definition `{fname}`",
        f"// in {SOURCE},",
        "// by Tools/protos/trim.py. Do not edit: change trim.py and run Tools/regenerate-protos.",
        "// Field names, numbers and types are the official ones; fields and types that",
        "// activity-core does not use are left out (they survive decoding as unknown fields).",
        f"// {LICENSE_NOTE}",
        "",
    ]


def write_file(model, fname, kept_fields, kept_enums, dropped, service_methods) -> str:
    f = model.files[fname]
    package = f.package
    used_files: set[str] = set()
    top_level = []
    for m in f.message_type:
        full = f".{package}.{m.name}"
        if full in kept_fields:
            top_level.append(("m", full))
    for e in f.enum_type:
        full = f".{package}.{e.name}"
        if full in kept_enums:
            top_level.append(("e", full))

    def collect(full):
        for field in kept_fields[full]:
            if field.type in COMPOSITE:
                used_files.add(model.file_of[field.type_name])
        for n in model.messages[full].nested_type:
            nf = f"{full}.{n.name}"
            if nf in kept_fields:
                collect(nf)

    for kind, full in top_level:
        if kind == "m":
            collect(full)
    for _, inp, outp in service_methods:
        used_files.add(model.file_of[inp])
        used_files.add(model.file_of[outp])
    used_files.discard(fname)

    lines = header(fname)
    lines.append('syntax = "proto3";')
    lines.append("")
    lines.append(f"package {package};")
    lines.append("")
    if used_files:
        for imp in sorted(used_files):
            lines.append(f'import "{imp}";')
        lines.append("")
    for kind, full in top_level:
        if kind == "m":
            lines += message_lines(model, full, kept_fields, kept_enums, dropped, package, "")
        else:
            lines += enum_lines(model.enums[full], "")
        lines.append("")
    if service_methods:
        svc_name = SERVICE_NAME.rsplit(".", 1)[1]
        lines.append(f"service {svc_name} {{")
        for name, inp, outp in service_methods:
            lines.append(f"    rpc {name} ({type_ref(inp, package)}) returns ({type_ref(outp, package)});")
        lines.append("}")
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def field_signature(field: pb.FieldDescriptorProto) -> list:
    return [
        field.number,
        pb.FieldDescriptorProto.Type.Name(field.type),
        field.type_name,
        pb.FieldDescriptorProto.Label.Name(field.label),
    ]


def fixture_json(fixture: dict) -> str:
    """Stable JSON (sorted keys), one line per field, so diffs stay readable."""
    out = ["{"]
    msgs = sorted(fixture)
    for i, msg in enumerate(msgs):
        fields = sorted(fixture[msg])
        if not fields:
            out.append(f"  {json.dumps(msg)}: {{}}" + ("," if i < len(msgs) - 1 else ""))
            continue
        out.append(f"  {json.dumps(msg)}: {{")
        for j, name in enumerate(fields):
            comma = "," if j < len(fields) - 1 else ""
            out.append(f"    {json.dumps(name)}: {json.dumps(fixture[msg][name])}{comma}")
        out.append("  }" + ("," if i < len(msgs) - 1 else ""))
    out.append("}")
    text = "\n".join(out) + "\n"
    assert json.loads(text) == fixture
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", required=True, help="the api_upstream folder (holds temporal/api/...)")
    ap.add_argument("--include", default="/usr/include", help="protoc include dir holding google/protobuf/*.proto")
    ap.add_argument("--protoc", default="protoc")
    ap.add_argument("--out-protos", required=True, help="folder for the trimmed .proto files (wiped of .proto first)")
    ap.add_argument("--out-fixture", required=True, help="path of the official-fields JSON fixture")
    ap.add_argument("--report", action="store_true", help="print kept and dropped fields")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        official = run_protoc(args.protoc, [args.upstream, args.include], [SERVICE_FILE], os.path.join(tmp, "official.pb"))
    model = Model(official)

    service = None
    for m in model.files[SERVICE_FILE].service:
        if f".{model.files[SERVICE_FILE].package}.{m.name}" == "." + SERVICE_NAME:
            service = m
    if service is None:
        sys.exit(f"service {SERVICE_NAME} not found")
    by_name = {m.name: m for m in service.method}
    missing = [r for r in KEEP_RPCS if r not in by_name]
    if missing:
        sys.exit(f"RPCs not in the official service: {missing}")
    keep = set(KEEP_RPCS)
    methods = [(m.name, m.input_type, m.output_type) for m in service.method if m.name in keep]
    if any(by_name[n].client_streaming or by_name[n].server_streaming for n in keep):
        sys.exit("streaming RPCs are not supported by this trimmer")

    roots = [t for _, i, o in methods for t in (i, o)]
    kept_fields, kept_enums, dropped = compute_closure(model, roots)
    # Only report drops in messages that are kept.
    dropped = {k: v for k, v in dropped.items() if k in kept_fields}

    # Files to write, in a stable order.
    files: dict[str, None] = {}
    for full in list(kept_fields) + sorted(kept_enums):
        files[model.file_of[full]] = None
    files[SERVICE_FILE] = None
    file_names = sorted(files)

    # Wipe old trimmed protos (only *.proto below out-protos), then write.
    for root, _, names in os.walk(args.out_protos):
        for n in names:
            if n.endswith(".proto"):
                os.remove(os.path.join(root, n))
    for root, dirs, _ in os.walk(args.out_protos, topdown=False):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.listdir(p):
                os.rmdir(p)
    total_lines = 0
    for fname in file_names:
        text = write_file(model, fname, kept_fields, kept_enums, dropped, methods if fname == SERVICE_FILE else [])
        path = os.path.join(args.out_protos, fname)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
        total_lines += text.count("\n")

    # Fixture: official definitions of the kept fields of every kept (non map-entry) message.
    fixture = {}
    for full, fields in kept_fields.items():
        if is_map_entry(model.messages[full]):
            continue
        fixture[full.lstrip(".")] = {f.name: field_signature(f) for f in fields}
    os.makedirs(os.path.dirname(os.path.abspath(args.out_fixture)), exist_ok=True)
    with open(args.out_fixture, "w") as fh:
        fh.write(fixture_json(fixture))

    # Verify: compile the trimmed files and compare every kept field with the official one.
    with tempfile.TemporaryDirectory() as tmp:
        trimmed = run_protoc(args.protoc, [args.out_protos, args.include], file_names, os.path.join(tmp, "trimmed.pb"))
    tmodel = Model(trimmed)
    problems = []
    for full, fields in kept_fields.items():
        tmsg = tmodel.messages.get(full)
        if tmsg is None:
            problems.append(f"{full}: missing in trimmed output")
            continue
        want = {f.name: field_signature(f) + [f.oneof_index if f.HasField("oneof_index") else None] for f in fields}
        got = {}
        for f in tmsg.field:
            oneof = None
            if f.HasField("oneof_index"):
                # Compare oneof membership by name, since indexes shift when oneofs are dropped.
                oneof = tmsg.oneof_decl[f.oneof_index].name
            got[f.name] = field_signature(f) + [oneof]
        for name, sig in want.items():
            osig = sig[:4] + [model.messages[full].oneof_decl[sig[4]].name if sig[4] is not None else None]
            if got.get(name) != osig:
                problems.append(f"{full}.{name}: official {osig}, trimmed {got.get(name)}")
        for name in got.keys() - want.keys():
            problems.append(f"{full}.{name}: not in the kept set")
    for full in kept_enums:
        if full not in tmodel.enums:
            problems.append(f"{full}: enum missing in trimmed output")
        elif tmodel.enums[full] != model.enums[full]:
            a = [(v.name, v.number) for v in model.enums[full].value]
            b = [(v.name, v.number) for v in tmodel.enums[full].value]
            if a != b:
                problems.append(f"{full}: enum values differ")
    tsvc = [s for s in tmodel.files[SERVICE_FILE].service]
    if len(tsvc) != 1 or [(m.name, m.input_type, m.output_type) for m in tsvc[0].method] != methods:
        problems.append("service methods differ")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    n_msgs = sum(1 for f in kept_fields if not is_map_entry(model.messages[f]))
    n_maps = len(kept_fields) - n_msgs
    print(
        f"trim.py: {len(methods)} RPCs, {n_msgs} messages (+{n_maps} map entries), {len(kept_enums)} enums, "
        f"{len(file_names)} files, {total_lines} lines of .proto; verified against the official descriptors"
    )
    if args.report:
        for full in kept_fields:
            print(f"KEEP {full.lstrip('.')}: " + ", ".join(f.name for f in kept_fields[full]))
            for f, why in dropped.get(full, []):
                print(f"    drop {f.name} = {f.number} ({why}; {f.type_name or SCALARS.get(f.type)})")
        for e in sorted(kept_enums):
            print(f"ENUM {e.lstrip('.')} ({len(model.enums[e].value)} values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
