// Executes one plan: readiness, scheduling, limits, replans, events (steps run in step_runner.ts).
import type { EventImpact, RunEventType } from "./events.ts";
import { EventLog } from "./event_log.ts";
import type { Limits } from "./limits.ts";
import type { Plan, Step } from "./plan.ts";
import type { RunResult, RunStatus } from "./run_result.ts";
import type { SchedulerView } from "./scheduler.ts";
import type { Usage } from "./tool.ts";
import { LoopGuard, type Trip } from "./loop_guard.ts";
import type { RunState } from "./run_state.ts";
import { RunReplanner } from "./run_replanner.ts";
import { StepBoard } from "./step_board.ts";
import type { StepRecord } from "./_step_records.ts";
import type { PlanVersion } from "./plan_diff.ts";
import { RunView } from "./_run_view.ts";
import { StepRunner, Stop } from "./step_runner.ts";
import { openRun } from "./_run_opening.ts";
import { RecentEvents } from "./_recent_events.ts";
import { startRun } from "./_run_lease.ts";
import type { RunSetup } from "./_run_setup.ts";

/** A running plan; `cancel()` and `done` are all the orchestrator needs. */
export class RunLoop {
  readonly #s: RunSetup;
  readonly #board: StepBoard;
  /** Aborted on any stop: interrupts retry back-off and planners. */
  readonly #halted = new AbortController();
  readonly #guard: LoopGuard;
  readonly #runner: StepRunner;
  readonly #log: EventLog;
  readonly #replanner: RunReplanner;
  /** The last events, for planners. */
  readonly #recent = new RecentEvents();
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
  /**
   * Resolves once the run may write its history (it holds its lease, and a named run is not
   * in the history already); rejects with the reason it may not.
   */
  readonly begun: Promise<void>;

  constructor(setup: RunSetup) {
    this.#s = setup;
    this.#board = new StepBoard(
      setup.plan,
      setup.conditions,
      setup.context,
      (type, data, stepId, impact) => this.#emit(type, data, stepId, impact),
      setup.scheduler.queue,
    );
    this.#log = new EventLog({
      runId: setup.runId,
      planVersion: setup.plan.version,
      clock: setup.clock,
      store: setup.store,
      afterSeq: setup.resume?.seq ?? 0,
      checkpointEvery: setup.checkpointEvery,
      // A new run under a fresh id claims its lease with its first batch: nobody else can hold
      // it, and a short run then writes its history in one transaction.
      ...(setup.lease ? { lease: { ...setup.lease, claim: freshRun(setup) } } : {}),
      snapshot: () => this.#snapshot(),
      stateSize: () => this.#board.outputs.size,
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
    this.#runner = this.#makeRunner();
    if (resume) this.#board.restore(resume);
    ({ done: this.done, begun: this.begun } = startRun({
      runId: setup.runId,
      store: setup.store,
      clock: setup.clock,
      ...(setup.lease ? { lease: setup.lease } : {}),
      // The orchestrator claims a run before it reads the state to resume.
      claimed: setup.resume !== undefined || freshRun(setup),
      released: () => this.#log.released,
      named: setup.named === true,
      lost: (reason) => this.#halt({ status: "failed", reason }, true),
    }, () => this.#main()));
  }

  #makeRunner(): StepRunner {
    const s = this.#s;
    return new StepRunner({
      runId: s.runId,
      tools: s.tools,
      clock: s.clock,
      context: s.context,
      board: this.#board,
      guard: this.#guard,
      halted: this.#halted.signal,
      stopped: () => this.#stop,
      emit: (type, data, stepId, impact) => this.#emit(type, data, stepId, impact),
      trip: (trip) => this.#trip(trip),
      report: (usage) => this.#report(usage),
      poke: () => this.#poke(),
      busy: (delta) => {
        this.#timers += delta;
      },
      requestCheckpoint: () => this.#log.requestCheckpoint(),
      replan: (trigger) => this.#replanner.trigger(trigger),
      answers: (kind) => this.#replanner.answers(kind),
    });
  }

  #makeReplanner(): RunReplanner {
    return new RunReplanner(this.#s.replanning, {
      runId: this.#s.runId,
      tools: this.#s.tools,
      context: this.#s.context,
      clock: this.#s.clock,
      guard: this.#guard,
      signal: this.#halted.signal,
      plan: () => this.#board.plan,
      outputs: this.#board.outputs,
      states: () => new Map([...this.#board.records].map(([id, r]) => [id, r.state])),
      state: (stepId) => this.#board.records.get(stepId)?.state,
      stopped: () => this.#stop !== undefined,
      emit: (type, data, stepId, impact) => this.#emit(type, data, stepId, impact),
      adopt: (plan, conditions) => {
        const change = this.#board.adopt(
          plan,
          conditions,
          (record, why) => record.controller?.abort(new Stop(why)),
        );
        this.#log.planVersion = plan.version;
        return change;
      },
      settle: () => {
        this.#board.settlePending();
        this.#poke();
      },
      unhandled: (stepId) => {
        const record = this.#board.records.get(stepId);
        if (record?.state === "failed") this.#board.skipDependents(record);
      },
      stop: (limit, reason) => this.#stopForLimit(limit, reason),
      report: (usage) => this.#report(usage),
      recent: () => this.#recent.lines(),
      busy: (delta) => {
        this.#timers += delta;
        this.#poke();
      },
    });
  }

  /** The state to checkpoint: exactly the fold of every event emitted so far. */
  #snapshot(): RunState {
    return {
      seq: this.#log.seq,
      outputs: this.#board.outputsRecord(),
      ...this.#board.snapshot(),
      usage: { ...this.#guard.usage },
      retries: this.#guard.retries,
      replans: this.#guard.replans,
      planVersion: this.#board.plan.version,
      ...(this.#ended === undefined ? {} : { ended: this.#ended }),
      ...(this.#replanner.waitingFor ? { waiting: this.#replanner.waitingFor } : {}),
    };
  }

  /** The plan version being run. */
  get plan(): Plan {
    return this.#board.plan;
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
      this.#runner.abortAll(stop.reason);
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
    this.#recent.note(type, data, stepId, impact);
  }

  async #main(): Promise<RunResult> {
    const { clock } = this.#s;
    this.#startedAt = clock.now();
    openRun(this.#s, this.#board.plan, {
      emit: (type, data) => this.#emit(type, data),
      report: (usage) => this.#report(usage),
      pause: (waiting) =>
        this.#replanner.pause(waiting, "Resumed while waiting for an intervention"),
      skipBlocked: () => this.#board.skipBlocked(),
    });
    this.#board.settlePending();
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
        const idle = this.#runner.running.size === 0 && this.#timers === 0;
        if (idle && started === 0 && this.#board.ready.size > 0 && !this.#stop) {
          const { scheduler } = this.#s;
          const slots = this.#guard.limits.maxConcurrency;
          const wait = scheduler.retryAfterMs?.(this.#readySteps(slots), this.#view(slots));
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
              `Scheduler "${scheduler.name}" started none of ${this.#board.ready.size} ready steps while nothing was running`,
            );
          }
        }
        const paused = this.#replanner.waiting && !this.#stop;
        if (idle && !paused && (this.#board.ready.size === 0 || this.#stop)) break;
        const backlog = this.#log.schedule();
        if (backlog) await backlog;
        if (this.#dirty) continue;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // A plain reason: an abort without one builds a DOMException and its stack.
      deadline.abort("ended");
    }
    return await this.#finish();
  }

  #view(slots: number): SchedulerView {
    return new RunView(
      this.#board.plan,
      this.#runner.running,
      slots,
      this.#s.tools,
      this.#guard,
      this.#s.clock.now(),
    );
  }

  /** Asks the scheduler and starts what it picks; returns how many started. */
  #schedule(): number {
    const { scheduler } = this.#s;
    if (this.#board.ready.size === 0) return 0;
    const slots = this.#guard.limits.maxConcurrency - this.#runner.running.size;
    if (slots <= 0) return 0;
    const decisions = scheduler.select(this.#readySteps(slots), this.#view(slots));
    let started = 0;
    for (const decision of decisions) {
      if (started >= slots || this.#stop) break;
      // Only a ready step starts, once: starting it makes it running.
      const record = this.#board.records.get(decision.stepId);
      if (record === undefined || record.state !== "ready") continue;
      if (!this.#admit(record)) break;
      started++;
      void this.#runner.attempt(record, decision.reason);
    }
    return started;
  }

  /**
   * The ready steps the scheduler is handed: with a queue, only as many as may start now in its
   * order; without one, all of them.
   */
  #readySteps(slots: number): Step[] {
    const queue = this.#s.scheduler.queue;
    const room = queue === undefined
      ? Infinity
      : Math.max(1, Math.min(slots, (queue.concurrency ?? Infinity) - this.#runner.running.size));
    return this.#board.ready.first(room).map((r) => r.step);
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

  async #finish(): Promise<RunResult> {
    const plan = this.#board.plan;
    // Steps the optimizer merged away report the results of the steps they were merged into.
    const { steps, outputs, undone, failed } = this.#board.outcome(
      plan.version === this.#s.plan.version ? this.#s.optimized?.mergedSteps : undefined,
    );
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
    // A checkpoint a step asked for is saved before the run's last event, not after it.
    if (this.#log.checkpointDue) await this.#log.drain();
    this.#emit(type, summary, undefined, status === "completed" ? "info" : "error");
    await this.#log.drain(true);
    return {
      runId: this.#s.runId,
      status,
      output: plan.output === undefined ? undefined : this.#board.outputs.get(plan.output),
      outputs,
      steps,
      undone,
      failures: this.#board.failures,
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

/** A new run under an id made for it (not resumed, not named by the caller). */
function freshRun(setup: RunSetup): boolean {
  return setup.resume === undefined && setup.named !== true;
}
