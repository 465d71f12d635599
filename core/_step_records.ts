// A run's step records, and who depends on whom among them in one plan version.
import type { Step } from "./plan.ts";
import type { StepState } from "./step_state.ts";

/**
 * A step of the version being run, and where it is. Every field exists from the start (see
 * `newRecord`), so all records share one shape and none grows a property store mid-run.
 */
export interface StepRecord {
  step: Step;
  state: StepState;
  attempts: number;
  /** Dependencies not yet completed or skipped. */
  waiting: number;
  /** Its place in the board's list of the current version (dependents are found through it). */
  index: number;
  error: string | undefined;
  /** The tool and canonical resolved input of the last attempt. */
  key: string | undefined;
  /** Aborts the running attempt or its retry back-off. */
  controller: { abort(reason: unknown): void } | undefined;
  /** Set when a replan took this step out of the plan or redefined it. */
  replaced: string | undefined;
  /** Its entry in the ready queue, while it is ready. */
  entry: object | undefined;
}

export function newRecord(step: Step, attempts: number): StepRecord {
  return {
    step,
    state: "pending",
    attempts,
    waiting: 0,
    index: -1,
    error: undefined,
    key: undefined,
    controller: undefined,
    replaced: undefined,
    entry: undefined,
  };
}

/**
 * Who depends on whom in one plan version: the records of `list[i]`'s dependents are
 * `list[targets[k]]` for `k` in `offsets[i] .. offsets[i + 1]`. Two typed arrays per version
 * instead of an array per step keep a large plan's records small and out of the collector's way.
 */
export interface Links {
  readonly list: readonly StepRecord[];
  readonly offsets: Uint32Array;
  readonly targets: Uint32Array;
}

/**
 * Indexes each record (in plan order), links it to its dependents and counts the dependencies
 * it waits for, over the plan's edge list (pairs of dependency and dependent index).
 */
export function linkRecords(list: readonly StepRecord[], edges: Uint32Array): Links {
  const offsets = new Uint32Array(list.length + 1);
  for (let k = 0; k < edges.length; k += 2) offsets[edges[k]! + 1]!++;
  for (let i = 0; i < list.length; i++) {
    offsets[i + 1]! += offsets[i]!;
    const record = list[i]!;
    record.index = i;
    record.waiting = 0;
  }
  const next = offsets.slice(0, list.length);
  const targets = new Uint32Array(edges.length / 2);
  for (let k = 0; k < edges.length; k += 2) {
    const from = edges[k]!;
    const to = edges[k + 1]!;
    targets[next[from]!++] = to;
    const record = list[from]!;
    if (record.state !== "completed" && record.state !== "skipped") list[to]!.waiting++;
  }
  return { list, offsets, targets };
}

/**
 * Calls `each` with every dependent of `record` in the version `links` describes; a record of
 * an earlier version has none there.
 */
export function forEachDependent(
  links: Links,
  record: StepRecord,
  each: (dependent: StepRecord) => void,
): void {
  const { list, offsets, targets } = links;
  const i = record.index;
  if (list[i] !== record) return;
  for (let k = offsets[i]!; k < offsets[i + 1]!; k++) each(list[targets[k]!]!);
}
