import type { RunEvent } from "./events.ts";
import type { EventQuery, HistoryStore } from "./store.ts";

/** One step's span on the timeline. */
export interface TimelineEntry {
  readonly stepId: string;
  readonly attempt: number;
  readonly start: number;
  readonly end: number | undefined;
  readonly outcome: "completed" | "failed" | "retrying" | "running";
}

/** What one step cost. */
export interface StepMetrics {
  readonly attempts: number;
  readonly retries: number;
  /** Time spent running, over all attempts, in milliseconds. */
  readonly durationMs: number;
  readonly cached: boolean;
}

/** A scheduling decision and its reason, as recorded. */
export interface DecisionRecord {
  readonly seq: number;
  readonly ts: number;
  readonly stepId: string;
  readonly attempt: number;
  readonly reason: string;
}

/**
 * Queries over one run's recorded events: the raw log with filters, a timeline, metrics per
 * step and the scheduler's decision log. All of it is derived from the event log.
 */
export class RunHistory {
  readonly #store: HistoryStore;
  /** The run. */
  readonly runId: string;

  /**
   * @param store Where the events are.
   * @param runId The run.
   */
  constructor(store: HistoryStore, runId: string) {
    this.#store = store;
    this.runId = runId;
  }

  /**
   * The run's events, in order, filtered by type, step, time range and page.
   *
   * @param query Filters and pagination (`afterSeq`, `limit`).
   * @returns The matching events.
   */
  events(query: EventQuery = {}): Promise<RunEvent[]> {
    return this.#store.read(this.runId, query);
  }

  /**
   * Every attempt of every step with its start and end.
   *
   * @returns Timeline entries in start order.
   */
  async timeline(): Promise<TimelineEntry[]> {
    const events = await this.events({
      types: ["step.started", "step.completed", "step.failed", "step.retrying"],
    });
    const open = new Map<string, { stepId: string; attempt: number; start: number }>();
    const out: TimelineEntry[] = [];
    for (const e of events) {
      const id = e.stepId!;
      if (e.type === "step.started") {
        open.set(id, { stepId: id, attempt: Number(e.data.attempt), start: e.ts });
        continue;
      }
      const span = open.get(id);
      if (!span) continue;
      open.delete(id);
      const outcome = e.type === "step.completed"
        ? "completed"
        : e.type === "step.failed"
        ? "failed"
        : "retrying";
      out.push({ ...span, end: e.ts, outcome });
    }
    for (const span of open.values()) out.push({ ...span, end: undefined, outcome: "running" });
    return out.sort((a, b) => a.start - b.start);
  }

  /**
   * Attempts, retries and running time of every step that started.
   *
   * @returns Metrics by step id.
   */
  async metrics(): Promise<Record<string, StepMetrics>> {
    const out: Record<
      string,
      { attempts: number; retries: number; durationMs: number; cached: boolean }
    > = {};
    for (
      const e of await this.events({
        types: ["step.started", "step.completed", "step.failed", "step.retrying"],
      })
    ) {
      const m = (out[e.stepId!] ??= { attempts: 0, retries: 0, durationMs: 0, cached: false });
      if (e.type === "step.started") m.attempts++;
      if (e.type === "step.retrying") m.retries++;
      if (e.type !== "step.started") m.durationMs += Number(e.data.durationMs ?? 0);
      if (e.type === "step.completed" && e.data.cached === true) m.cached = true;
    }
    return out;
  }

  /**
   * Every scheduling decision with its reason.
   *
   * @returns Decisions in order.
   */
  async decisions(): Promise<DecisionRecord[]> {
    return (await this.events({ types: ["step.started"] })).map((e) => ({
      seq: e.seq,
      ts: e.ts,
      stepId: e.stepId!,
      attempt: Number(e.data.attempt),
      reason: String(e.data.reason),
    }));
  }
}
