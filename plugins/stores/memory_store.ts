import type { RunEvent } from "../../core/events.ts";
import type { Checkpoint, EventQuery, HistoryStore, RunRecord } from "../../core/store.ts";
import { BatonError } from "../../core/errors.ts";
import { filterEvents, foldRecord } from "./_store_util.ts";

/**
 * Keeps history in memory: for tests and short scripts. Events are copied as JSON on the way
 * in, so nothing a caller holds can change what was stored.
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
/** One run's events: parsed ones, and batches still held as JSON text. */
interface Log {
  readonly events: RunEvent[];
  batches: string[];
  /** Events stored, parsed or not. */
  count: number;
}

export function memoryStore(): HistoryStore {
  const logs = new Map<string, Log>();
  // Checkpoints are kept as JSON text: a copy nothing outside can change.
  const checkpoints = new Map<string, string>();
  const parsed = (log: Log): RunEvent[] => {
    for (const batch of log.batches) log.events.push(...JSON.parse(batch) as RunEvent[]);
    log.batches = [];
    return log.events;
  };
  return {
    name: "memory",
    kind: "store",
    append(runId, events) {
      const log = logs.get(runId) ?? { events: [], batches: [], count: 0 };
      let last = log.count;
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
      // Stored as JSON text, parsed when read: a copy nothing outside can change, made once.
      log.batches.push(JSON.stringify(events));
      log.count = last;
      logs.set(runId, log);
      return Promise.resolve();
    },
    read(runId, query: EventQuery = {}) {
      const log = logs.get(runId);
      return Promise.resolve(filterEvents(log === undefined ? [] : parsed(log), query));
    },
    runs() {
      const out: RunRecord[] = [];
      for (const [runId, log] of logs) out.push(foldRecord(runId, parsed(log)));
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
  };
}
