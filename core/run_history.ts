import type { RunEvent } from "./events.ts";
import type { Plan } from "./plan.ts";
import { diffPlans, type PlanDiff, type PlanVersion } from "./plan_diff.ts";
import { applyPlanDelta, type PlanDelta } from "./_plan_delta.ts";
import type { ReplanTrigger } from "./planner.ts";
import type { EventQuery, HistoryStore } from "./store.ts";

/** One step's span on the timeline. */
export interface TimelineEntry {
  /** The step's id. */
  readonly stepId: string;
  /** Which attempt of the step this span is, from 1. */
  readonly attempt: number;
  /** When the attempt started (ms since the epoch). */
  readonly start: number;
  /** When it ended, or `undefined` while it runs. */
  readonly end: number | undefined;
  /** How the attempt ended, or `running`. */
  readonly outcome: "completed" | "failed" | "retrying" | "running";
}

/** What one step cost. */
export interface StepMetrics {
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Time spent running, over all attempts, in milliseconds. */
  readonly durationMs: number;
  /** Whether the result came from the cache of an identical call. */
  readonly cached: boolean;
}

/** A replan as recorded: its trigger, and the version it made or why it failed. */
export interface ReplanRecord {
  /** The sequence number of the replan's event. */
  readonly seq: number;
  /** When it was recorded (ms since the epoch). */
  readonly ts: number;
  /** What set it off. */
  readonly trigger: ReplanTrigger;
  /** Whether it made a new version or failed. */
  readonly outcome: "replanned" | "failed";
  /** The version made. */
  readonly version?: number;
  /** The strategy that answered. */
  readonly strategy?: string;
  /** Why the strategy proposed what it did, or why the replan failed. */
  readonly reason: string;
  /** What changed from the previous version. */
  readonly diff?: PlanDiff;
}

/** A scheduling decision and its reason, as recorded. */
export interface DecisionRecord {
  /** The sequence number of the step's start event. */
  readonly seq: number;
  /** When it was recorded (ms since the epoch). */
  readonly ts: number;
  /** The step started. */
  readonly stepId: string;
  /** Which attempt it was, from 1. */
  readonly attempt: number;
  /** The scheduler's reason for starting it. */
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
   * Makes a view of one run's history in a store.
   *
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

  /**
   * Every plan version of the run, oldest first, rebuilt from the recorded first plan and the
   * delta of each replan (plain JSON).
   *
   * @returns The versions; the first is the plan the run started with.
   */
  async versions(): Promise<PlanVersion[]> {
    const events = await this.events({ types: ["plan.created", "plan.replanned"] });
    const versions: PlanVersion[] = [];
    for (const e of events) {
      if (e.type === "plan.created") {
        versions.push(e.data.plan as Plan);
        continue;
      }
      const diff = e.data.diff as PlanDiff;
      const from = versions.find((v) => v.version === diff.from);
      if (from === undefined) continue;
      const parent = { id: from.id, version: from.version };
      versions.push(applyPlanDelta(from, diff, e.data.delta as PlanDelta, parent));
    }
    return versions;
  }

  /**
   * The structural difference between two recorded plan versions.
   *
   * @param from The older version's number.
   * @param to The newer version's number.
   * @returns Steps added, removed and changed.
   * @throws {RangeError} When the run has no such version.
   */
  async diff(from: number, to: number): Promise<PlanDiff> {
    const versions = await this.versions();
    const find = (n: number) => {
      const plan = versions.find((v) => v.version === n);
      if (plan === undefined) throw new RangeError(`Run "${this.runId}" has no plan version ${n}`);
      return plan;
    };
    return diffPlans(find(from), find(to));
  }

  /**
   * Every replan: what triggered it, which strategy answered and why, and the version it made,
   * or why it failed.
   *
   * @returns Replans in order.
   */
  async replans(): Promise<ReplanRecord[]> {
    const events = await this.events({ types: ["plan.replanned", "replan.failed"] });
    return events.map((e) => ({
      seq: e.seq,
      ts: e.ts,
      trigger: e.data.trigger as ReplanTrigger ?? { kind: "failure" },
      ...(e.type === "plan.replanned"
        ? {
          version: Number(e.data.version),
          strategy: String(e.data.strategy),
          diff: e.data.diff as PlanDiff,
        }
        : {}),
      outcome: e.type === "plan.replanned" ? "replanned" as const : "failed" as const,
      reason: String(e.data.reason),
    }));
  }
}
