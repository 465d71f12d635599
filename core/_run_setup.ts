// Everything one run of a plan needs from its orchestrator.
import type { Clock } from "./clock.ts";
import type { Condition } from "./conditions.ts";
import type { RunEvent } from "./events.ts";
import type { Limits } from "./limits.ts";
import type { PlanChanges } from "./optimize_plan.ts";
import type { Plan } from "./plan.ts";
import type { RunReplanning } from "./run_replanner.ts";
import type { RunState } from "./run_state.ts";
import type { Scheduler } from "./scheduler.ts";
import type { HistoryStore } from "./store.ts";
import type { Tool, Usage } from "./tool.ts";

/** Everything a run needs. */
export interface RunSetup {
  readonly runId: string;
  readonly plan: Plan;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly scheduler: Scheduler;
  readonly store: HistoryStore;
  readonly limits: Required<Limits>;
  readonly clock: Clock;
  readonly context: Readonly<Record<string, unknown>>;
  /** Called with every event as it is recorded (never awaited). */
  readonly onEvent: (event: RunEvent) => void;
  /** Called after each batch of events is written to the store. */
  readonly onStored?: () => void;
  /** The folded state of an interrupted run to continue from. */
  readonly resume?: RunState;
  /** Save a checkpoint at least every this many events. */
  readonly checkpointEvery: number;
  /** What plan optimization changed, recorded after `plan.created`. */
  readonly optimized?: PlanChanges;
  /** Compiled `when:` and `expect:` conditions (`expect:ID`) by step id. */
  readonly conditions: ReadonlyMap<string, Condition>;
  /** Recorded in `run.started` so a resumed run gets the same context and limits. */
  readonly startData: { readonly context: unknown; readonly limits: unknown };
  /** What the planner used to make the first version, recorded in `plan.created`. */
  readonly planUsage?: Usage;
  /** How the run replans: validation, the policy's engine, the planner, earlier versions. */
  readonly replanning: RunReplanning;
  /** The caller named a new run: it is refused when the history holds that id already. */
  readonly named?: boolean;
  /** This orchestrator's claim on its runs, when the store keeps leases. */
  readonly lease?: { readonly owner: string; readonly ms: number };
}
