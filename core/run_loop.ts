// Executes one plan: readiness, scheduling, step attempts, retries, limits, events.
import type { Clock } from "./clock.ts";
import type { EventImpact, RunEvent, RunEventType } from "./events.ts";
import { checkSchema } from "./json_schema.ts";
import type { Limits } from "./limits.ts";
import type { Plan, Step } from "./plan.ts";
import { resolveReferences } from "./references.ts";
import type { RunResult, RunStatus, StepFailure } from "./run_result.ts";
import type { Scheduler, SchedulerView } from "./scheduler.ts";
import { type StepState, transition } from "./step_state.ts";
import type { HistoryStore } from "./store.ts";
import type { Tool, ToolContext, Usage } from "./tool.ts";
import { canonicalJson } from "./canonical_json.ts";
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

/** How long events wait before they are written together. */
const GROUP_COMMIT_MS = 4;
/** How many events may wait before the loop waits for the store. */
const GROUP_MAX_EVENTS = 2000;

/** A running plan; `cancel()` and `done` are all the orchestrator needs. */
export class RunLoop {
  readonly #s: RunSetup;
  readonly #records = new Map<string, StepRecord>();
  readonly #outputs = new Map<string, unknown>();
  /** `steps` as conditions see it: completed steps' outputs. */
  readonly #conditionSteps: Record<string, { output: unknown }> = {};
  readonly #ready: StepRecord[] = [];
  /** Aborts running tools: cancellation and the run's deadline. */
  readonly #abort = new AbortController();
  /** Aborted on any stop: interrupts retry back-off. */
  readonly #halted = new AbortController();
  /** Results of idempotent calls by tool and input; in-flight calls are shared too. */
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #repeats = new Map<string, number>();
  readonly #usage = { tokens: 0, apiCalls: 0, costUsd: 0 };
  readonly #failures: StepFailure[] = [];
  #seq = 0;
  #pending: RunEvent[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #storeError: unknown;
  #running = 0;
  #lastCheckpoint = 0;
  #checkpointWanted = false;
  /** How the run ended, once it has. */
  #ended: string | undefined;
  #waitingRetries = 0;
  #attempts = 0;
  #retries = 0;
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
    if (setup.resume) this.#restore(setup.resume);
    this.done = this.#main();
  }

  /** Takes over the folded state of an interrupted run: completed work is never redone. */
  #restore(state: RunState): void {
    this.#seq = state.seq;
    this.#lastCheckpoint = state.seq;
    Object.assign(this.#usage, state.usage);
    this.#retries = state.retries;
    for (const [id, record] of this.#records) {
      record.attempts = state.attempts[id] ?? 0;
      this.#attempts += record.attempts;
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
      seq: this.#seq,
      outputs: Object.fromEntries(this.#outputs),
      states,
      attempts,
      usage: { ...this.#usage },
      retries: this.#retries,
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
    impact: EventImpact = "info",
  ) {
    const event: RunEvent = {
      seq: ++this.#seq,
      runId: this.#s.runId,
      type,
      ts: this.#s.clock.now(),
      ...(stepId === undefined ? {} : { stepId }),
      planVersion: this.#s.plan.version,
      data,
      impact,
    };
    this.#pending.push(event);
    try {
      this.#s.onEvent(event);
    } catch {
      // Observers never break the run.
    }
  }

  /**
   * Group commit: events are written a few milliseconds after they happen, many per
   * transaction, instead of one transaction per loop turn. Returns a promise to wait on only
   * when so many events wait that the loop should let the store catch up.
   */
  #scheduleFlush(): Promise<void> | undefined {
    if (this.#pending.length >= GROUP_MAX_EVENTS) return this.#flush();
    if (this.#flushTimer === undefined && this.#pending.length > 0) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        this.#flush().catch(() => {});
      }, GROUP_COMMIT_MS);
    }
    return undefined;
  }

  /**
   * Writes buffered events, in order, one batch at a time; then, when due, a checkpoint of the
   * state as of the batch's last event (taken now, before anything else can happen).
   */
  #flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#flushing;
    const batch = this.#pending;
    this.#pending = [];
    const { store, runId, checkpointEvery } = this.#s;
    // A snapshot costs as much as the state is large, so the interval grows with the state:
    // snapshots stay O(1) per event overall, and replay on resume stays short.
    const interval = Math.max(checkpointEvery, 2 * this.#outputs.size);
    const due = this.#checkpointWanted || this.#seq - this.#lastCheckpoint >= interval;
    const snapshot = due ? this.#snapshot() : undefined;
    if (snapshot) {
      this.#lastCheckpoint = snapshot.seq;
      this.#checkpointWanted = false;
    }
    this.#flushing = this.#flushing.then(async () => {
      if (this.#storeError !== undefined) return;
      try {
        await store.append(runId, batch);
        this.#s.onStored?.();
      } catch (error) {
        // History that cannot be written cannot be trusted: stop, and fail the result.
        this.#storeError = error;
        this.#halt({
          status: "failed",
          reason: `The history store failed: ${(error as Error).message}`,
        }, true);
        return;
      }
      if (snapshot) {
        await store.saveCheckpoint(runId, {
          seq: snapshot.seq,
          state: snapshot as unknown as Record<string, unknown>,
        });
        this.#emit("checkpoint.saved", {
          seq: snapshot.seq,
          completed: Object.keys(snapshot.outputs).length,
        });
      }
    });
    return this.#flushing;
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
        const idle = this.#running === 0 && this.#waitingRetries === 0;
        if (idle && started === 0 && this.#ready.length > 0 && !this.#stop) {
          const { scheduler } = this.#s;
          const ready = this.#ready.map((r) => r.step);
          const wait = scheduler.retryAfterMs?.(ready, this.#view(this.#s.limits.maxConcurrency));
          if (wait !== undefined && wait >= 0) {
            // Nothing can start yet (a rate limit, say): look again when the scheduler says.
            this.#waitingRetries++;
            setTimeout(() => {
              this.#waitingRetries--;
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
        const backlog = this.#scheduleFlush();
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
      this.#setState(record, "failed");
      record.error = `Condition "${step.when}" failed: ${(error as Error).message}`;
      this.#failures.push({ stepId: step.id, error: record.error, attempts: 0 });
      this.#emit(
        "step.failed",
        { error: record.error, attempts: 0, durationMs: 0 },
        step.id,
        "error",
      );
      return this.#skipDependents(record);
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
    const runningSteps: Step[] = [];
    for (const r of this.#records.values()) if (r.state === "running") runningSteps.push(r.step);
    return {
      plan: this.#s.plan,
      running: this.#running,
      slots,
      runningSteps,
      tools: this.#s.tools,
      usage: { ...this.#usage },
      now: this.#s.clock.now(),
    };
  }

  /** Asks the scheduler and starts what it picks; returns how many started. */
  #schedule(): number {
    const { limits, scheduler } = this.#s;
    if (this.#ready.length === 0) return 0;
    const slots = limits.maxConcurrency - this.#running;
    if (slots <= 0) return 0;
    const decisions = scheduler.select(this.#ready.map((r) => r.step), this.#view(slots));
    let started = 0;
    for (const decision of decisions) {
      if (started >= slots || this.#stop) break;
      const at = this.#ready.findIndex((r) => r.step.id === decision.stepId);
      if (at === -1) continue;
      const record = this.#ready[at]!;
      if (!this.#admit(record)) break;
      this.#ready.splice(at, 1);
      started++;
      void this.#attempt(record, decision.reason);
    }
    return started;
  }

  /** The limits checked before a step starts. */
  #admit(record: StepRecord): boolean {
    const { limits, tools } = this.#s;
    if (this.#attempts >= limits.maxSteps) {
      return this.#stopForLimit(
        "maxSteps",
        `The run reached its limit of ${limits.maxSteps} step attempts`,
      );
    }
    const cost = tools.get(record.step.tool)!.cost;
    if (cost?.costUsd !== undefined && this.#usage.costUsd + cost.costUsd > limits.maxCostUsd) {
      return this.#stopForLimit(
        "maxCostUsd",
        `Starting "${record.step.id}" ($${cost.costUsd}) would take the run past its budget of $${limits.maxCostUsd} ($${this.#usage.costUsd} spent)`,
      );
    }
    return true;
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
    const { limits } = this.#s;
    this.#usage.tokens += usage.tokens ?? 0;
    this.#usage.apiCalls += usage.apiCalls ?? 0;
    this.#usage.costUsd += usage.costUsd ?? 0;
    if (this.#usage.tokens > limits.maxTokens) {
      this.#stopForLimit(
        "maxTokens",
        `Steps used ${this.#usage.tokens} tokens, more than the limit of ${limits.maxTokens}`,
      );
    } else if (this.#usage.apiCalls > limits.maxApiCalls) {
      this.#stopForLimit(
        "maxApiCalls",
        `Steps made ${this.#usage.apiCalls} API calls, more than the limit of ${limits.maxApiCalls}`,
      );
    } else if (this.#usage.costUsd > limits.maxCostUsd) {
      this.#stopForLimit(
        "maxCostUsd",
        `Steps spent $${this.#usage.costUsd}, more than the budget of $${limits.maxCostUsd}`,
      );
    }
  }

  async #attempt(record: StepRecord, reason: string): Promise<void> {
    const { step } = record;
    const tool = this.#s.tools.get(step.tool)!;
    this.#setState(record, "running");
    this.#running++;
    this.#attempts++;
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
      // Retries are bounded by the retry policy; repetition counts fresh calls only.
      const seen = (this.#repeats.get(key) ?? 0) + (record.attempts === 1 ? 1 : 0);
      this.#repeats.set(key, seen);
      if (seen > this.#s.limits.maxRepeats && !(tool.idempotent && tool.cache !== false)) {
        this.#stopForLimit(
          "repetition",
          `Tool "${tool.name}" was called ${seen} times with the same input (limit ${this.#s.limits.maxRepeats}); the run looks stuck in a loop`,
        );
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
    this.#running--;
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
      if (step.checkpoint) this.#checkpointWanted = true;
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
    const timeoutMs = step.timeoutMs;
    // Combining signals is not free: only steps with a timeout need their own.
    const local = timeoutMs === undefined ? undefined : new AbortController();
    const signal = local ? AbortSignal.any([this.#abort.signal, local.signal]) : this.#abort.signal;
    const ctx: ToolContext = {
      signal,
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
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const abandoned = new Promise<never>((_, reject) => {
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const error = new Error(`Step "${step.id}" timed out after ${timeoutMs} ms`);
          error.name = "TimeoutError";
          local!.abort(error);
          reject(error);
        }, timeoutMs);
      }
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      // A tool that ignores its signal is abandoned here; its result, if any, is dropped.
      return await Promise.race([
        Promise.resolve().then(() => tool.run(input as never, ctx)),
        abandoned,
      ]);
    } finally {
      clearTimeout(timer);
      // The run's signal outlives the step: do not leave a listener per step on it.
      signal.removeEventListener("abort", onAbort!);
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
    if (canRetry && this.#retries >= this.#s.limits.maxRetries) {
      this.#stopForLimit(
        "maxRetries",
        `The run reached its limit of ${this.#s.limits.maxRetries} retries`,
      );
    } else if (canRetry) {
      this.#retries++;
      const base = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (record.attempts - 1));
      const delayMs = Math.round(base / 2 + Math.random() * (base / 2));
      this.#setState(record, "retrying");
      this.#emit(
        "step.retrying",
        { error: message, attempt: record.attempts, delayMs, durationMs, usage },
        step.id,
        "warning",
      );
      this.#waitingRetries++;
      try {
        await this.#s.clock.sleep(delayMs, this.#halted.signal);
      } catch {
        // Cancelled while waiting: the step ends failed below.
      }
      this.#waitingRetries--;
      if (!this.#stop) {
        this.#makeReady(record);
        return;
      }
    }
    this.#setState(record, "failed");
    record.error = stopped ? `Stopped: ${this.#stop?.reason ?? error}` : message;
    this.#failures.push({ stepId: step.id, error: record.error, attempts: record.attempts });
    this.#emit(
      "step.failed",
      { error: record.error, attempts: record.attempts, durationMs, usage },
      step.id,
      "error",
    );
    if (!this.#stop) this.#skipDependents(record);
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
      usage: { ...this.#usage },
    };
    this.#emit(type, summary, undefined, status === "completed" ? "info" : "error");
    // Flushing can record a checkpoint event; flush until nothing is left unstored.
    clearTimeout(this.#flushTimer);
    while (this.#pending.length > 0 && this.#storeError === undefined) await this.#flush();
    await this.#flushing;
    if (this.#storeError !== undefined) throw this.#storeError;
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
      usage: { ...this.#usage },
      durationMs,
      events: this.#seq,
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
