// Executes one plan: readiness, scheduling, step attempts, retries, limits, events.
import type { Clock } from "./clock.ts";
import type { EventImpact, RunEvent, RunEventType } from "./events.ts";
import { EventLog } from "./event_log.ts";
import { callTool } from "./call_tool.ts";
import { checkSchema } from "./json_schema.ts";
import type { Limits } from "./limits.ts";
import type { Plan, Step } from "./plan.ts";
import { resolveReferences } from "./references.ts";
import type { RunResult, RunStatus, StepFailure } from "./run_result.ts";
import type { Scheduler, SchedulerView } from "./scheduler.ts";
import { type StepState, transition } from "./step_state.ts";
import type { HistoryStore } from "./store.ts";
import type { Tool, Usage } from "./tool.ts";
import { canonicalJson } from "./canonical_json.ts";
import { LoopGuard, type Trip } from "./loop_guard.ts";
import type { RunState } from "./run_state.ts";
import type { Condition } from "./conditions.ts";
import type { PlanChanges } from "./optimize_plan.ts";

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
  /** Compiled `when:` conditions by step id. */
  readonly conditions: ReadonlyMap<string, Condition>;
  /** Recorded in `run.started` so a resumed run gets the same context and limits. */
  readonly startData: { readonly context: unknown; readonly limits: unknown };
}

interface StepRecord {
  readonly step: Step;
  state: StepState;
  attempts: number;
  /** Dependencies not yet completed. */
  waiting: number;
  readonly dependents: StepRecord[];
  error?: string;
}

class Stop extends Error {}

/** A running plan; `cancel()` and `done` are all the orchestrator needs. */
export class RunLoop {
  readonly #s: RunSetup;
  readonly #records = new Map<string, StepRecord>();
  readonly #outputs = new Map<string, unknown>();
  /** `steps` as conditions see it: completed steps' outputs. */
  readonly #conditionSteps: Record<string, { output: unknown }> = {};
  #ready: StepRecord[] = [];
  /** The steps running now. */
  readonly #runningSteps = new Set<Step>();
  /** Aborts running tools: cancellation and the run's deadline. */
  readonly #abort = new AbortController();
  /** Aborted on any stop: interrupts retry back-off. */
  readonly #halted = new AbortController();
  /** Results of idempotent calls by tool and input; in-flight calls are shared too. */
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #guard: LoopGuard;
  readonly #failures: StepFailure[] = [];
  readonly #log: EventLog;
  /** How the run ended, once it has. */
  #ended: string | undefined;
  /** Timers the loop waits for: retry back-off, and a scheduler's "ask again later". */
  #timers = 0;
  #startedAt = 0;
  #stop: { status: RunStatus; reason: string; limit?: string } | undefined;
  #wake: (() => void) | undefined;
  /** Set when something changed since the loop last looked. */
  #dirty = false;
  /** Resolves with the result when the run has ended and its events are stored. */
  readonly done: Promise<RunResult>;

  constructor(setup: RunSetup) {
    this.#s = setup;
    for (const step of setup.plan.steps) {
      this.#records.set(step.id, {
        step,
        state: "pending",
        attempts: 0,
        waiting: step.dependsOn.length,
        dependents: [],
      });
    }
    for (const record of this.#records.values()) {
      for (const dep of record.step.dependsOn) this.#records.get(dep)!.dependents.push(record);
    }
    this.#log = new EventLog({
      runId: setup.runId,
      planVersion: setup.plan.version,
      clock: setup.clock,
      store: setup.store,
      afterSeq: setup.resume?.seq ?? 0,
      checkpointEvery: setup.checkpointEvery,
      snapshot: () => this.#snapshot(),
      stateSize: () => this.#outputs.size,
      onEvent: setup.onEvent,
      ...(setup.onStored ? { onStored: setup.onStored } : {}),
      // History that cannot be written cannot be trusted: stop, and fail the result.
      onStoreError: (error) =>
        this.#halt({
          status: "failed",
          reason: `The history store failed: ${(error as Error).message}`,
        }, true),
    });
    const resume = setup.resume;
    const attempts = resume ? Object.values(resume.attempts).reduce((a, b) => a + b, 0) : 0;
    this.#guard = new LoopGuard(
      setup.limits,
      resume && { usage: resume.usage, attempts, retries: resume.retries },
    );
    if (resume) this.#restore(resume);
    this.done = this.#main();
  }

  /** Takes over the folded state of an interrupted run: completed work is never redone. */
  #restore(state: RunState): void {
    for (const [id, record] of this.#records) {
      record.attempts = state.attempts[id] ?? 0;
      const final = state.states[id];
      if (final === undefined) continue;
      record.state = final;
      if (final === "completed" || final === "skipped") {
        if (final === "completed") {
          this.#outputs.set(id, state.outputs[id]);
          this.#conditionSteps[id] = { output: state.outputs[id] };
        }
        for (const next of record.dependents) next.waiting--;
      }
      if (final === "failed") {
        this.#failures.push({
          stepId: id,
          error: "Failed before the run was resumed",
          attempts: record.attempts,
        });
      }
    }
  }

  /** The state to checkpoint: exactly the fold of every event emitted so far. */
  #snapshot(): RunState {
    const states: RunState["states"] = {};
    const attempts: RunState["attempts"] = {};
    for (const [id, record] of this.#records) {
      if (record.attempts > 0) attempts[id] = record.attempts;
      if (record.state === "completed" || record.state === "failed" || record.state === "skipped") {
        states[id] = record.state;
      }
    }
    return {
      seq: this.#log.seq,
      outputs: Object.fromEntries(this.#outputs),
      states,
      attempts,
      usage: { ...this.#guard.usage },
      retries: this.#guard.retries,
      ...(this.#ended === undefined ? {} : { ended: this.#ended }),
    };
  }

  /** Stops the run: running steps are aborted, nothing new starts. */
  cancel(reason: string): void {
    this.#halt({ status: "cancelled", reason }, true);
  }

  /**
   * Stops starting steps. With `abortRunning`, running tools are aborted too; otherwise they
   * finish and their results are kept (budget limits: the work is already paid for).
   */
  #halt(stop: { status: RunStatus; reason: string; limit?: string }, abortRunning: boolean): void {
    if (!this.#stop) {
      this.#stop = stop;
      this.#halted.abort(new Stop(stop.reason));
    }
    if (abortRunning && !this.#abort.signal.aborted) this.#abort.abort(new Stop(stop.reason));
    this.#poke();
  }

  #poke(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #emit(
    type: RunEventType,
    data: Record<string, unknown>,
    stepId?: string,
    impact?: EventImpact,
  ): void {
    this.#log.emit(type, data, stepId, impact);
  }

  #setState(record: StepRecord, to: StepState): void {
    record.state = transition(record.step.id, record.state, to);
  }

  async #main(): Promise<RunResult> {
    const { plan, clock } = this.#s;
    this.#startedAt = clock.now();
    if (this.#s.resume) {
      const completed = Object.keys(this.#s.resume.outputs).length;
      this.#emit("run.resumed", {
        fromSeq: this.#s.resume.seq,
        completed,
        scheduler: this.#s.scheduler.name,
      });
      for (const record of this.#records.values()) {
        const blocked = record.step.dependsOn.find((d) => this.#records.get(d)!.state === "failed");
        if (record.state === "pending" && blocked !== undefined) {
          this.#skipDependents(this.#records.get(blocked)!);
        }
      }
    } else {
      this.#emit("run.started", {
        goal: plan.goal,
        planId: plan.id,
        scheduler: this.#s.scheduler.name,
        context: this.#s.startData.context,
        limits: this.#s.startData.limits,
      });
      this.#emit("plan.created", { plan: JSON.parse(JSON.stringify(plan)) });
      const changes = this.#s.optimized;
      if (changes) {
        this.#emit("plan.optimized", {
          droppedDependencies: changes.droppedDependencies,
          mergedSteps: changes.mergedSteps,
        });
      }
    }
    for (const record of this.#records.values()) {
      if (record.state === "pending" && record.waiting === 0) this.#settle(record);
    }
    const deadline = setTimeout(() => {
      this.#stopForLimit(
        "maxDurationMs",
        `The run took longer than ${this.#s.limits.maxDurationMs} ms`,
      );
    }, Math.min(this.#s.limits.maxDurationMs, 2 ** 31 - 1));
    try {
      for (;;) {
        this.#dirty = false;
        const started = this.#stop ? 0 : this.#schedule();
        const idle = this.#runningSteps.size === 0 && this.#timers === 0;
        if (idle && started === 0 && this.#ready.length > 0 && !this.#stop) {
          const { scheduler } = this.#s;
          const ready = this.#ready.map((r) => r.step);
          const wait = scheduler.retryAfterMs?.(ready, this.#view(this.#s.limits.maxConcurrency));
          if (wait !== undefined && wait >= 0) {
            // Nothing can start yet (a rate limit, say): look again when the scheduler says.
            this.#timers++;
            setTimeout(() => {
              this.#timers--;
              this.#poke();
            }, Math.max(1, wait));
          } else {
            this.#stopForLimit(
              "scheduler",
              `Scheduler "${scheduler.name}" started none of ${this.#ready.length} ready steps while nothing was running`,
            );
          }
        }
        if (idle && (this.#ready.length === 0 || this.#stop)) break;
        const backlog = this.#log.schedule();
        if (backlog) await backlog;
        if (this.#dirty) continue;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      clearTimeout(deadline);
    }
    return await this.#finish();
  }

  /**
   * A step whose dependencies are all done: skipped when every one of them was skipped or its
   * condition is false, failed when its condition cannot be evaluated, otherwise ready.
   */
  #settle(record: StepRecord): void {
    const { step } = record;
    if (
      step.dependsOn.length > 0 &&
      step.dependsOn.every((d) => this.#records.get(d)!.state === "skipped")
    ) {
      return this.#skip(record, "all of its dependencies were skipped");
    }
    const condition = this.#s.conditions.get(step.id);
    if (condition === undefined) return this.#makeReady(record);
    let value: unknown;
    try {
      value = condition({ steps: this.#conditionSteps, context: this.#s.context });
      if (typeof value !== "boolean") {
        throw new TypeError(`The condition gave ${JSON.stringify(value)}, not true or false`);
      }
    } catch (error) {
      const message = `Condition "${step.when}" failed: ${(error as Error).message}`;
      return this.#fail(record, message, { durationMs: 0 }, true);
    }
    if (value) return this.#makeReady(record);
    this.#skip(record, `condition is false: ${step.when}`);
  }

  /** Skips a step by design (not because of a failure) and settles its dependents. */
  #skip(record: StepRecord, reason: string): void {
    this.#setState(record, "skipped");
    this.#emit("step.skipped", { reason }, record.step.id);
    for (const next of record.dependents) {
      if (--next.waiting === 0 && next.state === "pending") this.#settle(next);
    }
  }

  #makeReady(record: StepRecord): void {
    this.#setState(record, "ready");
    this.#ready.push(record);
    this.#emit("step.ready", {}, record.step.id, "progress");
  }

  #view(slots: number): SchedulerView {
    return {
      plan: this.#s.plan,
      running: this.#runningSteps.size,
      slots,
      runningSteps: [...this.#runningSteps],
      tools: this.#s.tools,
      usage: { ...this.#guard.usage },
      now: this.#s.clock.now(),
    };
  }

  /** Asks the scheduler and starts what it picks; returns how many started. */
  #schedule(): number {
    const { limits, scheduler } = this.#s;
    if (this.#ready.length === 0) return 0;
    const slots = limits.maxConcurrency - this.#runningSteps.size;
    if (slots <= 0) return 0;
    const byId = new Map(this.#ready.map((r) => [r.step.id, r]));
    const decisions = scheduler.select(this.#ready.map((r) => r.step), this.#view(slots));
    const started = new Set<StepRecord>();
    for (const decision of decisions) {
      if (started.size >= slots || this.#stop) break;
      const record = byId.get(decision.stepId);
      if (record === undefined || started.has(record)) continue;
      if (!this.#admit(record)) break;
      started.add(record);
      void this.#attempt(record, decision.reason);
    }
    if (started.size > 0) this.#ready = this.#ready.filter((r) => !started.has(r));
    return started.size;
  }

  /** The limits checked before a step starts. */
  #admit(record: StepRecord): boolean {
    return !this.#trip(this.#guard.admit(record.step.id, this.#s.tools.get(record.step.tool)!));
  }

  /** Stops the run when a limit tripped; true when it did. */
  #trip(trip: Trip | undefined): boolean {
    if (trip) this.#stopForLimit(trip.limit, trip.reason);
    return trip !== undefined;
  }

  #stopForLimit(limit: string, reason: string): false {
    if (!this.#stop) {
      this.#emit(
        limit === "repetition" ? "loop.detected" : "limit.exceeded",
        { limit, reason },
        undefined,
        "warning",
      );
      this.#halt({ status: "stopped", reason, limit }, limit === "maxDurationMs");
    }
    return false;
  }

  #report(usage: Usage): void {
    this.#trip(this.#guard.report(usage));
  }

  async #attempt(record: StepRecord, reason: string): Promise<void> {
    const { step } = record;
    const tool = this.#s.tools.get(step.tool)!;
    this.#setState(record, "running");
    this.#runningSteps.add(step);
    this.#guard.started();
    record.attempts++;
    const started = this.#s.clock.now();
    this.#emit(
      "step.started",
      { tool: step.tool, attempt: record.attempts, reason },
      step.id,
      "progress",
    );
    let output: unknown;
    let error: unknown;
    let cached = false;
    const usage = { tokens: 0, apiCalls: 0, costUsd: 0 };
    try {
      const input = resolveReferences(step.input, {
        outputs: this.#outputs,
        context: this.#s.context,
      });
      const issue = checkSchema(tool.input, input, "input");
      if (issue) {
        throw new TypeError(`${issue.path}: ${issue.message} (input of tool "${tool.name}")`);
      }
      const key = `${tool.name}\u0000${canonicalJson(input)}`;
      if (this.#trip(this.#guard.repeat(tool, key, record.attempts === 1))) {
        throw new Stop("repetition");
      }
      const cacheable = tool.idempotent === true && tool.cache !== false;
      const shared = cacheable ? this.#cache.get(key) : undefined;
      if (shared) {
        output = await shared;
        cached = true;
      } else {
        const call = this.#call(tool, step, input, record.attempts, usage);
        if (cacheable) {
          this.#cache.set(key, call);
          // A failed call is forgotten, so a retry calls the tool again.
          call.catch(() => this.#cache.delete(key));
        }
        output = await call;
      }
      output = this.#checkOutput(tool, output);
    } catch (e) {
      error = e;
    }
    this.#runningSteps.delete(step);
    const durationMs = this.#s.clock.now() - started;
    if (error === undefined) {
      this.#setState(record, "completed");
      this.#outputs.set(step.id, output);
      this.#conditionSteps[step.id] = { output };
      this.#emit(
        "step.completed",
        { output, durationMs, attempt: record.attempts, cached, usage },
        step.id,
        "progress",
      );
      if (step.checkpoint) this.#log.requestCheckpoint();
      for (const next of record.dependents) {
        if (--next.waiting === 0 && next.state === "pending") this.#settle(next);
      }
    } else {
      await this.#failed(record, error, durationMs, usage);
    }
    this.#poke();
  }

  async #call(
    tool: Tool,
    step: Step,
    input: unknown,
    attempt: number,
    usage: { tokens: number; apiCalls: number; costUsd: number },
  ): Promise<unknown> {
    const report = (u: Usage) => {
      usage.tokens += u.tokens ?? 0;
      usage.apiCalls += u.apiCalls ?? 0;
      usage.costUsd += u.costUsd ?? 0;
      this.#report(u);
    };
    try {
      return await callTool(tool, input, {
        stepId: step.id,
        timeoutMs: step.timeoutMs,
        signal: this.#abort.signal,
        context: {
          runId: this.#s.runId,
          stepId: step.id,
          attempt,
          context: this.#s.context,
          report,
          emit: (message, data) =>
            this.#emit(
              "tool.progress",
              { message, ...(data === undefined ? {} : { data: toJson(data) }) },
              step.id,
              "progress",
            ),
        },
      });
    } finally {
      if (tool.cost) report(tool.cost);
    }
  }

  #checkOutput(tool: Tool, output: unknown): unknown {
    const json = output === undefined ? "null" : JSON.stringify(output);
    if (json === undefined) {
      throw new TypeError(`Tool "${tool.name}" returned a value that is not JSON`);
    }
    if (json.length > this.#s.limits.maxOutputBytes) {
      throw new RangeError(
        `Tool "${tool.name}" returned ${json.length} bytes, more than maxOutputBytes (${this.#s.limits.maxOutputBytes})`,
      );
    }
    const value = JSON.parse(json);
    if (tool.output) {
      const issue = checkSchema(tool.output, value, "output");
      if (issue) {
        throw new TypeError(`${issue.path}: ${issue.message} (output of tool "${tool.name}")`);
      }
    }
    return value;
  }

  async #failed(
    record: StepRecord,
    error: unknown,
    durationMs: number,
    usage: Usage,
  ): Promise<void> {
    const { step } = record;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const retry = step.retry;
    const stopped = error instanceof Stop;
    const canRetry = !stopped && !this.#stop && !(error instanceof TypeError) &&
      record.attempts <= retry.max;
    // A retry counts against the run's retries; when they are used up the step fails below.
    if (canRetry && !this.#trip(this.#guard.retry())) {
      const base = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (record.attempts - 1));
      const delayMs = Math.round(base / 2 + Math.random() * (base / 2));
      this.#setState(record, "retrying");
      this.#emit(
        "step.retrying",
        { error: message, attempt: record.attempts, delayMs, durationMs, usage },
        step.id,
        "warning",
      );
      this.#timers++;
      try {
        await this.#s.clock.sleep(delayMs, this.#halted.signal);
      } catch {
        // Cancelled while waiting: the step ends failed below.
      }
      this.#timers--;
      if (!this.#stop) {
        this.#makeReady(record);
        return;
      }
    }
    const final = stopped ? `Stopped: ${this.#stop?.reason ?? error}` : message;
    this.#fail(record, final, { durationMs, usage }, !this.#stop);
  }

  /** Records a step's failure; with `cascade`, its pending dependents are skipped. */
  #fail(record: StepRecord, error: string, data: Record<string, unknown>, cascade: boolean): void {
    this.#setState(record, "failed");
    record.error = error;
    const attempts = record.attempts;
    this.#failures.push({ stepId: record.step.id, error, attempts });
    this.#emit("step.failed", { error, attempts, ...data }, record.step.id, "error");
    if (cascade) this.#skipDependents(record);
  }

  #skipDependents(failed: StepRecord): void {
    const queue = [...failed.dependents];
    while (queue.length > 0) {
      const record = queue.shift()!;
      if (record.state !== "pending") continue;
      this.#setState(record, "skipped");
      this.#emit(
        "step.skipped",
        { reason: `dependency "${failed.step.id}" failed` },
        record.step.id,
      );
      queue.push(...record.dependents);
    }
  }

  async #finish(): Promise<RunResult> {
    const { plan } = this.#s;
    const steps: Record<string, StepState> = {};
    const outputs: Record<string, unknown> = {};
    const undone: string[] = [];
    for (const [id, record] of this.#records) {
      steps[id] = record.state;
      if (record.state === "completed") outputs[id] = this.#outputs.get(id);
      else undone.push(id);
    }
    // A step merged into an identical one by the optimizer reports that one's result.
    for (const [merged, into] of this.#s.optimized?.mergedSteps ?? []) {
      steps[merged] = steps[into]!;
      if (into in outputs) outputs[merged] = outputs[into];
      else undone.push(merged);
    }
    const status: RunStatus = this.#stop?.status ??
      (this.#failures.length > 0 ? "failed" : "completed");
    const durationMs = this.#s.clock.now() - this.#startedAt;
    this.#ended = status;
    const type = `run.${status}` as RunEventType;
    const summary = {
      status,
      durationMs,
      completed: Object.keys(outputs).length,
      undone,
      ...(this.#stop ? { reason: this.#stop.reason } : {}),
      ...(this.#stop?.limit ? { limit: this.#stop.limit } : {}),
      usage: { ...this.#guard.usage },
    };
    this.#emit(type, summary, undefined, status === "completed" ? "info" : "error");
    await this.#log.drain();
    return {
      runId: this.#s.runId,
      status,
      output: plan.output === undefined ? undefined : this.#outputs.get(plan.output),
      outputs,
      steps,
      undone,
      failures: this.#failures,
      ...(this.#stop ? { reason: this.#stop.reason } : {}),
      ...(this.#stop?.limit ? { limit: this.#stop.limit } : {}),
      usage: { ...this.#guard.usage },
      durationMs,
      events: this.#log.seq,
    };
  }
}

function toJson(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? "null");
  } catch {
    return String(value);
  }
}
