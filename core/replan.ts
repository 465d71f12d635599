import type { Clock } from "./clock.ts";
import type { Plan, PlanInput } from "./plan.ts";
import type { ReplanBrief, ReplanTrigger, TriggerKind } from "./planner.ts";
import type { StepState } from "./step_state.ts";
import { planToInput } from "./optimize_plan.ts";
import { candidatesOf, errorText } from "./_planning.ts";

export type { ReplanTrigger, TriggerKind };

/** What a replan strategy sees of the run when a trigger fires. */
export interface ReplanContext {
  /** Why a new plan is needed. */
  readonly trigger: ReplanTrigger;
  /** The plan version being run. */
  readonly plan: Plan;
  /** The outputs of completed steps, by id. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** Each step's state. */
  readonly states: ReadonlyMap<string, StepState>;
  /** How many times this strategy has already answered a trigger of this step in this run. */
  readonly uses: number;
  /** Aborted when the run stops. */
  readonly signal: AbortSignal;
  /** The run's clock (for back-off). */
  readonly clock: Clock;
  /** The steps that depend, directly or not, on `ids` (from the graph core). */
  descendants(ids: readonly string[]): string[];
  /**
   * Asks the planner for a new plan of the given scope; `undefined` when the orchestrator has
   * no planner or it has nothing to offer.
   * @throws {BatonError} When the planner fails.
   */
  askPlanner(
    scope: ReplanBrief["scope"],
    keep: readonly string[],
  ): Promise<readonly PlanInput[] | undefined>;
}

/** A strategy's answer: one or more candidate plans, and why. */
export interface ReplanProposal {
  /** The candidate plan(s); completed steps left out are carried over unchanged. */
  readonly plan: PlanInput | readonly PlanInput[];
  /** Why, in words a person understands. */
  readonly reason: string;
}

/**
 * A replan strategy plugin. It proposes a next plan version for a trigger, or returns
 * `undefined` when it does not apply, so the next strategy of the policy is asked.
 */
export interface ReplanStrategy {
  /** The strategy's name, as policies and history name it. */
  readonly name: string;
  /** Marks the plugin as a replan strategy. */
  readonly kind: "replan";
  /**
   * Proposes a new plan.
   * @throws {Error} When it applies but cannot propose (recorded as a rejected replan).
   */
  replan(
    context: ReplanContext,
  ): Promise<ReplanProposal | undefined> | ReplanProposal | undefined;
}

/** Which strategies answer which triggers. */
export interface ReplanRule {
  /** The trigger kinds this rule answers. */
  readonly on: TriggerKind | readonly TriggerKind[];
  /** Strategy names, asked in order until one proposes a valid plan. */
  readonly use: string | readonly string[];
  /** Replans this rule may make in one run. @default {Infinity} */
  readonly max?: number;
}

/** How a run replans; checked when the orchestrator is made. */
export interface ReplanPolicy {
  /** The rules, first match wins. @default {failures, timeouts and surprises: every strategy in order; interventions and limit changes: `complete`} */
  readonly rules?: readonly ReplanRule[];
  /** Least time between two replans, in milliseconds. @default {0} */
  readonly cooldownMs?: number;
  /**
   * What to do when replanning keeps failing (limits reached, every proposal invalid):
   * `stop` the run with the reason, or `pause` it until an intervention arrives.
   * @default {"stop"}
   */
  readonly whenExhausted?: "stop" | "pause";
}

/** A policy with its defaults filled in. */
export interface ResolvedPolicy {
  /** Which strategies answer which triggers, tried in order, each at most `max` times. */
  readonly rules: readonly {
    readonly on: readonly TriggerKind[];
    readonly use: readonly string[];
    readonly max: number;
  }[];
  /** The least time between two replans, in milliseconds. */
  readonly cooldownMs: number;
  /** What happens when no strategy can answer: stop the run, or pause it until an intervention. */
  readonly whenExhausted: "stop" | "pause";
}

const KINDS: readonly TriggerKind[] = [
  "failure",
  "unexpected",
  "timeout",
  "deadline",
  "intervention",
  "limits",
  "rollback",
];

const list = <T>(value: T | readonly T[]): readonly T[] =>
  Array.isArray(value) ? value : [value as T];

/**
 * Checks a replan policy against the loaded strategies and fills in its defaults.
 *
 * @param policy The policy, in code or parsed from YAML.
 * @param strategies The names of the loaded strategies, in registration order.
 * @returns The policy with defaults.
 * @throws {TypeError} Naming the path of the bad field.
 *
 * @example A policy for failures
 * ```ts
 * import { resolveReplanPolicy } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const policy = resolveReplanPolicy(
 *   { rules: [{ on: "failure", use: ["alternative", "partial"], max: 3 }] },
 *   ["alternative", "partial"],
 * );
 * assert.equal(policy.rules[0]!.max, 3);
 * ```
 */
export function resolveReplanPolicy(
  policy: ReplanPolicy | undefined,
  strategies: readonly string[],
): ResolvedPolicy {
  const p = (policy ?? {}) as Record<string, unknown>;
  if (typeof p !== "object" || p === null || Array.isArray(p)) {
    throw new TypeError("replan: expected a policy object");
  }
  for (const key of Object.keys(p)) {
    if (!["rules", "cooldownMs", "whenExhausted"].includes(key)) {
      throw new TypeError(`replan.${key}: unknown field (known: rules, cooldownMs, whenExhausted)`);
    }
  }
  const cooldownMs = p.cooldownMs ?? 0;
  if (typeof cooldownMs !== "number" || !(cooldownMs >= 0) || !Number.isFinite(cooldownMs)) {
    throw new TypeError("replan.cooldownMs: expected a number of milliseconds, at least 0");
  }
  const whenExhausted = p.whenExhausted ?? "stop";
  if (whenExhausted !== "stop" && whenExhausted !== "pause") {
    throw new TypeError('replan.whenExhausted: expected "stop" or "pause"');
  }
  const rules = p.rules === undefined ? defaultRules(strategies) : p.rules;
  if (!Array.isArray(rules)) throw new TypeError("replan.rules: expected a list of rules");
  const resolved = rules.map((rule: unknown, i) => {
    const at = `replan.rules[${i}]`;
    const r = rule as Record<string, unknown>;
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      throw new TypeError(`${at}: expected { on, use, max? }`);
    }
    for (const key of Object.keys(r)) {
      if (!["on", "use", "max"].includes(key)) {
        throw new TypeError(`${at}.${key}: unknown field (known: on, use, max)`);
      }
    }
    const on = list(r.on as TriggerKind | TriggerKind[]);
    on.forEach((kind, k) => {
      if (!KINDS.includes(kind)) {
        throw new TypeError(
          `${at}.on[${k}]: unknown trigger ${JSON.stringify(kind)} (known: ${KINDS.join(", ")})`,
        );
      }
    });
    const use = list(r.use as string | string[]);
    if (use.length === 0) throw new TypeError(`${at}.use: expected at least one strategy`);
    use.forEach((name, k) => {
      if (!strategies.includes(name)) {
        const known = strategies.join(", ") || "none loaded";
        throw new TypeError(
          `${at}.use[${k}]: unknown replan strategy ${JSON.stringify(name)} (loaded: ${known})`,
        );
      }
    });
    const max = r.max ?? Infinity;
    if (typeof max !== "number" || !(max >= 0)) {
      throw new TypeError(`${at}.max: expected a number of at least 0`);
    }
    return { on, use, max };
  });
  return { rules: resolved, cooldownMs, whenExhausted };
}

function defaultRules(strategies: readonly string[]): ResolvedPolicy["rules"] {
  if (strategies.length === 0) return [];
  const broad = strategies.includes("complete") ? ["complete"] : strategies;
  return [
    { on: ["failure", "timeout", "unexpected"], use: strategies, max: Infinity },
    { on: ["intervention", "limits"], use: broad, max: Infinity },
  ];
}

/** What the engine needs from the run. */
export interface ReplanHost {
  /** The plan version running now. */
  readonly plan: Plan;
  /** The outputs of the completed steps, by id. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** The state of every step, by id. */
  readonly states: ReadonlyMap<string, StepState>;
  /** Aborted when the run stops: a replan in progress should give up. */
  readonly signal: AbortSignal;
  /** The run's clock. */
  readonly clock: Clock;
  /** The ids of the steps that depend on the given ones, directly or not (from the graph core). */
  descendants(ids: readonly string[]): string[];
  /** Validates a candidate as plan version `version`; throws a PlanError when invalid. */
  validate(input: PlanInput): Plan;
  /** Asks the planner; undefined without one. */
  ask(brief: ReplanBrief): Promise<readonly PlanInput[] | undefined>;
  /** The last events in brief. */
  recent(): readonly string[];
  /** Records a rejected candidate. */
  rejected(strategy: string, error: string): void;
  /** Chooses among valid candidates. */
  choose(plans: readonly Plan[]): Plan;
}

/** The engine's answer to one trigger. */
export type ReplanOutcome =
  | {
    readonly kind: "adopt";
    readonly plan: Plan;
    readonly strategy: string;
    readonly reason: string;
    readonly rejected: number;
    readonly candidates: number;
  }
  | { readonly kind: "none"; readonly rejected: number }
  | { readonly kind: "exhausted"; readonly reason: string; readonly rejected: number };

/**
 * Answers replan triggers with the policy's strategies: finds the rule, asks its strategies in
 * order, carries completed steps into each candidate, validates it like any plan and chooses
 * the best valid one. It changes nothing itself: the run loop adopts the plan it returns.
 */
export class ReplanEngine {
  readonly #policy: ResolvedPolicy;
  readonly #strategies: ReadonlyMap<string, ReplanStrategy>;
  readonly #ruleUses: number[];
  readonly #uses = new Map<string, number>();
  /** Replans made for each step's triggers. */
  readonly #stepReplans = new Map<string, number>();
  #lastAt = -Infinity;

  /**
   * Makes an engine that answers triggers by the policy with the given strategies.
   *
   * @param policy The resolved policy.
   * @param strategies The loaded strategies, by name.
   */
  constructor(policy: ResolvedPolicy, strategies: ReadonlyMap<string, ReplanStrategy>) {
    this.#policy = policy;
    this.#strategies = strategies;
    this.#ruleUses = policy.rules.map(() => 0);
  }

  /** The policy's choice when replanning is exhausted. */
  get whenExhausted(): "stop" | "pause" {
    return this.#policy.whenExhausted;
  }

  /** Whether some rule answers this kind of trigger. */
  answers(kind: TriggerKind): boolean {
    return this.#policy.rules.some((r) => r.on.includes(kind));
  }

  /** Proposes the next plan version for a trigger. */
  async replan(trigger: ReplanTrigger, host: ReplanHost): Promise<ReplanOutcome> {
    const at = this.#policy.rules.findIndex((r) => r.on.includes(trigger.kind));
    if (at < 0) return { kind: "none", rejected: 0 };
    const rule = this.#policy.rules[at]!;
    if (this.#ruleUses[at]! >= rule.max) {
      return {
        kind: "exhausted",
        reason: `The replan rule for ${rule.on.join("/")} was used ${rule.max} times, its maximum`,
        rejected: 0,
      };
    }
    const wait = this.#lastAt + this.#policy.cooldownMs - host.clock.now();
    if (wait > 0) await host.clock.sleep(wait, host.signal);
    let rejected = 0;
    const errors: string[] = [];
    for (const name of rule.use) {
      if (host.signal.aborted) break;
      const strategy = this.#strategies.get(name)!;
      const key = `${name}\u0000${trigger.stepId ?? ""}`;
      const uses = this.#uses.get(key) ?? 0;
      let proposal: ReplanProposal | undefined;
      try {
        proposal = await strategy.replan({
          trigger,
          plan: host.plan,
          outputs: host.outputs,
          get states() {
            return host.states;
          },
          uses,
          signal: host.signal,
          clock: host.clock,
          descendants: (ids) => host.descendants(ids),
          askPlanner: (scope, keep) => host.ask(brief(trigger, scope, keep, host)),
        });
      } catch (error) {
        const message = errorText(error);
        host.rejected(name, message);
        errors.push(`${name}: ${message}`);
        rejected++;
        continue;
      }
      if (proposal === undefined) continue;
      const valid: Plan[] = [];
      const candidates = candidatesOf<PlanInput>(proposal.plan);
      for (const candidate of candidates) {
        try {
          valid.push(host.validate(candidate));
        } catch (error) {
          const message = errorText(error);
          host.rejected(name, message);
          errors.push(`${name}: ${message}`);
          rejected++;
        }
      }
      if (valid.length === 0) continue;
      this.#uses.set(key, uses + 1);
      if (trigger.stepId !== undefined) {
        this.#stepReplans.set(trigger.stepId, (this.#stepReplans.get(trigger.stepId) ?? 0) + 1);
      }
      this.#ruleUses[at]!++;
      this.#lastAt = host.clock.now();
      return {
        kind: "adopt",
        plan: host.choose(valid),
        strategy: name,
        reason: proposal.reason,
        rejected,
        candidates: candidates.length,
      };
    }
    const before = trigger.stepId === undefined ? 0 : this.#stepReplans.get(trigger.stepId) ?? 0;
    if (rejected === 0 && before > 0) {
      // The step was replanned before and failed again: replanning it keeps failing.
      return {
        kind: "exhausted",
        reason:
          `Replanning "${trigger.stepId}" keeps failing: after ${before} replan(s) no strategy has another plan`,
        rejected,
      };
    }
    if (rejected === 0) return { kind: "none", rejected };
    return {
      kind: "exhausted",
      reason: `Every replan proposal was rejected: ${errors.join("; ")}`,
      rejected,
    };
  }
}

function brief(
  trigger: ReplanTrigger,
  scope: ReplanBrief["scope"],
  keep: readonly string[],
  host: ReplanHost,
): ReplanBrief {
  const plan = host.plan;
  const failed = trigger.stepId === undefined
    ? undefined
    : plan.steps.find((s) => s.id === trigger.stepId);
  // The plan and the completed results are built when a planner first reads them: a planner
  // that does not need them (a script, a rule) costs nothing on a large plan.
  let input: PlanInput | undefined;
  let completed: ReplanBrief["completed"] | undefined;
  return {
    trigger,
    scope,
    get plan() {
      return input ??= planToInput(plan);
    },
    version: plan.version,
    ...(failed ? { failedStep: planToInput({ ...plan, steps: [failed] }).steps[0]! } : {}),
    get completed() {
      if (completed === undefined) {
        const tools = new Map(plan.steps.map((s) => [s.id, s.tool]));
        completed = [...host.outputs].map(([id, output]) => ({
          id,
          tool: tools.get(id) ?? "",
          output: shorten(output),
        }));
      }
      return completed;
    },
    keep,
    recent: host.recent(),
  };
}

/** A value cut down to at most about 2,000 characters of JSON, for a planner's prompt. */
function shorten(value: unknown): unknown {
  const json = JSON.stringify(value) ?? "null";
  return json.length <= 2000 ? value : `${json.slice(0, 2000)}... (${json.length} characters)`;
}
