/// Every migration activity-core has, oldest first. Append only: a released migration is
/// never edited, a new version is added instead.
public enum Migrations {
    public static let all: [Migration] = [
        Migration(
            version: 1,
            name: "definitions and event types",
            statements: [
                """
                CREATE TABLE {schema}.activity_definitions (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    enabled boolean NOT NULL,
                    spec jsonb NOT NULL,
                    source_root text NOT NULL,
                    source_path text NOT NULL,
                    content_hash text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    retired_at timestamptz
                )
                """,
                """
                CREATE TABLE {schema}.event_types (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    enabled boolean NOT NULL,
                    spec jsonb NOT NULL,
                    source_root text NOT NULL,
                    source_path text NOT NULL,
                    content_hash text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    retired_at timestamptz
                )
                """,
                """
                CREATE TABLE {schema}.store_generations (
                    kind text PRIMARY KEY,
                    generation bigint NOT NULL DEFAULT 0
                )
                """,
                "INSERT INTO {schema}.store_generations (kind) VALUES ('activity'), ('eventType')",
            ]
        ),
        Migration(
            version: 2,
            name: "applied schedule specs",
            statements: [
                """
                CREATE TABLE {schema}.applied_schedules (
                    schedule_id text PRIMARY KEY,
                    spec_hash text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 3,
            name: "runs",
            statements: [
                """
                CREATE TABLE {schema}.runs (
                    workflow_id text NOT NULL,
                    run_id text NOT NULL,
                    activity_id text NOT NULL,
                    trigger text NOT NULL,
                    status text NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    scheduled_time timestamptz,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    finished_at timestamptz,
                    error text,
                    PRIMARY KEY (workflow_id, run_id)
                )
                """,
                "CREATE INDEX runs_activity_started ON {schema}.runs (activity_id, started_at DESC)",
                "CREATE INDEX runs_started ON {schema}.runs (started_at DESC)",
            ]
        ),
        Migration(
            version: 4,
            name: "applied schedule paused state",
            statements: [
                // NULL: not known yet (a row written before this migration).
                "ALTER TABLE {schema}.applied_schedules ADD COLUMN paused boolean"
            ]
        ),
        Migration(
            version: 5,
            name: "applied schedule observed spec",
            statements: [
                // The scheduler's form of the spec after the last write (drift detection);
                // NULL: not known yet, learned from the next listing.
                "ALTER TABLE {schema}.applied_schedules ADD COLUMN observed_spec text"
            ]
        ),
        Migration(
            version: 6,
            name: "applied schedule drift",
            statements: [
                // Fields found drifted and left as they are (ACTIVITY_DRIFT=report); empty: none.
                "ALTER TABLE {schema}.applied_schedules ADD COLUMN drift text[] NOT NULL DEFAULT '{}'"
            ]
        ),
        Migration(
            version: 7,
            name: "running runs",
            statements: [
                // The run reconciler's candidates: few rows, whatever the size of the history.
                "CREATE INDEX runs_running ON {schema}.runs (started_at) WHERE status = 'running'"
            ]
        ),
        Migration(
            version: 8,
            name: "admin audit",
            statements: [
                // One row per admin request that changed something (GET /admin/audit).
                """
                CREATE TABLE {schema}.admin_audit (
                    id bigserial PRIMARY KEY,
                    at timestamptz NOT NULL,
                    token_name text NOT NULL,
                    client text NOT NULL,
                    method text NOT NULL,
                    path text NOT NULL,
                    parameters jsonb NOT NULL,
                    status integer NOT NULL,
                    outcome jsonb NOT NULL
                )
                """
            ]
        ),
        Migration(
            version: 9,
            name: "applied schedule superseded spec",
            statements: [
                // The scheduler's form of the spec before the last update, while the form after
                // it is not known: a listing that still shows it is not learned as the baseline.
                "ALTER TABLE {schema}.applied_schedules ADD COLUMN superseded_spec text"
            ]
        ),
    ]
}
