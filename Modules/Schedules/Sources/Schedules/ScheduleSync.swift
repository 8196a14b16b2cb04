import Coordination
import Definitions
import Logging

/// Makes the scheduler match the cron definitions: lists the owned schedules, plans one
/// action per schedule (`SchedulePlan`) and carries the writes out with bounded parallelism.
/// A repeat sync with nothing changed makes no write call.
public struct ScheduleSync<Service: ScheduleService, Applied: AppliedScheduleStore>: Sendable {
    public let service: Service
    public let applied: Applied
    public let projection: ScheduleProjection
    public let orphanPolicy: OrphanPolicy
    /// Writes in flight at once.
    public let parallelism: Int
    /// What to do with a schedule changed behind activity-core's back (`ACTIVITY_DRIFT`).
    public let driftPolicy: DriftPolicy

    public init(
        service: Service,
        applied: Applied,
        projection: ScheduleProjection,
        orphanPolicy: OrphanPolicy = .delete,
        parallelism: Int = 16,
        driftPolicy: DriftPolicy = .correct
    ) {
        self.service = service
        self.applied = applied
        self.projection = projection
        self.orphanPolicy = orphanPolicy
        self.parallelism = max(1, parallelism)
        self.driftPolicy = driftPolicy
    }

    /// Plans against the live (non-retired) definitions and, unless `dryRun`, applies.
    /// A listing failure is thrown; a schedule that fails (to describe or to write) is an
    /// entry in `errors`, and every other schedule is still planned and applied. `refresh`
    /// describes every owned schedule first and compares all activity-core owns (action and
    /// policies too, which a list entry does not carry).
    /// `listing`: what `read()` returned when it was started early (while the definitions were
    /// still being read); nil reads it now.
    public func sync(
        definitions: [ActivityDefinition], dryRun: Bool = false, guard orphanGuard: OrphanGuard = OrphanGuard(),
        refresh: Bool = false, listing: ScheduleListing? = nil, logger: Logger
    ) async throws -> ScheduleSyncReport {
        let desired = self.projection.project(definitions)
        // Independent of the listing: the hashes of the projections (CPU only, once per
        // schedule and sync) come alongside.
        async let projectedHashes = desired.mapValues(\.specHash)
        let read = if let listing { listing } else { await self.read() }
        let applied = try read.applied.get()
        let listed = try read.listed.get()
        let hashes = applied.mapValues(\.specHash)
        let wanted = await projectedHashes
        var current = await self.current(listed, applied: applied, desired: desired, wanted: wanted)
        if refresh { await self.refresh(&current, applied: applied, desired: desired, wanted: wanted) }
        var report = ScheduleSyncReport(dryRun: dryRun)
        for (id, message) in current.failed.sorted(by: { $0.key < $1.key }) {
            report.errors.append(ScheduleSyncReport.Failure(scheduleID: id, message: message))
            logger.warning("schedule state unknown", metadata: ["schedule.id": "\(id)", "error": "\(message)"])
        }
        if !dryRun {
            // Deleted behind our back: forget them, so that no later sync looks again.
            for id in current.gone {
                await self.record(id, into: &report, logger: logger) {
                    try await self.applied.removeApplied(scheduleID: id)
                }
            }
            // Paused or unpaused by someone else: remember it, so that no later sync looks again.
            for (id, paused) in current.observedPaused.sorted(by: { $0.key < $1.key }) {
                await self.record(id, into: &report, logger: logger) {
                    try await self.applied.recordPaused(scheduleID: id, paused: paused)
                }
            }
            // The scheduler's form of a spec written before it was known (a create, a row of an
            // older version): the baseline later listings are compared with. One write for all.
            if !current.learnedSpecs.isEmpty {
                do {
                    try await self.applied.recordObservedSpecs(current.learnedSpecs)
                } catch {
                    for id in current.learnedSpecs.keys.sorted() {
                        report.errors.append(ScheduleSyncReport.Failure(scheduleID: id, message: "\(error)"))
                    }
                    logger.warning(
                        "applied-schedule record failed",
                        metadata: ["schedules": "\(current.learnedSpecs.count)", "error": "\(error)"])
                }
            }
        }
        report.drift = current.drift
        report.drifted = current.drift.count
        for (id, fields) in current.drift.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "schedule changed in Temporal behind activity-core's back",
                metadata: [
                    "schedule.id": "\(id)", "drift.fields": "\(fields)", "drift.policy": "\(self.driftPolicy.rawValue)",
                ])
        }
        let plan = SchedulePlan(
            desired: desired,
            actual: current.actual,
            appliedHashes: hashes,
            desiredHashes: wanted,
            prefix: self.projection.prefix,
            orphanPolicy: self.orphanPolicy,
            guard: orphanGuard,
            unknown: Set(current.failed.keys),
            drift: current.drift,
            driftPolicy: self.driftPolicy
        )
        report.warnings = plan.warnings
        report.emptyRefusal = plan.emptyRefusal
        if dryRun {
            for action in plan.actions { report.count(action) }
            return report
        }
        for action in plan.actions where !action.isWrite { report.count(action) }
        let outcomes = await self.execute(plan.writes, hashes: hashes, logger: logger)
        for outcome in outcomes.sorted(by: { $0.scheduleID < $1.scheduleID }) {
            switch outcome.result {
            case .success(let done):
                report.count(done.action)
                if let warning = done.warning { report.warnings.append(warning) }
            case .failure(let error):
                report.errors.append(ScheduleSyncReport.Failure(scheduleID: outcome.scheduleID, message: "\(error)"))
                logger.warning(
                    "schedule write failed", metadata: ["schedule.id": "\(outcome.scheduleID)", "error": "\(error)"])
            }
        }
        // What GET /admin/definitions shows: drift left as it is, until a write or a sync that
        // no longer sees it.
        let corrected = Set(report.changes.filter { $0.action == "correct" }.map(\.scheduleID))
        for id in Set(current.drift.keys).union(applied.filter { !$0.value.drift.isEmpty }.keys).sorted() {
            let fields = corrected.contains(id) ? [] : current.drift[id] ?? []
            guard fields != applied[id]?.drift ?? [], current.failed[id] == nil else { continue }
            await self.record(id, into: &report, logger: logger) {
                try await self.applied.recordDrift(scheduleID: id, fields: fields)
            }
        }
        report.unchangedIDs.sort()
        return report
    }

    /// Lists the owned schedules and reads the applied rows, both at once: what a sync plans
    /// from besides the definitions. The list is the slow part (a page per thousand
    /// schedules), so a caller that reads the definitions first starts this before.
    public func read() async -> ScheduleListing {
        async let listed = Result.catching {
            try await self.service.listSchedules(prefix: self.projection.prefix)
        }
        async let applied = Result.catching { try await self.applied.applied() }
        return ScheduleListing(listed: await listed, applied: await applied)
    }

    /// Runs one bookkeeping write; a failure is that schedule's error, not the run's.
    private func record(
        _ id: String, into report: inout ScheduleSyncReport, logger: Logger, _ write: () async throws -> Void
    ) async {
        do {
            try await write()
        } catch {
            report.errors.append(ScheduleSyncReport.Failure(scheduleID: id, message: "\(error)"))
            logger.warning("applied-schedule record failed", metadata: ["schedule.id": "\(id)", "error": "\(error)"])
        }
    }

    /// What the scheduler holds, as far as a sync needs to know.
    struct Current: Sendable {
        var actual: [ScheduleSummary] = []
        /// Applied here once, gone now.
        var gone: [String] = []
        /// Described paused states that differ from the stored ones.
        var observedPaused: [String: Bool] = [:]
        /// Schedules whose describe failed, with why: their state is unknown this run.
        var failed: [String: String] = [:]
        /// Schedules changed behind activity-core's back, with the fields that differ.
        var drift: [String: [String]] = [:]
        /// Observed spec forms to remember as the baseline (none was recorded).
        var learnedSpecs: [String: String] = [:]
    }

    /// The list is eventually consistent, so two kinds of schedule are described before the
    /// plan trusts them. A listed one whose paused state is not the one last applied here
    /// (paused a moment ago, and the list still shows it running; or paused by hand); and one
    /// applied here, missing from the list and no longer wanted (a rename right after a
    /// create), so that it is still deleted or paused as an orphan. A repeat sync with
    /// nothing changed describes nothing. A describe that fails leaves that schedule
    /// unknown (no action this run), never the others.
    func current(
        _ listed: [ScheduleSummary], applied: [String: AppliedSchedule], desired: [String: DesiredSchedule],
        wanted: [String: String]
    ) async -> Current {
        var current = Current()
        var toDescribe: [(id: String, listed: ScheduleSummary?)] = []
        for summary in listed {
            guard let known = applied[summary.scheduleID]?.paused, known != summary.paused else {
                current.actual.append(summary)
                continue
            }
            toDescribe.append((summary.scheduleID, summary))
        }
        let listedIDs = Set(listed.map(\.scheduleID))
        let unlisted = applied.keys.filter {
            $0.hasPrefix(self.projection.prefix) && !listedIDs.contains($0) && desired[$0] == nil
        }
        toDescribe += unlisted.sorted().map { ($0, nil) }
        let listedIDsDescribed = Set(toDescribe.filter { $0.listed != nil }.map(\.id))
        for result in await self.describeAll(toDescribe.map(\.id)) {
            let id = result.id
            if let failure = result.failure {
                current.failed[id] = failure
                continue
            }
            guard let described = result.summary else {
                current.gone.append(id)
                continue
            }
            current.actual.append(described)
            // Only a listed schedule's pause state is remembered (an unlisted one is an orphan).
            if listedIDsDescribed.contains(id), let known = applied[id]?.paused, described.paused != known {
                current.observedPaused[id] = described.paused
            }
        }
        await self.findDrift(in: &current, described: Set(toDescribe.map(\.id)), applied: applied, wanted: wanted)
        return current
    }

    /// Spec drift from the listing alone: a wanted schedule whose projection is unchanged and
    /// whose listed spec form differs from the one recorded at the last write. The list is
    /// eventually consistent (it can still show the spec before activity-core's own update),
    /// so such a schedule is described before it counts as drifted: the no-op path makes no
    /// call. A schedule without a recorded form gets the listed one as its baseline, unless
    /// the listing shows the form from before the last update (the list not caught up yet, or
    /// an update that left the spec as it was): then a describe tells.
    func findDrift(
        in current: inout Current, described: Set<String>, applied: [String: AppliedSchedule],
        wanted: [String: String]
    ) async {
        var toLearn: [String] = []
        var toConfirm: [String: String] = [:]
        for summary in current.actual {
            let id = summary.scheduleID
            guard let row = applied[id], let hash = wanted[id], row.specHash == hash,
                let observed = summary.observedSpec
            else { continue }
            guard let recorded = row.observedSpec else {
                if observed == row.supersededSpec, !described.contains(id) {
                    toLearn.append(id)
                } else {
                    current.learnedSpecs[id] = observed
                }
                continue
            }
            guard observed != recorded else { continue }
            if described.contains(id) {
                current.drift[id] = ["spec"]
            } else {
                toConfirm[id] = recorded
            }
        }
        guard !toLearn.isEmpty || !toConfirm.isEmpty else { return }
        let positions = Self.positions(of: current.actual)
        // A describe that fails leaves the schedule as the list shows it: unconfirmed drift is
        // no drift this run, an unlearned form is learned by a later sync.
        for result in await self.describeAll(toLearn + toConfirm.keys.sorted()) {
            guard let fresh = result.summary else { continue }
            if let position = positions[result.id] { current.actual[position] = fresh }
            guard let form = fresh.observedSpec else { continue }
            if let recorded = toConfirm[result.id] {
                if form != recorded { current.drift[result.id] = ["spec"] }
            } else {
                current.learnedSpecs[result.id] = form
            }
        }
    }

    /// Each schedule's position in `actual`.
    static func positions(of actual: [ScheduleSummary]) -> [String: Int] {
        Dictionary(
            actual.enumerated().map { ($0.element.scheduleID, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// Describes the schedules, `parallelism` at a time; once Temporal is unavailable, the
    /// rest are not described (each would wait out its deadline).
    func describeAll(_ ids: [String]) async -> [Described] {
        await LimitedConcurrency.map(
            ids, limit: self.parallelism,
            giveUp: { result in
                guard let unavailable = result.unavailable else { return nil }
                return { Described(id: $0, failure: "not described: Temporal is unavailable (\(unavailable))") }
            },
            { id in
                do {
                    return Described(id: id, summary: try await self.service.describeSchedule(id: id))
                } catch {
                    let unavailable = (error as? ScheduleServiceError).flatMap {
                        $0.code == .unavailable ? $0.message : nil
                    }
                    return Described(
                        id: id, failure: "cannot describe the schedule: \(error)", unavailable: unavailable)
                }
            }
        )
    }

    /// `refresh`: describes (`parallelism` at a time) every wanted schedule whose projection is
    /// unchanged and that this run has not described yet, and compares spec, action and
    /// policies with what was last written.
    func refresh(
        _ current: inout Current, applied: [String: AppliedSchedule], desired: [String: DesiredSchedule],
        wanted: [String: String]
    ) async {
        let candidates = current.actual.filter { summary in
            guard let hash = wanted[summary.scheduleID], let row = applied[summary.scheduleID] else { return false }
            return row.specHash == hash
        }
        // Already described this run (a pause that disagreed): compared as they are.
        var described = candidates.filter { $0.owned != nil }.map {
            Described(id: $0.scheduleID, summary: $0)
        }
        described += await self.describeAll(candidates.filter { $0.owned == nil }.map(\.scheduleID))
        let positions = Self.positions(of: current.actual)
        for result in described {
            let id = result.id
            if let failure = result.failure {
                current.failed[id] = failure
                continue
            }
            let fresh = result.summary
            guard let fresh, let wanted = desired[id], let row = applied[id] else { continue }
            if let position = positions[id] { current.actual[position] = fresh }
            var fields = Set(current.drift[id] ?? [])
            if let observed = fresh.observedSpec {
                if let recorded = row.observedSpec {
                    if observed != recorded { fields.insert("spec") }
                } else {
                    current.learnedSpecs[id] = observed
                }
            }
            fields.formUnion(fresh.owned?.differences(from: wanted) ?? [])
            if !fields.isEmpty {
                current.drift[id] = ScheduleOwnedFields.fieldOrder.filter(fields.contains)
            }
        }
    }

    /// One schedule a refresh described, or why it could not.
    struct Described: Sendable {
        var id: String
        var summary: ScheduleSummary?
        var failure: String?
        /// Set when the describe failed because Temporal is unavailable: the message.
        var unavailable: String?
    }

    struct Done: Sendable {
        var action: ScheduleAction
        var warning: ScheduleWarning?
    }

    struct Outcome: Sendable {
        var scheduleID: String
        var result: Result<Done, ScheduleServiceError>
    }

    /// Runs the writes, `parallelism` at a time. Once Temporal answers unavailable (after
    /// the client's own retries), the writes not yet started are not attempted: each is an
    /// error of its schedule, and the sync ends instead of waiting out every deadline.
    private func execute(_ actions: [ScheduleAction], hashes: [String: String], logger: Logger) async -> [Outcome] {
        let perform: @Sendable (ScheduleAction) async -> Outcome = { await self.perform($0, hashes: hashes) }
        return await LimitedConcurrency.map(
            actions, limit: self.parallelism,
            giveUp: { outcome in
                guard case .failure(let error) = outcome.result, error.code == .unavailable else { return nil }
                return { action in
                    let skipped = ScheduleServiceError(
                        .unavailable, "not attempted: Temporal is unavailable (\(error.message))")
                    return Outcome(scheduleID: action.scheduleID, result: .failure(skipped))
                }
            },
            perform
        )
    }

    private func perform(_ action: ScheduleAction, hashes: [String: String]) async -> Outcome {
        do {
            let done = try await self.apply(action, hashes: hashes)
            return Outcome(scheduleID: action.scheduleID, result: .success(done))
        } catch let error as ScheduleServiceError {
            return Outcome(scheduleID: action.scheduleID, result: .failure(error))
        } catch {
            return Outcome(
                scheduleID: action.scheduleID, result: .failure(ScheduleServiceError(.failed, "\(error)", cause: error))
            )
        }
    }

    private func apply(_ action: ScheduleAction, hashes: [String: String]) async throws -> Done {
        switch action {
        case .create(let schedule, let notes):
            let observed: String?
            do {
                observed = try await self.service.createSchedule(schedule, notes: notes)
            } catch let error as ScheduleServiceError where error.code == .alreadyExists {
                return try await self.converge(schedule, hashes: hashes)
            }
            // Without a form from the service, the next listing's is learned (a schedule that
            // did not exist before cannot list an older spec).
            try await self.applied.recordApplied(
                scheduleID: schedule.scheduleID, specHash: schedule.specHash, paused: schedule.paused,
                observedSpec: observed)
        case .update(let schedule, let paused, let notes), .correct(let schedule, let paused, let notes, _):
            let spec = try await self.service.updateSchedule(schedule, paused: paused, notes: notes)
            try await self.applied.recordApplied(
                scheduleID: schedule.scheduleID, specHash: schedule.specHash, paused: paused,
                observedSpec: spec.observed, supersededSpec: spec.superseded)
        case .pause(let id, let notes):
            try await self.service.pauseSchedule(id: id, notes: notes)
            try await self.applied.recordPaused(scheduleID: id, paused: true)
        case .unpause(let id, let notes):
            try await self.service.unpauseSchedule(id: id, notes: notes)
            try await self.applied.recordPaused(scheduleID: id, paused: false)
        case .delete(let id):
            let deleted = try await self.service.deleteSchedule(id: id)
            try await self.applied.removeApplied(scheduleID: id)
            // Already gone: the list still showed a schedule deleted a moment ago.
            if !deleted { return Done(action: .unchanged(scheduleID: id)) }
        case .unchanged:
            break
        }
        return Done(action: action)
    }

    /// A create met "already exists" (the list is eventually consistent, or another replica
    /// was faster): describe it and plan again for that one schedule.
    private func converge(_ schedule: DesiredSchedule, hashes: [String: String]) async throws -> Done {
        guard let current = try await self.service.describeSchedule(id: schedule.scheduleID) else {
            let observed = try await self.service.createSchedule(
                schedule, notes: schedule.paused ? ScheduleNotes.definitionDisabled : "")
            try await self.applied.recordApplied(
                scheduleID: schedule.scheduleID, specHash: schedule.specHash, paused: schedule.paused,
                observedSpec: observed)
            return Done(action: .create(schedule, notes: ""))
        }
        let plan = SchedulePlan(
            desired: [schedule.scheduleID: schedule],
            actual: [current],
            appliedHashes: hashes,
            prefix: self.projection.prefix,
            orphanPolicy: self.orphanPolicy,
            guard: .none
        )
        guard let action = plan.actions.first else { return Done(action: .unchanged(scheduleID: schedule.scheduleID)) }
        if case .create = action {
            preconditionFailure("a described schedule cannot plan as a create")
        }
        var done = try await self.apply(action, hashes: hashes)
        done.warning = plan.warnings.first
        return done
    }
}
