/** The kinds of event a run records. */
export type RunEventType =
  | "run.started"
  | "run.resumed"
  | "plan.created"
  | "plan.optimized"
  | "step.ready"
  | "step.started"
  | "step.completed"
  | "step.failed"
  | "step.retrying"
  | "step.skipped"
  | "tool.progress"
  | "step.cancelled"
  | "replan.triggered"
  | "replan.rejected"
  | "replan.failed"
  | "plan.replanned"
  | "intervention.received"
  | "limits.changed"
  | "run.waiting"
  | "loop.detected"
  | "limit.exceeded"
  | "checkpoint.saved"
  | "run.completed"
  | "run.failed"
  | "run.stopped"
  | "run.cancelled";

/** How much an event matters to someone watching. */
export type EventImpact = "info" | "progress" | "warning" | "error";

/**
 * One entry of a run's history; the run's state is a fold over them. The kernel freezes every
 * event it records, data included: what listeners and the store see cannot be changed.
 */
export interface RunEvent {
  /** Position in the run's log: 1, 2, 3, ... without gaps. */
  readonly seq: number;
  /** The run the event belongs to. */
  readonly runId: string;
  /** What happened (see `RunEventType`). */
  readonly type: RunEventType;
  /** Milliseconds since the epoch, from the run's clock. */
  readonly ts: number;
  /** The step the event is about, when it is about one. */
  readonly stepId?: string;
  /** The plan version in force when the event was recorded. */
  readonly planVersion: number;
  /** Plain JSON only. */
  readonly data: Readonly<Record<string, unknown>>;
  /** How the event bears on the run: information, progress, a warning or an error. */
  readonly impact: EventImpact;
}
