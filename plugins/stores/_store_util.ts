// Filtering and folding shared by the stores.
import type { RunEvent } from "../../core/events.ts";
import { BatonError } from "../../core/errors.ts";
import type { AppendOptions, EventQuery, RunLease, RunRecord } from "../../core/store.ts";

/** Applies a query to a run's events (in order). */
export function filterEvents(log: readonly RunEvent[], query: EventQuery): RunEvent[] {
  const types = query.types ? new Set(query.types) : undefined;
  const out: RunEvent[] = [];
  const limit = query.limit ?? Infinity;
  for (let i = query.afterSeq ?? 0; i < log.length && out.length < limit; i++) {
    const e = log[i]!;
    if (types && !types.has(e.type)) continue;
    if (query.stepId !== undefined && e.stepId !== query.stepId) continue;
    if (query.since !== undefined && e.ts < query.since) continue;
    if (query.until !== undefined && e.ts >= query.until) continue;
    out.push(e);
  }
  return out;
}

const FINAL: Record<string, RunRecord["status"]> = {
  "run.completed": "completed",
  "run.failed": "failed",
  "run.stopped": "stopped",
  "run.cancelled": "cancelled",
};

/** What a run's log says about the run as a whole. */
export function foldRecord(runId: string, log: readonly RunEvent[]): RunRecord {
  const first = log[0];
  const last = log[log.length - 1];
  return {
    runId,
    status: (last && FINAL[last.type]) ?? "running",
    goal: String(first?.data.goal ?? ""),
    startedAt: first?.ts ?? 0,
    lastSeq: last?.seq ?? 0,
  };
}

/** Whether `lease` may replace `current`: nobody holds the run, its holder renews, or it lapsed. */
export function mayClaim(current: RunLease | undefined, lease: RunLease, now: number): boolean {
  return current === undefined || current.owner === lease.owner || current.until <= now;
}

/** Refuses a write by `owner` when another owner holds the run's lease. */
export function checkWriter(runId: string, holder: string | undefined, owner?: string): void {
  if (owner !== undefined && holder !== undefined && holder !== owner) {
    throw new BatonError(
      `Run "${runId}" is held by another orchestrator: its events are not written here`,
    );
  }
}

/**
 * The lease a batch is written under, from the lease in force before it: the batch's own claim
 * when it makes one (refused when another owner holds the run), else `current`; a writer other
 * than its holder is refused (`checkWriter`). `undefined` means the lease does not change.
 */
export function batchLease(
  runId: string,
  current: RunLease | undefined,
  options: AppendOptions,
): RunLease | undefined {
  const { owner, claim } = options;
  if (owner === undefined || claim === undefined) {
    checkWriter(runId, current?.owner, owner);
    return undefined;
  }
  const lease = { owner, until: claim.until };
  if (!mayClaim(current, lease, claim.now)) {
    throw new BatonError(`Run "${runId}" is held by another orchestrator: it cannot be claimed`);
  }
  return lease;
}
