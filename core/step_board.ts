// Where each step of the running plan version is, and what becomes ready when one finishes.
import { canonicalJson } from "./canonical_json.ts";
import type { Condition } from "./conditions.ts";
import type { EventImpact, RunEventType } from "./events.ts";
import type { Plan } from "./plan.ts";
import { planEdges } from "./graph.ts";
import { survivalMarks } from "./_merge_marks.ts";
import { resolveReferences } from "./references.ts";
import type { StepFailure } from "./run_result.ts";
import type { RunState } from "./run_state.ts";
import { type StepState, transition } from "./step_state.ts";
import { idRecord } from "./_id_record.ts";
import { type ReadyLine, readyLine } from "./_ready_queue.ts";
import type { SchedulerQueue } from "./scheduler.ts";
import {
  forEachDependent,
  linkRecords,
  type Links,
  newRecord,
  type StepRecord,
} from "./_step_records.ts";
import { StepOutputs } from "./_step_outputs.ts";

type Emit = (
  type: RunEventType,
  data: Record<string, unknown>,
  stepId?: string,
  impact?: EventImpact,
) => void;

/**
 * The steps of the running plan version: their states (with legal transitions enforced), the
 * outputs of completed ones, the queue of ready ones, and the failures. It settles a step when
 * its dependencies are done (ready, or skipped by a false condition or skipped dependencies),
 * skips what depends on a failure, and switches to a new version keeping what lives on. It runs
 * nothing: the run loop starts the ready steps.
 */
export class StepBoard {
  /** The plan version being run. */
  plan: Plan;
  /** Compiled `when:` and `expect:` conditions (`expect:ID`). */
  conditions: ReadonlyMap<string, Condition>;
  records = new Map<string, StepRecord>();
  /** The records in plan order, and who depends on whom among them. */
  #links: Links;
  /** Ready steps, in the order the scheduler takes them. */
  ready: ReadyLine<StepRecord>;
  /** Outputs of completed steps. */
  readonly outputs = new Map<string, unknown>();
  /** `steps` as conditions see it: completed steps' outputs, as `{ output }` by step id. */
  readonly conditionSteps: ReadonlyMap<string, { readonly output: unknown }> = new StepOutputs(
    this.outputs,
  );
  /** Every failure of the run, earlier versions' included. */
  readonly failures: StepFailure[] = [];
  readonly #context: Readonly<Record<string, unknown>>;
  readonly #emit: Emit;
  readonly #queue: SchedulerQueue | undefined;

  constructor(
    plan: Plan,
    conditions: ReadonlyMap<string, Condition>,
    context: Readonly<Record<string, unknown>>,
    emit: Emit,
    queue?: SchedulerQueue,
  ) {
    this.plan = plan;
    this.conditions = conditions;
    this.#context = context;
    this.#emit = emit;
    this.#queue = queue;
    this.ready = readyLine(plan, planEdges(plan).index, queue);
    const list = plan.steps.map((step) => newRecord(step, 0));
    for (const record of list) this.records.set(record.step.id, record);
    this.#links = linkRecords(list, planEdges(plan).edges);
  }

  setState(record: StepRecord, to: StepState): void {
    if (record.state === "ready") this.ready.left(record);
    record.state = transition(record.step.id, record.state, to);
  }

  /** Takes over the folded state of an interrupted run: completed work is never redone. */
  restore(state: RunState): void {
    for (const [id, record] of this.records) {
      record.attempts = state.attempts[id] ?? 0;
      const final = state.states[id];
      if (final === undefined) continue;
      record.state = final;
      if (final === "completed" || final === "skipped") {
        if (final === "completed") {
          this.outputs.set(id, state.outputs[id]);
        }
        forEachDependent(this.#links, record, (next) => next.waiting--);
      }
      if (final === "failed") {
        this.failures.push({
          stepId: id,
          error: "Failed before the run was resumed",
          attempts: record.attempts,
        });
      }
    }
  }

  /** After a resume: steps that wait on a failure are skipped, as they would have been. */
  skipBlocked(): void {
    for (const record of this.records.values()) {
      const blocked = record.step.dependsOn.find((d) => this.records.get(d)!.state === "failed");
      if (record.state === "pending" && blocked !== undefined) {
        this.skipDependents(this.records.get(blocked)!);
      }
    }
  }

  /** Settles every pending step whose dependencies are done. */
  settlePending(): void {
    for (const record of this.records.values()) {
      if (record.state === "pending" && record.waiting === 0) this.settle(record);
    }
  }

  /**
   * A step whose dependencies are all done: skipped when every one of them was skipped or its
   * condition is false, failed when its condition cannot be evaluated, otherwise ready.
   */
  settle(record: StepRecord): void {
    const { step } = record;
    if (
      step.dependsOn.length > 0 &&
      step.dependsOn.every((d) => this.records.get(d)!.state === "skipped")
    ) {
      return this.#skip(record, "all of its dependencies were skipped");
    }
    const condition = this.conditions.get(step.id);
    if (condition === undefined) return this.#makeReady(record);
    let value: unknown;
    try {
      value = condition({ steps: this.conditionSteps, context: this.#context });
      if (typeof value !== "boolean") {
        throw new TypeError(`The condition gave ${JSON.stringify(value)}, not true or false`);
      }
    } catch (error) {
      const message = `Condition "${step.when}" failed: ${(error as Error).message}`;
      return this.fail(record, message, { durationMs: 0 }, true);
    }
    if (value) return this.#makeReady(record);
    this.#skip(record, `condition is false: ${step.when}`);
  }

  /** A step completed with `output`: its dependents may become ready. */
  complete(record: StepRecord, output: unknown): void {
    this.setState(record, "completed");
    this.outputs.set(record.step.id, output);
  }

  /** After a completion's event is recorded: settles the dependents it released. */
  release(record: StepRecord): void {
    forEachDependent(this.#links, record, this.#released);
  }

  /** A dependent of a step that completed or was skipped (one function for every release). */
  readonly #released = (next: StepRecord): void => {
    if (--next.waiting === 0 && next.state === "pending") this.settle(next);
  };

  /** A step waiting to retry is ready again. */
  retry(record: StepRecord): void {
    this.#makeReady(record);
  }

  /** Skips a step by design (not because of a failure) and settles its dependents. */
  #skip(record: StepRecord, reason: string): void {
    this.setState(record, "skipped");
    this.#emit("step.skipped", { reason }, record.step.id);
    this.release(record);
  }

  #makeReady(record: StepRecord): void {
    this.setState(record, "ready");
    this.ready.push(record);
    this.#emit("step.ready", {}, record.step.id, "progress");
  }

  /**
   * Records a step's failure. `true` skips its pending dependents now; `false` leaves them (to a
   * replan, which skips them when no strategy answers).
   */
  fail(record: StepRecord, error: string, data: Record<string, unknown>, cascade: boolean): void {
    this.setState(record, "failed");
    record.error = error;
    const attempts = record.attempts;
    this.failures.push({ stepId: record.step.id, error, attempts });
    this.#emit("step.failed", { error, attempts, ...data }, record.step.id, "error");
    if (cascade) this.skipDependents(record);
  }

  /** Skips every pending step that depends, directly or not, on a failed one. */
  skipDependents(failed: StepRecord): void {
    const queue: StepRecord[] = [];
    const enqueue = (record: StepRecord) => queue.push(record);
    forEachDependent(this.#links, failed, enqueue);
    while (queue.length > 0) {
      const record = queue.shift()!;
      if (record.state !== "pending") continue;
      this.setState(record, "skipped");
      this.#emit(
        "step.skipped",
        { reason: `dependency "${failed.step.id}" failed` },
        record.step.id,
      );
      forEachDependent(this.#links, record, enqueue);
    }
  }

  /**
   * Switches to a validated next version: steps that live on keep their results (or go on
   * running); running steps that were replaced are handed to `abort`; the rest start afresh
   * (call `settlePending()` once the switch is recorded).
   */
  adopt(
    plan: Plan,
    conditions: ReadonlyMap<string, Condition>,
    abort: (record: StepRecord, why: string) => void,
  ): { kept: number; reset: string[]; cancelled: string[] } {
    const old = this.records;
    const oldList = this.#links.list;
    // The usual replan keeps every id in its place: the records then line up by index.
    const aligned = oldList.length === plan.steps.length &&
      oldList.every((r, i) => r.step.id === plan.steps[i]!.id);
    const prevs = aligned ? oldList : plan.steps.map((s) => old.get(s.id));
    const live = survivalMarks(prevs, plan, (step) => {
      try {
        const input = resolveReferences(step.input, {
          outputs: this.outputs,
          context: this.#context,
        });
        return `${step.tool}\u0000${canonicalJson(input)}`;
      } catch {
        return undefined;
      }
    });
    const records = aligned ? old : new Map<string, StepRecord>();
    const list: StepRecord[] = [];
    const ready = readyLine<StepRecord>(plan, planEdges(plan).index, this.#queue);
    const reset: string[] = [];
    const cancelled: string[] = [];
    const why = `Replaced by plan version ${plan.version}`;
    const retire = (prev: StepRecord) => {
      const id = prev.step.id;
      if (prev.state === "completed" || prev.state === "failed" || prev.state === "skipped") {
        reset.push(id);
      }
      if (prev.state === "running" || prev.state === "retrying") {
        prev.replaced = why;
        abort(prev, why);
        cancelled.push(id);
      }
      this.outputs.delete(id);
    };
    let kept = 0;
    plan.steps.forEach((step, i) => {
      const prev = prevs[i];
      let record: StepRecord;
      if (live[i] === 1) {
        record = prev!;
        if (record.step !== step) record.step = step;
        kept++;
        if (record.state === "ready") ready.push(record);
        // Lined up, the map holds it under this id already.
        if (!aligned) records.set(step.id, record);
      } else {
        record = newRecord(step, prev?.attempts ?? 0);
        if (aligned) retire(prev!);
        records.set(step.id, record);
      }
      list.push(record);
    });
    if (!aligned) {
      for (const prev of old.values()) if (records.get(prev.step.id) !== prev) retire(prev);
    }
    this.#links = linkRecords(list, planEdges(plan).edges);
    this.records = records;
    this.plan = plan;
    this.conditions = conditions;
    this.ready = ready;
    return { kept, reset, cancelled };
  }

  /** The completed steps' outputs, as an object. */
  outputsRecord(): Record<string, unknown> {
    const outputs = idRecord<unknown>();
    // forEach rather than for-of: no [key, value] pair is made per entry.
    this.outputs.forEach((output, id) => (outputs[id] = output));
    return outputs;
  }

  /**
   * Every step's state, the completed steps' outputs, the steps left undone and whether one
   * failed, as a run's result gives them. A step in `merged` (merged away, to the step it was
   * merged into) reports that step's state and output.
   */
  outcome(merged: readonly (readonly [string, string])[] | undefined): {
    steps: Record<string, StepState>;
    outputs: Record<string, unknown>;
    undone: string[];
    failed: boolean;
  } {
    const steps = idRecord<StepState>();
    const outputs = idRecord<unknown>();
    const undone: string[] = [];
    let failed = false;
    this.records.forEach((record, id) => {
      steps[id] = record.state;
      if (record.state === "failed") failed = true;
      if (record.state === "completed") outputs[id] = this.outputs.get(id);
      else undone.push(id);
    });
    for (const [id, into] of merged ?? []) {
      steps[id] = steps[into]!;
      if (into in outputs) outputs[id] = outputs[into];
      else undone.push(id);
    }
    return { steps, outputs, undone, failed };
  }

  /** The steps' final states and attempts, as a checkpoint holds them. */
  snapshot(): Pick<RunState, "states" | "attempts"> {
    const states: RunState["states"] = idRecord();
    const attempts: RunState["attempts"] = idRecord();
    this.records.forEach((record, id) => {
      if (record.attempts > 0) attempts[id] = record.attempts;
      if (record.state === "completed" || record.state === "failed" || record.state === "skipped") {
        states[id] = record.state;
      }
    });
    return { states, attempts };
  }
}
