// Executes one plan: readiness, scheduling, step attempts, retries, limits, replans, events.
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
import { RunReplanner, type RunReplanning } from "./run_replanner.ts";
import { survivingSteps } from "./plan_merge.ts";
import type { PlanVersion } from "./plan_diff.ts";

export type { RunReplanning };

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
}

/** A step of the version being run, and where it is. */
export interface StepRecord {
  step: Step;
  state: StepState;
  attempts: number;
  /** Dependencies not yet completed or skipped. */
  waiting: number;
  dependents: StepRecord[];
  error?: string;
  /** The tool and canonical resolved input of the last attempt. */
  key?: string;
  /** Aborts the running attempt or its retry back-off. */
  controller?: AbortController;
  /** Set when a replan took this step out of the plan or redefined it. */
  replaced?: string;
}

/** Why a step's result is not what its plan expected. */
class UnexpectedResult extends Error {
  override name = "UnexpectedResultError";
}

class Stop extends Error {}

/** A running plan; `cancel()` and `done` are all the orchestrator needs. */
export class RunLoop {
  readonly #s: RunSetup;
  #plan: Plan;
  #conditions: ReadonlyMap<string, Condition>;
  #records = new Map<string, StepRecord>();
  readonly #outputs = new Map<string, unknown>();
  /** `steps` as conditions see it: completed steps' outputs. */
  #conditionSteps: Record<string, { output: unknown }> = {};
  #ready: StepRecord[] = [];
  /** The steps running now. */
  readonly #runningSteps = new Set<Step>();
  /** Steps running or waiting to retry: what cancellation must abort. */
  readonly #live = new Set<StepRecord>();
  /** Aborted on any stop: interrupts retry back-off and planners. */
  readonly #halted = new AbortController();
  /** Results of idempotent calls by tool and input; in-flight calls are shared too. */
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #guard: LoopGuard;
  readonly #failures: StepFailure[] = [];
  readonly #log: EventLog;
  readonly #replanner: RunReplanner;
  /** The last events, as `[type, stepId, error]`, for planners. */
  readonly #recent: [string, string | undefined, unknown][] = [];
  /** How the run ended, once it has. */
  #ended: string | undefined;
  /** Timers the loop waits for: retry back-off, a scheduler's "ask again later", replans. */
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
    this.#plan = setup.plan;
    this.#conditions = setup.conditions;
    for (const step of setup.plan.steps) this.#records.set(step.id, newRecord(step, 0));
    linkRecords(this.#records);
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
      resume && {
        usage: resume.usage,
        attempts,
        retries: resume.retries,
        replans: resume.replans ?? 0,
      },
    );
    this.#replanner = this.#makeReplanner();
    if (resume) this.#restore(resume);
    this.done = this.#main();
  }

  #makeReplanner(): RunReplanner {
    return new RunReplanner(this.#s.replanning, {
      runId: this.#s.runId,
      tools: this.#s.tools,
      context: this.#s.context,
      clock: this.#s.clock,
      guard: this.#guard,
      signal: this.#halted.signal,
      plan: () => this.#plan,
      outputs: this.#outputs,
      states: () => new Map([...this.#records].map(([id, r]) => [id, r.state])),
      stopped: () => this.#stop !== undefined,
      emit: (type, data, stepId, impact) => this.#emit(type, data, stepId, impact),
      adopt: (plan, conditions) => this.#adopt(plan, conditions),
      settle: () => this.#settleNew(),
      unhandled: (stepId) => {
        const record = this.#records.get(stepId);
        if (record?.state === "failed") this.#skipDependents(record);
      },
      stop: (limit, reason) => this.#stopForLimit(limit, reason),
      report: (usage) => this.#report(usage),
      recent: () =>
        this.#recent.map(([type, stepId, error]) =>
          `${type}${stepId === undefined ? "" : ` ${stepId}`}${
            error === undefined ? "" : `: ${String(error)}`
          }`
        ),
      busy: (delta) => {
        this.#timers += delta;
        this.#poke();
      },
    });
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
      replans: this.#guard.replans,
      planVersion: this.#plan.version,
      ...(this.#ended === undefined ? {} : { ended: this.#ended }),
    };
  }

  /** The plan version being run. */
  get plan(): Plan {
    return this.#plan;
  }

  /** Every plan version so far, oldest first. */
  get versions(): readonly PlanVersion[] {
    return this.#replanner.versions;
  }

  /** Stops the run: running steps are aborted, nothing new starts. */
  cancel(reason: string): void {
    this.#halt({ status: "cancelled", reason }, true);
  }

  /**
   * Records a person's message; with a plan, or when the policy answers interventions, it
   * triggers a replan, and it ends a pause.
   * @throws {BatonError} When the run has ended.
   */
  intervene(message: string, plan?: unknown): void {
    this.#replanner.intervene(message, plan, this.#stop !== undefined || this.#ended !== undefined);
  }

  /** Continues from an earlier plan version, as a new version. */
  rollback(version: number): void {
    this.#replanner.rollback(version, this.#stop !== undefined || this.#ended !== undefined);
  }

  /** Changes the run's limits; lowering one may trigger a replan or stop the run. */
  setLimits(limits: Required<Limits>, changed: Readonly<Record<string, number>>): void {
    const before = this.#guard.limits;
    this.#emit("limits.changed", { limits: changed });
    this.#trip(this.#guard.update(limits));
    const lowered = Object.keys(changed).filter((k) =>
      limits[k as keyof Limits] < before[k as keyof Limits]
    );
    if (lowered.length > 0 && !this.#stop) {
      this.#replanner.trigger({
        kind: "limits",
        message: `Lowered: ${
          lowered.map((k) => `${k} to ${limits[k as keyof Limits]}`).join(", ")
        }`,
      });
    }
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
    if (abortRunning) {
      for (const record of this.#live) record.controller?.abort(new Stop(stop.reason));
    }
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
    if (impact !== "progress") {
      this.#recent.push([type, stepId, data.error ?? data.reason]);
      if (this.#recent.length > 20) this.#recent.shift();
    }
  }

  #setState(record: StepRecord, to: StepState): void {
    record.state = transition(record.step.id, record.state, to);
  }

  async #main(): Promise<RunResult> {
    const { clock } = this.#s;
    const plan = this.#plan;
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
      const usage = this.#s.planUsage;
      this.#emit("plan.created", {
        plan: JSON.parse(JSON.stringify(plan)),
        ...(usage ? { usage } : {}),
      });
      if (usage) this.#report(usage);
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
    const deadline = new AbortController();
    clock.sleep(Math.min(this.#s.limits.maxDurationMs, 2 ** 31 - 1), deadline.signal).then(
      () =>
        this.#stopForLimit(
          "maxDurationMs",
          `The run took longer than ${this.#s.limits.maxDurationMs} ms`,
        ),
      () => {},
    );
    try {
      for (;;) {
        this.#dirty = false;
        const started = this.#stop ? 0 : this.#schedule();
        const idle = this.#runningSteps.size === 0 && this.#timers === 0;
        if (idle && started === 0 && this.#ready.length > 0 && !this.#stop) {
          const { scheduler } = this.#s;
          const ready = this.#ready.map((r) => r.step);
          const wait = scheduler.retryAfterMs?.(
            ready,
            this.#view(this.#guard.limits.maxConcurrency),
          );
          if (wait !== undefined && wait >= 0) {
            // Nothing can start yet (a rate limit, say): look again when the scheduler says.
            this.#timers++;
            clock.sleep(Math.max(1, wait), this.#halted.signal).catch(() => {}).finally(() => {
              this.#timers--;
              this.#poke();
            });
          } else {
            this.#stopForLimit(
              "scheduler",
              `Scheduler "${scheduler.name}" started none of ${this.#ready.length} ready steps while nothing was running`,
            );
          }
        }
        const paused = this.#replanner.waiting && !this.#stop;
        if (idle && !paused && (this.#ready.length === 0 || this.#stop)) break;
        const backlog = this.#log.schedule();
        if (backlog) await backlog;
        if (this.#dirty) continue;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      deadline.abort();
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
    const condition = this.#conditions.get(step.id);
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
      plan: this.#plan,
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
    const { scheduler } = this.#s;
    if (this.#ready.length === 0) return 0;
    const slots = this.#guard.limits.maxConcurrency - this.#runningSteps.size;
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
      const loop = limit === "repetition" || limit === "noProgress" || limit === "stateRecurrence";
      this.#emit(
        loop ? "loop.detected" : "limit.exceeded",
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
    this.#live.add(record);
    const controller = new AbortController();
    record.controller = controller;
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
      record.key = key;
      if (this.#trip(this.#guard.repeat(tool, key, record.attempts === 1))) {
        throw new Stop("repetition");
      }
      const cacheable = tool.idempotent === true && tool.cache !== false;
      const shared = cacheable ? this.#cache.get(key) : undefined;
      if (shared) {
        output = await shared;
        cached = true;
      } else {
        const call = this.#call(tool, step, input, record.attempts, usage, controller);
        if (cacheable) {
          this.#cache.set(key, call);
          // A failed call is forgotten, so a retry calls the tool again.
          call.catch(() => this.#cache.delete(key));
        }
        output = await call;
      }
      output = this.#checkOutput(tool, step, output);
    } catch (e) {
      error = e;
    }
    this.#runningSteps.delete(step);
    this.#live.delete(record);
    const durationMs = this.#s.clock.now() - started;
    if (record.replaced !== undefined) {
      // A replan took the step out while it ran: its result belongs to no version.
      this.#emit("step.cancelled", { reason: record.replaced, durationMs, usage }, step.id);
    } else if (error === undefined) {
      this.#setState(record, "completed");
      this.#outputs.set(step.id, output);
      this.#conditionSteps[step.id] = { output };
      this.#guard.progressed();
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
    controller: AbortController,
  ): Promise<unknown> {
    const report = (u: Usage) => {
      usage.tokens += u.tokens ?? 0;
      usage.apiCalls += u.apiCalls ?? 0;
      usage.costUsd += u.costUsd ?? 0;
      this.#report(u);
    };
    // A step started just as the run's deadline passed is aborted at once.
    if (this.#stop && this.#stop.limit === "maxDurationMs") {
      controller.abort(new Stop(this.#stop.reason));
    }
    try {
      return await callTool(tool, input, {
        stepId: step.id,
        timeoutMs: step.timeoutMs,
        controller,
        clock: this.#s.clock,
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

  /** Checks a tool's output: JSON, its size cap, the tool's output schema, the step's `expect:`. */
  #checkOutput(tool: Tool, step: Step, output: unknown): unknown {
    const json = output === undefined ? "null" : JSON.stringify(output);
    if (json === undefined) {
      throw new TypeError(`Tool "${tool.name}" returned a value that is not JSON`);
    }
    if (json.length > this.#guard.limits.maxOutputBytes) {
      throw new RangeError(
        `Tool "${tool.name}" returned ${json.length} bytes, more than maxOutputBytes (${this.#guard.limits.maxOutputBytes})`,
      );
    }
    const value = JSON.parse(json);
    if (tool.output) {
      const issue = checkSchema(tool.output, value, "output");
      if (issue) {
        throw new UnexpectedResult(
          `${issue.path}: ${issue.message} (output of tool "${tool.name}")`,
        );
      }
    }
    const expect = step.expect === undefined
      ? undefined
      : this.#conditions.get(`expect:${step.id}`);
    if (expect !== undefined) {
      let met: unknown;
      try {
        met = expect({ steps: this.#conditionSteps, context: this.#s.context, output: value });
      } catch (error) {
        throw new UnexpectedResult(`expect "${step.expect}" failed: ${(error as Error).message}`);
      }
      if (met !== true) {
        throw new UnexpectedResult(`The output does not meet expect "${step.expect}"`);
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
      !(error instanceof UnexpectedResult) && record.attempts <= retry.max;
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
      const controller = new AbortController();
      record.controller = controller;
      this.#live.add(record);
      this.#timers++;
      try {
        await this.#s.clock.sleep(
          delayMs,
          AbortSignal.any([this.#halted.signal, controller.signal]),
        );
      } catch {
        // Cancelled while waiting: the step ends failed below.
      }
      this.#timers--;
      this.#live.delete(record);
      if (record.replaced !== undefined) return;
      if (!this.#stop) {
        this.#makeReady(record);
        return;
      }
    }
    const final = stopped ? `Stopped: ${this.#stop?.reason ?? error}` : message;
    const replan = !this.#stop && !stopped;
    this.#fail(record, final, { durationMs, usage }, replan ? "replan" : false);
    if (replan) {
      const kind = error instanceof UnexpectedResult
        ? "unexpected"
        : (error as Error)?.name === "TimeoutError"
        ? "timeout"
        : "failure";
      this.#replanner.trigger({ kind, stepId: step.id, error: final });
    }
  }

  /**
   * Records a step's failure. `true` skips its pending dependents now; `"replan"` leaves them
   * to the replanner, which skips them when no strategy answers.
   */
  #fail(
    record: StepRecord,
    error: string,
    data: Record<string, unknown>,
    cascade: boolean | "replan",
  ): void {
    this.#setState(record, "failed");
    record.error = error;
    const attempts = record.attempts;
    this.#failures.push({ stepId: record.step.id, error, attempts });
    this.#emit("step.failed", { error, attempts, ...data }, record.step.id, "error");
    if (cascade === true) this.#skipDependents(record);
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

  /**
   * Replaces the running version with a validated next one: steps that live on keep their
   * results (or go on running), replaced running steps are aborted, the rest start afresh.
   */
  #adopt(
    plan: Plan,
    conditions: ReadonlyMap<string, Condition>,
  ): { kept: number; reset: string[]; cancelled: string[] } {
    const old = this.#records;
    const kept = survivingSteps(old, plan, (step) => {
      try {
        const input = resolveReferences(step.input, {
          outputs: this.#outputs,
          context: this.#s.context,
        });
        return `${step.tool}\u0000${canonicalJson(input)}`;
      } catch {
        return undefined;
      }
    });
    const records = new Map<string, StepRecord>();
    const reset: string[] = [];
    const cancelled: string[] = [];
    for (const step of plan.steps) {
      const prev = old.get(step.id);
      if (prev !== undefined && kept.has(step.id)) {
        prev.step = step;
        records.set(step.id, prev);
      } else {
        records.set(step.id, newRecord(step, prev?.attempts ?? 0));
      }
    }
    const why = `Replaced by plan version ${plan.version}`;
    for (const [id, prev] of old) {
      if (records.get(id) === prev) continue;
      if (prev.state === "completed" || prev.state === "failed" || prev.state === "skipped") {
        reset.push(id);
      }
      if (prev.state === "running" || prev.state === "retrying") {
        prev.replaced = why;
        prev.controller?.abort(new Stop(why));
        cancelled.push(id);
      }
      this.#outputs.delete(id);
      delete this.#conditionSteps[id];
    }
    linkRecords(records);
    this.#records = records;
    this.#plan = plan;
    this.#conditions = conditions;
    this.#log.planVersion = plan.version;
    this.#ready = [...records.values()].filter((r) => r.state === "ready");
    return { kept: kept.size, reset, cancelled };
  }

  /** After a new version is recorded: settles its new steps whose dependencies are done. */
  #settleNew(): void {
    for (const record of this.#records.values()) {
      if (record.state === "pending" && record.waiting === 0) this.#settle(record);
    }
    this.#poke();
  }

  async #finish(): Promise<RunResult> {
    const plan = this.#plan;
    const steps: Record<string, StepState> = {};
    const outputs: Record<string, unknown> = {};
    const undone: string[] = [];
    let failed = false;
    for (const [id, record] of this.#records) {
      steps[id] = record.state;
      if (record.state === "failed") failed = true;
      if (record.state === "completed") outputs[id] = this.#outputs.get(id);
      else undone.push(id);
    }
    // A step merged into an identical one by the optimizer reports that one's result.
    if (plan.version === this.#s.plan.version) {
      for (const [merged, into] of this.#s.optimized?.mergedSteps ?? []) {
        steps[merged] = steps[into]!;
        if (into in outputs) outputs[merged] = outputs[into];
        else undone.push(merged);
      }
    }
    const status: RunStatus = this.#stop?.status ?? (failed ? "failed" : "completed");
    const durationMs = this.#s.clock.now() - this.#startedAt;
    this.#ended = status;
    const type = `run.${status}` as RunEventType;
    const summary = {
      status,
      durationMs,
      completed: Object.keys(outputs).length,
      undone,
      planVersion: plan.version,
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
      planVersion: plan.version,
      replans: this.#guard.replans,
    };
  }
}

function newRecord(step: Step, attempts: number): StepRecord {
  return { step, state: "pending", attempts, waiting: 0, dependents: [] };
}

/** Links each record to its dependents and counts the dependencies it waits for. */
function linkRecords(records: ReadonlyMap<string, StepRecord>): void {
  for (const record of records.values()) {
    record.dependents = [];
    record.waiting = 0;
  }
  for (const record of records.values()) {
    for (const dep of record.step.dependsOn) {
      const from = records.get(dep)!;
      from.dependents.push(record);
      if (from.state !== "completed" && from.state !== "skipped") record.waiting++;
    }
  }
}

function toJson(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? "null");
  } catch {
    return String(value);
  }
}
