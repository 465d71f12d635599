// The last notable events of a run, in brief, for a planner asked to replan.
import type { EventImpact, RunEventType } from "./events.ts";

/** How many events a planner is told about. */
const KEEP = 20;

/**
 * The last events that were not mere progress (`step.started` and the like), each kept as its
 * type, step and error or reason, and told as one line: `step.failed fetch: HTTP 503`.
 */
export class RecentEvents {
  readonly #items: [RunEventType, string | undefined, unknown][] = [];

  /** Notes an event, unless it only reports progress. */
  note(
    type: RunEventType,
    data: Readonly<Record<string, unknown>>,
    stepId: string | undefined,
    impact: EventImpact | undefined,
  ): void {
    if (impact === "progress") return;
    this.#items.push([type, stepId, data.error ?? data.reason]);
    if (this.#items.length > KEEP) this.#items.shift();
  }

  /** The events noted, oldest first, one line each. */
  lines(): string[] {
    return this.#items.map(([type, stepId, error]) =>
      `${type}${stepId === undefined ? "" : ` ${stepId}`}${
        error === undefined ? "" : `: ${String(error)}`
      }`
    );
  }
}
