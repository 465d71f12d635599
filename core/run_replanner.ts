// A run's side of replanning: the queue of triggers, pauses, interventions and rollbacks.
import { choosePlan } from "./choose_plan.ts";
import type { Clock } from "./clock.ts";
import type { Condition } from "./conditions.ts";
import { BatonError } from "./errors.ts";
import type { EventImpact, RunEventType } from "./events.ts";
import { descendantsIn, planEdges } from "./graph.ts";
import type { LoopGuard, Trip } from "./loop_guard.ts";
import { planToInput } from "./optimize_plan.ts";
import type { Plan, PlanInput } from "./plan.ts";
import { diffPlans, type PlanVersion } from "./plan_diff.ts";
import { planDelta } from "./_plan_delta.ts";
import { runStateKey } from "./_state_key.ts";
import { carryCompletedSteps } from "./plan_merge.ts";
import { candidatesOf, errorsOf, errorText, toolSummaries } from "./_planning.ts";
import { addUsage, noUsage } from "./_usage.ts";
import type { Planner, ReplanBrief, ReplanTrigger } from "./planner.ts";
import type { ReplanEngine, ReplanHost, ReplanOutcome } from "./replan.ts";
import type { StepState } from "./step_state.ts";
import type { Tool, Usage } from "./tool.ts";

/** How a run replans: given by the orchestrator. */
export interface RunReplanning {
  /**
   * Validates plan input as plan version `version` replacing `parent`.
   * @throws {PlanError} When the plan is invalid.
   */
  validate(
    input: unknown,
    version: number,
    parent: Plan,
  ): { plan: Plan; conditions: ReadonlyMap<string, Condition> };
  /** The policy's engine; without one, only interventions with a plan and rollbacks replan. */
  readonly engine?: ReplanEngine;
  /** The planner strategies may ask. */
  readonly planner?: Planner;
  /** Every version so far, oldest first (a resumed run's history). */
  readonly versions?: readonly PlanVersion[];
}

/** What the replanner needs from its run loop. */
export interface ReplanSite {
  readonly runId: string;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly context: Readonly<Record<string, unknown>>;
  readonly clock: Clock;
  readonly guard: LoopGuard;
  /** Aborted when the run stops. */
  readonly signal: AbortSignal;
  /** The outputs of completed steps. */
  readonly outputs: ReadonlyMap<string, unknown>;
  plan(): Plan;
  states(): ReadonlyMap<string, StepState>;
  /** One step's state. */
  state(stepId: string): StepState | undefined;
  stopped(): boolean;
  emit(
    type: RunEventType,
    data: Record<string, unknown>,
    stepId?: string,
    impact?: EventImpact,
  ): void;
  /** Switches to a validated version; says what lived on, what was reset and cancelled. */
  adopt(
    plan: Plan,
    conditions: ReadonlyMap<string, Condition>,
  ): { kept: number; reset: string[]; cancelled: string[] };
  /** Settles the new version's steps once its event is recorded. */
  settle(): void;
  /** A failed step no replan answered: its dependents are skipped. */
  unhandled(stepId: string): void;
  /** Stops the run for a limit. */
  stop(limit: string, reason: string): void;
  /** Reports a planner's usage against the run's limits. */
  report(usage: Usage): void;
  /** The last events, in one line each. */
  recent(): readonly string[];
  /** Marks the replanner busy (+1) or idle (-1): the run does not end while it is busy. */
  busy(delta: number): void;
}

interface Queued extends ReplanTrigger {
  /** A plan given by a person (intervention) or an earlier version (rollback). */
  readonly proposal?: unknown;
}

const STEP_TRIGGERS = new Set(["failure", "timeout", "unexpected"]);

/**
 * Answers a run's replan triggers one at a time: asks the engine (or takes a given plan),
 * counts the replan against the loop guard, records every decision and has the run adopt the
 * new version; pauses or stops the run when replanning is exhausted.
 */
export class RunReplanner {
  readonly #r: RunReplanning;
  readonly #site: ReplanSite;
  readonly #queue: Queued[] = [];
  readonly #versions: PlanVersion[];
  readonly #compiled = new WeakMap<Plan, ReadonlyMap<string, Condition>>();
  #busy = false;
  #waiting: Queued | undefined;

  constructor(replanning: RunReplanning, site: ReplanSite) {
    this.#r = replanning;
    this.#site = site;
    this.#versions = [...(replanning.versions ?? [])];
    const current = site.plan();
    if (!this.#versions.some((v) => v.version === current.version)) this.#versions.push(current);
  }

  /** Whether the run is paused, waiting for an intervention. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  /** The trigger the paused run waits to answer, as recorded. */
  get waitingFor(): ReplanTrigger | undefined {
    return this.#waiting && cause(this.#waiting);
  }

  /** A run resumed while paused waits again for the same trigger's intervention. */
  pause(trigger: ReplanTrigger, reason: string): void {
    this.#waiting = trigger;
    this.#site.emit("run.waiting", { reason, trigger }, undefined, "warning");
  }

  /** Every plan version so far, oldest first. */
  get versions(): readonly PlanVersion[] {
    return this.#versions;
  }

  /** Whether the policy answers this kind of trigger. */
  answers(kind: ReplanTrigger["kind"]): boolean {
    return this.#r.engine?.answers(kind) === true;
  }

  /** A trigger fired; a failed step no rule answers has its dependents skipped. */
  trigger(trigger: ReplanTrigger): void {
    if (this.#r.engine?.answers(trigger.kind) !== true) {
      if (trigger.stepId !== undefined) this.#site.unhandled(trigger.stepId);
      return;
    }
    this.#queue.push(trigger);
    void this.#drain();
  }

  /**
   * A person's message: recorded; replans with the given plan or by the policy; ends a pause.
   * @throws {BatonError} When the run has ended.
   */
  intervene(message: string, plan: unknown, ended: boolean): void {
    if (ended) {
      throw new BatonError(`Run "${this.#site.runId}" has ended; it takes no intervention`);
    }
    if (typeof message !== "string") throw new TypeError("An intervention needs a message");
    this.#site.emit(
      "intervention.received",
      { message, ...(plan === undefined ? {} : { plan: true }) },
      undefined,
      "warning",
    );
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (plan !== undefined) {
      this.#queue.push({ kind: "intervention", message, proposal: plan });
    } else if (this.#r.engine?.answers("intervention")) {
      this.#queue.push({ kind: "intervention", message });
    } else if (waiting !== undefined) {
      this.#queue.push(waiting);
    }
    void this.#drain();
    this.#site.busy(0);
  }

  /**
   * Continues from an earlier version, as a new version.
   * @throws {RangeError} When there is no such version.
   * @throws {BatonError} When the run has ended.
   */
  rollback(version: number, ended: boolean): void {
    if (ended) throw new BatonError(`Run "${this.#site.runId}" has ended; it cannot roll back`);
    const target = this.#versions.find((v) => v.version === version);
    if (target === undefined) {
      throw new RangeError(
        `The run has no plan version ${version} (versions: ${
          this.#versions.map((v) => v.version).join(", ")
        })`,
      );
    }
    this.#waiting = undefined;
    this.#queue.push({
      kind: "rollback",
      message: `Roll back to plan version ${version}`,
      proposal: planToInput(target),
    });
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#site.busy(1);
    try {
      while (this.#queue.length > 0 && !this.#site.stopped()) {
        const trigger = this.#queue.shift()!;
        // A step a previous replan already replaced (or that has finished since it ran past
        // its deadline share) needs nothing more.
        if (trigger.stepId !== undefined && trigger.proposal === undefined) {
          const state = this.#site.state(trigger.stepId);
          if (STEP_TRIGGERS.has(trigger.kind) && state !== "failed") continue;
          if (trigger.kind === "deadline" && state !== "running") continue;
        }
        const also = this.#alsoFailed(trigger);
        await this.#once(also.length > 0 ? { ...trigger, also } : trigger);
      }
    } catch (error) {
      this.#site.stop("replan", `Replanning failed: ${(error as Error)?.message ?? error}`);
    } finally {
      this.#busy = false;
      this.#site.busy(-1);
    }
  }

  /** Steps still failed whose triggers of the same kind wait behind `trigger`. */
  #alsoFailed(trigger: Queued): string[] {
    const also: string[] = [];
    if (trigger.stepId === undefined || trigger.proposal !== undefined) return also;
    if (!STEP_TRIGGERS.has(trigger.kind)) return also;
    for (const t of this.#queue) {
      if (t.kind !== trigger.kind || t.proposal !== undefined || t.stepId === undefined) continue;
      if (t.stepId !== trigger.stepId && this.#site.state(t.stepId) === "failed") {
        also.push(t.stepId);
      }
    }
    return also;
  }

  async #once(trigger: Queued): Promise<void> {
    const site = this.#site;
    site.emit("replan.triggered", { trigger: cause(trigger) }, trigger.stepId, "warning");
    const direct = trigger.proposal !== undefined;
    const blocked = direct ? undefined : site.guard.canReplan();
    if (blocked) return this.#exhausted(trigger, blocked, undefined);
    const usage = noUsage();
    const host = this.#host(trigger, usage);
    let outcome: ReplanOutcome;
    if (direct) {
      outcome = this.#validateGiven(trigger, host);
    } else {
      outcome = await this.#r.engine!.replan(trigger, host);
    }
    if (site.stopped()) return;
    const state = outcome.kind === "adopt" ? runStateKey(outcome.plan, site.outputs) : undefined;
    const trip = site.guard.replanned(outcome.rejected, state);
    if (trip && !(direct && trip.limit === "maxReplans")) {
      return this.#exhausted(trigger, trip, usage);
    }
    if (outcome.kind === "adopt") return this.#adopt(trigger, outcome, usage);
    if (outcome.kind === "none") {
      site.emit(
        "replan.failed",
        { reason: "No replan strategy applied", trigger: cause(trigger), usage: { ...usage } },
        trigger.stepId,
        "warning",
      );
      if (trigger.stepId !== undefined) site.unhandled(trigger.stepId);
      return;
    }
    this.#exhausted(trigger, { limit: "replan", reason: outcome.reason }, usage);
  }

  #validateGiven(trigger: Queued, host: ReplanHost): ReplanOutcome {
    try {
      const plan = host.validate(trigger.proposal as PlanInput);
      return {
        kind: "adopt",
        plan,
        strategy: trigger.kind,
        reason: trigger.message ?? trigger.kind,
        rejected: 0,
        candidates: 1,
      };
    } catch (error) {
      host.rejected(trigger.kind, errorText(error));
      return {
        kind: "exhausted",
        reason: `The given plan is invalid: ${errorText(error)}`,
        rejected: 1,
      };
    }
  }

  #adopt(
    trigger: Queued,
    outcome: Extract<ReplanOutcome, { kind: "adopt" }>,
    usage: Usage,
  ): void {
    const site = this.#site;
    const previous = site.plan();
    const { plan } = outcome;
    const diff = diffPlans(previous, plan);
    const change = site.adopt(plan, this.#compiled.get(plan) ?? new Map());
    this.#versions.push(plan);
    site.emit(
      "plan.replanned",
      {
        version: plan.version,
        parent: previous.version,
        trigger: cause(trigger),
        strategy: outcome.strategy,
        reason: outcome.reason,
        candidates: outcome.candidates,
        rejected: outcome.rejected,
        diff,
        kept: change.kept,
        reset: change.reset,
        cancelled: change.cancelled,
        delta: JSON.parse(JSON.stringify(planDelta(previous, plan, diff))),
        // A copy: the event is frozen, and a planner may still report usage late.
        usage: { ...usage },
      },
      trigger.stepId,
      "warning",
    );
    site.settle();
  }

  /** Replanning cannot go on: pause (when the policy says so) or stop the run. */
  #exhausted(trigger: Queued, trip: Trip, usage: Usage | undefined): void {
    const site = this.#site;
    site.emit(
      "replan.failed",
      {
        reason: trip.reason,
        limit: trip.limit,
        trigger: cause(trigger),
        ...(usage ? { usage: { ...usage } } : {}),
      },
      trigger.stepId,
      "warning",
    );
    if (this.#r.engine?.whenExhausted === "pause" && !site.stopped()) {
      this.#waiting = trigger;
      site.emit(
        "run.waiting",
        { reason: trip.reason, limit: trip.limit, trigger: cause(trigger) },
        undefined,
        "warning",
      );
      return;
    }
    site.stop(trip.limit, trip.reason);
  }

  #host(trigger: Queued, usage: { tokens: number; apiCalls: number; costUsd: number }): ReplanHost {
    const site = this.#site;
    const plan = site.plan();
    const version = Math.max(...this.#versions.map((v) => v.version)) + 1;
    const validate = (input: PlanInput): Plan => {
      const carried = carryCompletedSteps(input, plan, site.outputs);
      const { plan: next, conditions } = this.#r.validate(carried, version, plan);
      this.#compiled.set(next, conditions);
      return next;
    };
    const planner = this.#r.planner;
    return {
      plan,
      outputs: site.outputs,
      // Made when a strategy asks: most never do.
      get states() {
        return site.states();
      },
      signal: site.signal,
      clock: site.clock,
      descendants: (ids) => descendantsIn(planEdges(plan), ids),
      validate,
      recent: () => site.recent(),
      rejected: (strategy, error) =>
        site.emit("replan.rejected", { strategy, error }, trigger.stepId, "warning"),
      choose: (plans) => choosePlan(plans, site.tools),
      ask: async (brief: ReplanBrief) => {
        if (planner === undefined) return undefined;
        const result = await planner.plan({
          goal: plan.goal,
          tools: toolSummaries(site.tools),
          context: site.context,
          replan: brief,
          signal: site.signal,
          validate: (candidate) => errorsOf(() => validate(candidate as PlanInput)),
          report: (u) => {
            addUsage(usage, u);
            site.report(u);
          },
        });
        return result === undefined ? undefined : candidatesOf(result);
      },
    };
  }
}

/** A trigger as recorded: without a given plan (the replanned event holds the plan). */
function cause(trigger: Queued): ReplanTrigger {
  const { proposal: _, ...rest } = trigger;
  return rest;
}
