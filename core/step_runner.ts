// Running one step: its attempts, the tool call, retries with back-off, and what a failure
// or a step past its share of the deadline sets off.
import { addUsage, noUsage, type Total } from "./_usage.ts";
import { backoffDelay } from "./_backoff.ts";
import { CallAbort, callTool } from "./call_tool.ts";
import { canonicalJson } from "./canonical_json.ts";
import { checkStepOutput, UnexpectedResult } from "./check_output.ts";
import type { Clock } from "./clock.ts";
import type { EventImpact, RunEventType } from "./events.ts";
import { checkSchema } from "./json_schema.ts";
import type { LoopGuard, Trip } from "./loop_guard.ts";
import type { Step } from "./plan.ts";
import type { ReplanTrigger } from "./planner.ts";
import { resolveReferences } from "./references.ts";
import type { StepBoard } from "./step_board.ts";
import type { StepRecord } from "./_step_records.ts";
import type { Tool, ToolContext, Usage } from "./tool.ts";

/** One attempt of a step, from its start to its end. */
interface Attempt {
  readonly record: StepRecord;
  readonly tool: Tool;
  readonly started: number;
  readonly usage: Total;
  readonly unwatch: (() => void) | undefined;
  /** The output came from an identical call of an idempotent tool. */
  cached: boolean;
}

/** Why the run stopped a step: cancellation, a limit, a replan that replaced it. */
export class Stop extends Error {}

/** What running a step needs from its run. */
export interface AttemptSite {
  readonly runId: string;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly clock: Clock;
  readonly context: Readonly<Record<string, unknown>>;
  readonly board: StepBoard;
  readonly guard: LoopGuard;
  /** Aborted when the run stops: ends retry back-off. */
  readonly halted: AbortSignal;
  /** How the run was stopped, once it was. */
  stopped(): { readonly reason: string; readonly limit?: string } | undefined;
  emit(
    type: RunEventType,
    data: Record<string, unknown>,
    stepId?: string,
    impact?: EventImpact,
  ): void;
  /** Stops the run when a limit tripped; true when it did. */
  trip(trip: Trip | undefined): boolean;
  /** Counts resources a step reported against the run's limits. */
  report(usage: Usage): void;
  /** Wakes the run loop. */
  poke(): void;
  /** One more (or one fewer) timer the run loop waits for. */
  busy(delta: number): void;
  requestCheckpoint(): void;
  /** Hands a trigger to the replanner. */
  replan(trigger: ReplanTrigger): void;
  /** Whether the replan policy answers a kind of trigger. */
  answers(kind: ReplanTrigger["kind"]): boolean;
}

/**
 * Runs steps for a run: each attempt resolves the step's input, calls its tool (sharing the
 * calls of idempotent tools), checks the output and records the outcome.
 */
export class StepRunner {
  /** The steps running now. */
  readonly running = new Set<Step>();
  readonly #site: AttemptSite;
  /** Results of idempotent calls by tool and input; in-flight calls are shared too. */
  readonly #cache = new Map<string, Promise<unknown>>();

  constructor(site: AttemptSite) {
    this.#site = site;
  }

  /**
   * Aborts every running step and retry back-off: the records holding an abort switch (a step
   * keeps one only while it runs or waits to retry). Looked up when needed, once a run, rather
   * than kept in a set every step joins and leaves.
   */
  abortAll(reason: string): void {
    for (const record of this.#site.board.records.values()) {
      record.controller?.abort(new Stop(reason));
    }
  }

  /**
   * Runs one attempt of a ready step (`reason` is the scheduler's). A tool that answers
   * synchronously is settled before this returns, with no promise made; otherwise the attempt
   * settles when the returned promise does.
   */
  attempt(record: StepRecord, reason: string): Promise<void> | undefined {
    const { step } = record;
    const tool = this.#site.tools.get(step.tool)!;
    this.#site.board.setState(record, "running");
    this.running.add(step);
    const abort = new CallAbort();
    record.controller = abort;
    this.#site.guard.started();
    record.attempts++;
    const started = this.#site.clock.now();
    const unwatch = this.#watchDeadlineShare(record, abort);
    this.#site.emit(
      "step.started",
      { tool: step.tool, attempt: record.attempts, reason },
      step.id,
      "progress",
    );
    const run: Attempt = { record, tool, started, usage: noUsage(), unwatch, cached: false };
    let answer: unknown;
    try {
      answer = this.#answer(run, abort);
    } catch (error) {
      return this.#settle(run, undefined, error);
    }
    if (answer instanceof Promise) {
      return answer.then(
        (output) => this.#settle(run, output, undefined),
        (error) => this.#settle(run, undefined, error),
      );
    }
    return this.#settle(run, answer, undefined);
  }

  /**
   * Resolves the step's input, checks it and calls the tool (sharing the calls of idempotent
   * tools): the output, or a promise of it when the tool answers with one or the call is shared.
   */
  #answer(run: Attempt, abort: CallAbort): unknown {
    const { record, tool } = run;
    const { step } = record;
    const input = resolveReferences(step.input, {
      outputs: this.#site.board.outputs,
      context: this.#site.context,
    });
    const issue = checkSchema(tool.input, input, "input");
    if (issue) {
      throw new TypeError(`${issue.path}: ${issue.message} (input of tool "${tool.name}")`);
    }
    const key = `${tool.name}\u0000${canonicalJson(input)}`;
    record.key = key;
    if (this.#site.trip(this.#site.guard.repeat(tool, key, record.attempts === 1))) {
      throw new Stop("repetition");
    }
    const cacheable = tool.idempotent === true && tool.cache !== false;
    if (!cacheable) return this.#call(tool, step, input, record.attempts, run.usage, abort);
    const shared = this.#cache.get(key);
    if (shared) {
      run.cached = true;
      return shared;
    }
    let call: Promise<unknown>;
    try {
      call = Promise.resolve(this.#call(tool, step, input, record.attempts, run.usage, abort));
    } catch (e) {
      call = Promise.reject(e);
    }
    this.#cache.set(key, call);
    // A failed call is forgotten, so a retry calls the tool again.
    call.catch(() => this.#cache.delete(key));
    return call;
  }

  /** Records how an attempt ended: completed, cancelled by a replan, or failed (maybe retried). */
  #settle(run: Attempt, answer: unknown, failure: unknown): Promise<void> | undefined {
    const { record, tool, usage } = run;
    const { step } = record;
    let output = answer;
    let error = failure;
    if (error === undefined) {
      try {
        output = checkStepOutput(tool, step, output, {
          maxOutputBytes: this.#site.guard.limits.maxOutputBytes,
          expect: step.expect === undefined
            ? undefined
            : this.#site.board.conditions.get(`expect:${step.id}`),
          scope: { steps: this.#site.board.conditionSteps, context: this.#site.context },
        });
      } catch (e) {
        error = e;
      }
    }
    run.unwatch?.();
    this.running.delete(step);
    // Nothing aborts a settled call: the switch is not kept for the rest of the run.
    record.controller = undefined;
    const durationMs = this.#site.clock.now() - run.started;
    if (record.replaced !== undefined) {
      // A replan took the step out while it ran: its result belongs to no version.
      this.#site.emit("step.cancelled", {
        reason: record.replaced,
        durationMs,
        usage: { ...usage },
      }, step.id);
    } else if (error === undefined) {
      this.#site.board.complete(record, output);
      this.#site.guard.progressed();
      this.#site.emit(
        "step.completed",
        { output, durationMs, attempt: record.attempts, cached: run.cached, usage: { ...usage } },
        step.id,
        "progress",
      );
      if (step.checkpoint) this.#site.requestCheckpoint();
      this.#site.board.release(record);
    } else {
      return this.#failed(record, error, durationMs, usage).then(() => this.#site.poke());
    }
    this.#site.poke();
    return undefined;
  }

  /**
   * Triggers a `deadline` replan when a step is still running past its share of the run's
   * deadline: its estimate, scaled so that the plan's estimated makespan fills `maxDurationMs`.
   * Only for steps with an estimate, and only when the replan policy answers `deadline`.
   * @returns What ends the watch, when there is one.
   */
  #watchDeadlineShare(record: StepRecord, abort: CallAbort): (() => void) | undefined {
    const { step } = record;
    const plan = this.#site.board.plan;
    const deadlineMs = this.#site.guard.limits.maxDurationMs;
    if (step.estimateMs <= 0 || plan.estimatedDurationMs <= 0) return undefined;
    if (!Number.isFinite(deadlineMs) || !this.#site.answers("deadline")) return undefined;
    const shareMs = Math.round(step.estimateMs * deadlineMs / plan.estimatedDurationMs);
    const watch = new AbortController();
    this.#site.clock.sleep(shareMs, watch.signal).then(() => {
      if (record.state !== "running" || record.controller !== abort) return;
      this.#site.replan({
        kind: "deadline",
        stepId: step.id,
        error:
          `Step "${step.id}" is still running after ${shareMs} ms, its share of the run's ${deadlineMs} ms deadline (estimate ${step.estimateMs} ms of ${plan.estimatedDurationMs} ms)`,
      });
    }, () => {});
    return () => watch.abort("settled");
  }

  /** Calls the tool: its output, or a promise of it when the tool answers with one. */
  #call(
    tool: Tool,
    step: Step,
    input: unknown,
    attempt: number,
    usage: Total,
    abort: CallAbort,
  ): unknown {
    // A step started just as the run's deadline passed is aborted at once.
    const stop = this.#site.stopped();
    if (stop && stop.limit === "maxDurationMs") {
      abort.abort(new Stop(stop.reason));
    }
    const context = new CallContext(this.#site, step.id, attempt, usage, abort);
    const options = {
      stepId: step.id,
      timeoutMs: step.timeoutMs,
      abort,
      clock: this.#site.clock,
      context,
    };
    const { cost } = tool;
    if (cost === undefined) return callTool(tool, input, options);
    // The tool's fixed cost is charged once the call has settled, however it ends.
    let answer: unknown;
    try {
      answer = callTool(tool, input, options);
    } catch (error) {
      context.report(cost);
      throw error;
    }
    if (!(answer instanceof Promise)) {
      context.report(cost);
      return answer;
    }
    return answer.finally(() => context.report(cost));
  }

  /** A failed attempt: retried with back-off, or the step fails and may trigger a replan. */
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
    const canRetry = !stopped && !this.#site.stopped() && !(error instanceof TypeError) &&
      !(error instanceof UnexpectedResult) && record.attempts <= retry.max;
    // A retry counts against the run's retries; when they are used up the step fails below.
    if (canRetry && !this.#site.trip(this.#site.guard.retry())) {
      const delayMs = backoffDelay(retry.backoffMs, record.attempts, retry.maxBackoffMs);
      this.#site.board.setState(record, "retrying");
      this.#site.emit(
        "step.retrying",
        { error: message, attempt: record.attempts, delayMs, durationMs, usage: { ...usage } },
        step.id,
        "warning",
      );
      const controller = new AbortController();
      record.controller = controller;
      this.#site.busy(1);
      try {
        await this.#site.clock.sleep(
          delayMs,
          AbortSignal.any([this.#site.halted, controller.signal]),
        );
      } catch {
        // Cancelled while waiting: the step ends failed below.
      }
      this.#site.busy(-1);
      record.controller = undefined;
      if (record.replaced !== undefined) return;
      if (!this.#site.stopped()) {
        this.#site.board.retry(record);
        return;
      }
    }
    const final = stopped ? `Stopped: ${this.#site.stopped()?.reason ?? error}` : message;
    const replan = !this.#site.stopped() && !stopped;
    this.#site.board.fail(record, final, { durationMs, usage: { ...usage } }, !replan);
    if (replan) {
      const kind = error instanceof UnexpectedResult
        ? "unexpected"
        : (error as Error)?.name === "TimeoutError"
        ? "timeout"
        : "failure";
      this.#site.replan({ kind, stepId: step.id, error: final });
    }
  }
}

/** What a tool sees of its call; the signal is made only when the tool reads it. */
class CallContext implements ToolContext {
  readonly runId: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly #site: AttemptSite;
  readonly #usage: Total;
  readonly #abort: CallAbort;
  #report: ((usage: Usage) => void) | undefined;
  #emit: ((message: string, data?: unknown) => void) | undefined;

  constructor(
    site: AttemptSite,
    readonly stepId: string,
    readonly attempt: number,
    usage: Total,
    abort: CallAbort,
  ) {
    this.runId = site.runId;
    this.context = site.context;
    this.#site = site;
    this.#usage = usage;
    this.#abort = abort;
  }

  // Functions of their own, so that a tool may take them off the context; made when first read,
  // as most calls never report or emit.
  get report(): (usage: Usage) => void {
    return this.#report ??= (u) => {
      addUsage(this.#usage, u);
      this.#site.report(u);
    };
  }

  get emit(): (message: string, data?: unknown) => void {
    return this.#emit ??= (message, data) =>
      this.#site.emit(
        "tool.progress",
        { message, ...(data === undefined ? {} : { data: toJson(data) }) },
        this.stepId,
        "progress",
      );
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

function toJson(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? "null");
  } catch {
    return String(value);
  }
}
