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
 * Where history lives: the append-only event log of every run. `append` must reject an event
 * whose `seq` is not exactly one more than the run's last (no gaps, no duplicates), and must
 * store a batch all or nothing. Stores hold plain JSON only.
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
  append(runId: string, events: readonly RunEvent[]): Promise<void>;
  /** Reads one run's events, in order. */
  read(runId: string, query?: EventQuery): Promise<RunEvent[]>;
  /** Lists the runs the store holds. */
  runs(): Promise<RunRecord[]>;
  /** Replaces the run's checkpoint. */
  saveCheckpoint(runId: string, checkpoint: Checkpoint): Promise<void>;
  /** The run's latest checkpoint, if any. */
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
}
