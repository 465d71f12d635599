// A run's side of the history: numbering events, writing them in groups, checkpoints.
import { deepFreeze } from "./_frozen_json.ts";
import type { Clock } from "./clock.ts";
import type { EventImpact, RunEvent, RunEventType } from "./events.ts";
import type { RunState } from "./run_state.ts";
import type { AppendOptions, HistoryStore } from "./store.ts";

/** How long events wait before they are written together. */
const GROUP_COMMIT_MS = 4;
/** How many events may wait before the run waits for the store. */
const GROUP_MAX_EVENTS = 2000;

/** What the log needs from its run. */
export interface EventLogOptions {
  readonly runId: string;
  readonly planVersion: number;
  readonly clock: Clock;
  readonly store: HistoryStore;
  /** The last sequence number already stored (0 for a new run). */
  readonly afterSeq: number;
  /** Save a checkpoint at least every this many events. */
  readonly checkpointEvery: number;
  /** The run's folded state as of every event emitted so far. */
  readonly snapshot: () => RunState;
  /** How large that state is (completed steps), which stretches the checkpoint interval. */
  readonly stateSize: () => number;
  /** Called with every event as it is emitted (never awaited; errors ignored). */
  readonly onEvent: (event: RunEvent) => void;
  /** Called after each batch is stored. */
  readonly onStored?: () => void;
  /**
   * The writer's lease, for stores that keep leases: its owner (a store refuses writes from one
   * that lost its lease) and term. With `claim`, the first batch takes the lease; the last batch
   * (`drain(true)`) gives it up.
   */
  readonly lease?: { readonly owner: string; readonly ms: number; readonly claim: boolean };
  /** Called once when the store fails; nothing is written after that. */
  readonly onStoreError: (error: unknown) => void;
}

/**
 * Numbers a run's events and writes them with group commit: a few milliseconds after they
 * happen, many per transaction, each batch whole. When due, a checkpoint of the state as of a
 * batch's last event is saved right after the batch. The checkpoint interval grows with the
 * state, so snapshots cost O(1) per event overall and replay on resume stays short.
 */
export class EventLog {
  readonly #o: EventLogOptions;
  #seq: number;
  #pending: RunEvent[] = [];
  #writing: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastCheckpoint: number;
  #checkpointWanted = false;
  /** Set by the last drain: nothing is checkpointed after the run's last event. */
  #closed = false;
  #error: unknown;
  /** The first batch is still to claim the run's lease. */
  #claim: boolean;
  #released = false;
  /** The plan version events are recorded against; a replan raises it. */
  planVersion: number;

  constructor(options: EventLogOptions) {
    this.#o = options;
    this.#claim = options.lease?.claim === true;
    this.planVersion = options.planVersion;
    this.#seq = options.afterSeq;
    this.#lastCheckpoint = options.afterSeq;
  }

  /** Whether the last batch gave up the run's lease. */
  get released(): boolean {
    return this.#released;
  }

  /** The sequence number of the last event emitted. */
  get seq(): number {
    return this.#seq;
  }

  /** Records an event (written later, in order). The event and its data are frozen. */
  emit(
    type: RunEventType,
    data: Record<string, unknown>,
    stepId?: string,
    impact: EventImpact = "info",
  ): void {
    const seq = ++this.#seq;
    const { runId } = this.#o;
    const ts = this.#o.clock.now();
    const planVersion = this.planVersion;
    deepFreeze(data);
    // Two literal shapes rather than a spread: this runs for every event.
    const event: RunEvent = Object.freeze(
      stepId === undefined
        ? { seq, runId, type, ts, planVersion, data, impact }
        : { seq, runId, type, ts, stepId, planVersion, data, impact },
    );
    this.#pending.push(event);
    try {
      this.#o.onEvent(event);
    } catch {
      // Observers never break the run.
    }
  }

  /** Asks for a checkpoint with the next batch (a step marked `checkpoint: true` completed). */
  requestCheckpoint(): void {
    this.#checkpointWanted = true;
  }

  /**
   * Arranges for pending events to be written soon. Returns a promise to wait on only when so
   * many events wait that the run should let the store catch up.
   */
  schedule(): Promise<void> | undefined {
    if (this.#pending.length >= GROUP_MAX_EVENTS) return this.#flush();
    if (this.#timer === undefined && this.#pending.length > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush().catch(() => {});
      }, GROUP_COMMIT_MS);
    }
    return undefined;
  }

  /** True when the next write saves a checkpoint. */
  get checkpointDue(): boolean {
    const interval = Math.max(this.#o.checkpointEvery, 2 * this.#o.stateSize());
    return !this.#closed &&
      (this.#checkpointWanted || this.#seq - this.#lastCheckpoint >= interval);
  }

  /**
   * Writes everything pending, including the checkpoint events that writing itself records.
   * `final` (after the run's last event) saves no more checkpoints.
   * @throws The store's error, when it failed.
   */
  async drain(final = false): Promise<void> {
    clearTimeout(this.#timer);
    if (final) this.#closed = true;
    while (this.#pending.length > 0 && this.#error === undefined) await this.#flush();
    await this.#writing;
    if (this.#error !== undefined) throw this.#error;
  }

  #flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#writing;
    const batch = this.#pending;
    this.#pending = [];
    const { store, runId } = this.#o;
    const last = this.#closed;
    const due = this.checkpointDue;
    // Taken now: the state is exactly the fold of the events in this and earlier batches.
    const snapshot = due ? this.#o.snapshot() : undefined;
    if (snapshot) {
      this.#lastCheckpoint = snapshot.seq;
      this.#checkpointWanted = false;
    }
    this.#writing = this.#writing.then(async () => {
      if (this.#error !== undefined) return;
      const options = this.#appendOptions(last);
      try {
        await store.append(runId, batch, options);
        if (options.claim) this.#claim = false;
        if (options.release) this.#released = true;
      } catch (error) {
        this.#error = error;
        this.#o.onStoreError(error);
        return;
      }
      this.#o.onStored?.();
      if (snapshot) {
        await store.saveCheckpoint(runId, {
          seq: snapshot.seq,
          state: snapshot as unknown as Record<string, unknown>,
        });
        this.emit("checkpoint.saved", {
          seq: snapshot.seq,
          completed: Object.keys(snapshot.outputs).length,
        });
      }
    });
    return this.#writing;
  }

  /** How a batch is written: by the lease's owner, claiming it first or giving it up last. */
  #appendOptions(last: boolean): AppendOptions {
    const lease = this.#o.lease;
    if (lease === undefined) return {};
    const { owner, ms } = lease;
    if (this.#claim) {
      const now = this.#o.clock.now();
      return { owner, claim: { until: now + ms, now }, ...(last ? { release: true } : {}) };
    }
    return last ? { owner, release: true } : { owner };
  }
}
