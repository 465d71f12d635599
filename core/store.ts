import type { RunEvent, RunEventType } from "./events.ts";

/** A filter over one run's events. */
export interface EventQuery {
  /** Only events after this sequence number (for pagination and resuming streams). */
  readonly afterSeq?: number;
  /** At most this many events. */
  readonly limit?: number;
  /** Only these types. */
  readonly types?: readonly RunEventType[];
  /** Only this step's events. */
  readonly stepId?: string;
  /** Only events at or after this time (ms since the epoch). */
  readonly since?: number;
  /** Only events before this time (ms since the epoch). */
  readonly until?: number;
}

/** What a store knows of a run without reading its events. */
export interface RunRecord {
  /** The run's id. */
  readonly runId: string;
  /** `running` until the log holds the run's final event. */
  readonly status: "running" | "completed" | "failed" | "stopped" | "cancelled";
  /** The run's goal. */
  readonly goal: string;
  /** When the run started (ms since the epoch). */
  readonly startedAt: number;
  /** The sequence number of the run's last event. */
  readonly lastSeq: number;
}

/**
 * A snapshot of a run's folded state at an event sequence number: resume loads it and replays
 * only later events. A store keeps the latest checkpoint of a run, so checkpoints add a bounded
 * amount of storage per run, never a copy per step.
 */
export interface Checkpoint {
  /** The last event folded into `state`. */
  readonly seq: number;
  /** Plain JSON. */
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * A claim on a run: which orchestrator runs it, and until when the claim holds unless renewed.
 * Two orchestrators (in one process or several) sharing a store never run one run at once: each
 * claims a run before it runs or resumes it, renews the claim while it runs, and gives it up
 * when the run ends. A claim whose holder died lapses at `until`; then another may take it.
 */
export interface RunLease {
  /** The holder: one id per orchestrator. */
  readonly owner: string;
  /** When the claim lapses unless renewed (ms since the epoch, on the claimants' clock). */
  readonly until: number;
}

/**
 * Options of {@linkcode HistoryStore.append}.
 *
 * @example A run's first batch takes its lease, its last gives it up
 * ```ts
 * import { memoryStore, type RunEvent } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const store = memoryStore();
 * const event = (seq: number, type: RunEvent["type"]): RunEvent => ({
 *   seq, runId: "r1", type, ts: seq, planVersion: 1, data: {}, impact: "info",
 * });
 * await store.append("r1", [event(1, "run.started")], { owner: "me", claim: { until: 30_000, now: 0 } });
 * // Held: another orchestrator gets the holder's lease back.
 * assert.equal((await store.claim!("r1", { owner: "other", until: 60_000 }, 10)).owner, "me");
 * await store.append("r1", [event(2, "run.completed")], { owner: "me", release: true });
 * assert.equal((await store.claim!("r1", { owner: "other", until: 60_000 }, 20)).owner, "other");
 * ```
 */
export interface AppendOptions {
  /**
   * The writer's owner id. A store that keeps leases refuses the batch when another owner holds
   * the run's lease, so a writer that lost its claim cannot write over the new holder's log.
   */
  readonly owner?: string;
  /**
   * Takes the run's lease for `owner` in the same transaction, before the events are written,
   * as `claim(runId, { owner, until }, now)` would; the batch is refused when another owner
   * holds a lease that has not lapsed. A new run claims its lease with its first batch, so that
   * a short run writes its history in one transaction. Ignored without `owner`.
   */
  readonly claim?: { readonly until: number; readonly now: number };
  /**
   * Gives up `owner`'s lease in the same transaction, after the events: a run's last batch ends
   * its claim with it. Ignored without `owner`.
   */
  readonly release?: boolean;
}

/**
 * Where history lives: the append-only event log of every run. `append` must reject an event
 * whose `seq` is not exactly one more than the run's last (no gaps, no duplicates), and must
 * store a batch all or nothing. Stores hold plain JSON only.
 *
 * `claim` and `release` are optional: a store without them keeps no leases, and then nothing
 * stops two processes sharing it from running one run at once. A store with them also honours
 * the `claim` and `release` options of `append`.
 */
export interface HistoryStore {
  /** The store's name, as recorded in history. */
  readonly name: string;
  /** Marks the plugin as a history store. */
  readonly kind: "store";
  /**
   * Appends events of one run, in order, atomically. What is stored must not change with the
   * objects passed in afterwards (a store serializes them, or keeps them frozen).
   */
  append(runId: string, events: readonly RunEvent[], options?: AppendOptions): Promise<void>;
  /** Reads one run's events, in order. */
  read(runId: string, query?: EventQuery): Promise<RunEvent[]>;
  /** Lists the runs the store holds. */
  runs(): Promise<RunRecord[]>;
  /** Replaces the run's checkpoint. */
  saveCheckpoint(runId: string, checkpoint: Checkpoint): Promise<void>;
  /** The run's latest checkpoint, if any. */
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
  /**
   * Takes or renews a run's lease, atomically: it is given to `lease.owner` when nobody holds
   * it, when `lease.owner` holds it, or when the holder's lease lapsed before `now`.
   * @returns The lease in force afterwards: `lease` when it was given, else the holder's.
   */
  claim?(runId: string, lease: RunLease, now: number): Promise<RunLease>;
  /** Gives up a run's lease, if `owner` holds it. */
  release?(runId: string, owner: string): Promise<void>;
}
