import type { RunEvent } from "../../core/events.ts";
import type {
  Checkpoint,
  EventQuery,
  HistoryStore,
  RunLease,
  RunRecord,
} from "../../core/store.ts";
import { BatonError } from "../../core/errors.ts";
import { deepFreeze } from "../../core/_frozen_json.ts";
import { batchLease, filterEvents, foldRecord, mayClaim } from "./_store_util.ts";

/**
 * Keeps history in memory: for tests and short scripts. Events are kept as they are and frozen
 * (the kernel's already are), so nothing a caller holds can change what was stored.
 *
 * @returns The store plugin.
 *
 * @example A run's events stay queryable
 * ```ts
 * import { createOrchestrator, defineTool, memoryStore } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const store = memoryStore();
 * const noop = defineTool({ name: "noop", description: "Does nothing", input: { type: "object" }, run: () => null });
 * const baton = createOrchestrator({ tools: [noop], store });
 * const run = baton.run({ goal: "Nothing", steps: [{ id: "a", tool: "noop" }] });
 * await run.result;
 * assert.equal((await store.read(run.id, { types: ["step.completed"] })).length, 1);
 * ```
 */

export function memoryStore(): HistoryStore {
  const logs = new Map<string, RunEvent[]>();
  // Checkpoints are kept as JSON text: a copy nothing outside can change.
  const checkpoints = new Map<string, string>();
  const leases = new Map<string, RunLease>();
  /** Gives up `owner`'s lease on the run; another owner's stays. */
  const release = (runId: string, owner: string) => {
    if (leases.get(runId)?.owner === owner) leases.delete(runId);
  };
  return {
    name: "memory",
    kind: "store",
    append(runId, events, options = {}) {
      let lease: RunLease | undefined;
      try {
        lease = batchLease(runId, leases.get(runId), options);
      } catch (error) {
        return Promise.reject(error);
      }
      const log = logs.get(runId) ?? [];
      let last = log.length;
      for (const event of events) {
        if (event.runId !== runId || event.seq !== last + 1) {
          return Promise.reject(
            new BatonError(
              `Run "${runId}": event seq ${event.seq} does not follow ${last} (no gaps or duplicates allowed)`,
            ),
          );
        }
        last++;
      }
      for (const event of events) log.push(deepFreeze(event));
      logs.set(runId, log);
      if (lease !== undefined) leases.set(runId, Object.freeze(lease));
      if (options.release && options.owner !== undefined) release(runId, options.owner);
      return Promise.resolve();
    },
    read(runId, query: EventQuery = {}) {
      const log = logs.get(runId);
      return Promise.resolve(filterEvents(log ?? [], query));
    },
    runs() {
      const out: RunRecord[] = [];
      for (const [runId, log] of logs) out.push(foldRecord(runId, log));
      return Promise.resolve(out);
    },
    saveCheckpoint(runId, checkpoint) {
      checkpoints.set(runId, JSON.stringify(checkpoint));
      return Promise.resolve();
    },
    loadCheckpoint(runId) {
      const found = checkpoints.get(runId);
      return Promise.resolve(found === undefined ? undefined : JSON.parse(found) as Checkpoint);
    },
    claim(runId, lease, now) {
      const current = leases.get(runId);
      if (!mayClaim(current, lease, now)) return Promise.resolve(current!);
      const given = Object.freeze({ owner: lease.owner, until: lease.until });
      leases.set(runId, given);
      return Promise.resolve(given);
    },
    release(runId, owner) {
      release(runId, owner);
      return Promise.resolve();
    },
  };
}
