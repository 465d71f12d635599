import { PlanError } from "./errors.ts";
import { planEdges, rememberPlanEdges } from "./graph.ts";
import { analyzeWithPaths, checkReferencesAreDependencies } from "./_step_links.ts";
import { guardInput, type InputCaps } from "./input_guard.ts";
import { checkSchema } from "./json_schema.ts";
import type { Plan, PlanInput, Step } from "./plan.ts";
import { findReferences } from "./references.ts";
import { cloneJson, freezeStep } from "./_frozen_json.ts";
import { originOf } from "./_step_origin.ts";
import { sameGraph, sameStep } from "./_step_reuse.ts";
import type { Tool } from "./tool.ts";
import type { Condition, ConditionLanguage } from "./conditions.ts";
import {
  closed,
  compileCondition,
  fallbackTools,
  isObject,
  NONE,
  num,
  type Obj,
} from "./_plan_fields.ts";

/** Caps on plan input; a large legitimate plan raises them. */
export interface PlanCaps extends InputCaps {
  /**
   * Most steps in one plan.
   * @default {10_000}
   */
  readonly maxSteps?: number;
  /**
   * Most dependencies in one plan.
   * @default {200_000}
   */
  readonly maxDependencies?: number;
}

/** Options of {@linkcode normalizePlan}. */
export interface NormalizePlanOptions {
  /** The tools steps may call, by name. */
  readonly tools: ReadonlyMap<string, Tool>;
  /** Caps on the input. */
  readonly caps?: PlanCaps;
  /** The version to give the plan. @default {1} */
  readonly version?: number;
  /** The plan this one replaces. */
  readonly parent?: { readonly id: string; readonly version: number };
  /** Compiles `when:` conditions; a plan with a condition needs it. */
  readonly conditions?: ConditionLanguage;
  /** Receives each step's compiled condition. */
  readonly compiled?: Map<string, Condition>;
  /**
   * A validated plan this one replaces: steps it holds unchanged are taken as they are
   * (their inputs are not checked again), which makes replanning a large plan cheap.
   */
  readonly reuse?: Plan;
}

const PLAN_KEYS = new Set(["goal", "steps", "output", "id"]);
const STEP_KEYS = new Set([
  "id",
  "tool",
  "input",
  "dependsOn",
  "when",
  "priority",
  "retry",
  "timeoutMs",
  "estimateMs",
  "checkpoint",
  "title",
  "fallback",
  "expect",
]);
const RETRY_KEYS = new Set(["max", "backoffMs", "maxBackoffMs"]);
/** The input of every step that gives none: one frozen empty object. */
const NO_INPUT: Readonly<Record<string, unknown>> = Object.freeze({});
/** Values holding references are checked once resolved, when the step runs. */
const SKIP_REFERENCES = {
  skip: (v: unknown) => typeof v === "string" && v.includes("${{"),
};
const NO_RETRY: Step["retry"] = Object.freeze({ max: 0, backoffMs: 100, maxBackoffMs: 30_000 });
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const PLAN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Turns untrusted plan input (from code, JSON or YAML) into an immutable, validated `Plan`.
 *
 * Checks run in order, each with a hard cap, before anything can run: size, nesting depth and
 * key count, forbidden keys (`__proto__`, `constructor`, `prototype`), the closed plan schema,
 * step ids, known tools, each input against its tool's JSON Schema (values holding references
 * are checked after they are resolved), references (well-formed, to known steps that are
 * dependencies of the step, directly or not), then the graph in WebAssembly (cycles with their
 * path, the step and dependency caps). The plan gets its order, levels, critical path and
 * estimated duration.
 *
 * @param input The plan input.
 * @param options The tools, caps and version.
 * @returns The plan, deeply frozen.
 * @throws {PlanError} With the path of the first bad field; a `CycleError` for a cycle.
 *
 * @example A two-step plan
 * ```ts
 * import { defineTool, normalizePlan } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const echo = defineTool({
 *   name: "echo",
 *   description: "Returns its input",
 *   input: { type: "object" },
 *   run: (input) => input,
 * });
 * const plan = normalizePlan({
 *   goal: "Say hello twice",
 *   steps: [
 *     { id: "a", tool: "echo", input: { text: "hello" }, estimateMs: 10 },
 *     { id: "b", tool: "echo", input: { again: "${{ steps.a.output.text }}" }, dependsOn: ["a"], estimateMs: 5 },
 *   ],
 * }, { tools: new Map([["echo", echo]]) });
 * assert.deepEqual(plan.order, ["a", "b"]);
 * assert.equal(plan.estimatedDurationMs, 15);
 * assert.equal(plan.output, "b");
 * ```
 */
export function normalizePlan(input: unknown, options: NormalizePlanOptions): Plan {
  const caps = options.caps ?? {};
  const maxSteps = caps.maxSteps ?? 10_000;
  const maxDependencies = caps.maxDependencies ?? 200_000;
  // The replaced plan's steps by id, from the index its graph analysis keeps.
  const parent = options.reuse;
  const parentIndex = parent && planEdges(parent).index;
  const reuse = parent && {
    get: (id: string): Step | undefined => {
      const i = parentIndex!.get(id);
      return i === undefined ? undefined : parent.steps[i];
    },
  };
  // Steps of the plan being replaced, given back unchanged (see planToInput), were checked:
  // the guard skips them, and the loop below takes them as they are.
  const reusable = (origin: Step | undefined, i: number): origin is Step =>
    origin !== undefined &&
    (parent!.steps[i] === origin || reuse!.get(origin.id) === origin) &&
    options.tools.has(origin.tool);
  guardInput(input, {
    ...caps,
    ...(reuse && { checked: (value: object, i: number) => reusable(originOf(value), i) }),
  });
  if (!isObject(input)) {
    throw new PlanError("A plan must be an object with goal and steps", { path: "" });
  }
  closed(input, PLAN_KEYS, "");
  const raw = input as Partial<PlanInput> & Obj;
  if (typeof raw.goal !== "string" || raw.goal.trim() === "") {
    throw new PlanError("Expected a non-empty string", { path: "goal" });
  }
  if (raw.id !== undefined && (typeof raw.id !== "string" || !PLAN_ID.test(raw.id))) {
    throw new PlanError("Expected a plan id made of letters, digits, _, -, : and . (128 at most)", {
      path: "id",
    });
  }
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    throw new PlanError("Expected a non-empty list of steps", { path: "steps" });
  }
  if (raw.steps.length > maxSteps) {
    throw new PlanError(
      `The plan has ${raw.steps.length} steps, more than the cap of ${maxSteps} (raise caps.maxSteps for a larger plan)`,
      { path: "steps" },
    );
  }
  // While the step ids are the replaced plan's, in the same places, its index serves; the
  // first id that differs starts this plan's own.
  let aligned = parentIndex !== undefined;
  const seen = new Map<string, number>();
  const steps: Step[] = [];
  const stepRefs: (ReturnType<typeof findReferences> | undefined)[] = [];
  let dependencyCount = 0;
  const countDependencies = (count: number, i: number) => {
    dependencyCount += count;
    if (dependencyCount > maxDependencies) {
      throw new PlanError(
        `The plan has more than ${maxDependencies} dependencies (raise caps.maxDependencies)`,
        { path: `steps[${i}].dependsOn` },
      );
    }
  };
  const claim = (id: string, i: number) => {
    if (aligned) {
      if (i < parent!.steps.length && parent!.steps[i]!.id === id) return;
      aligned = false;
      for (let k = 0; k < i; k++) seen.set(parent!.steps[k]!.id, k);
    }
    if (seen.has(id)) {
      throw new PlanError(`Duplicate step id "${id}" (first used by steps[${seen.get(id)}])`, {
        path: `steps[${i}].id`,
      });
    }
    seen.set(id, i);
  };
  raw.steps.forEach((value: unknown, i: number) => {
    const same = reuse && originOf(value);
    if (same !== undefined && reusable(same, i)) {
      claim(same.id, i);
      countDependencies(same.dependsOn.length, i);
      if (same.when !== undefined) {
        options.compiled?.set(same.id, compileCondition(same.when, `steps[${i}].when`, options));
      }
      if (same.expect !== undefined) {
        const path = `steps[${i}].expect`;
        options.compiled?.set(`expect:${same.id}`, compileCondition(same.expect, path, options));
      }
      steps.push(same);
      stepRefs.push(undefined);
      return;
    }
    const at = `steps[${i}]`;
    if (!isObject(value)) throw new PlanError("Expected a step object", { path: at });
    closed(value, STEP_KEYS, at);
    const s = value as Obj;
    if (typeof s.id !== "string" || !STEP_ID.test(s.id)) {
      throw new PlanError(
        `Expected a step id: a letter or _, then letters, digits, _, - or . (128 at most), got ${
          JSON.stringify(s.id)
        }`,
        { path: `${at}.id` },
      );
    }
    if (s.id === "__proto__" || s.id === "constructor" || s.id === "prototype") {
      throw new PlanError(`The step id "${s.id}" is reserved`, { path: `${at}.id` });
    }
    claim(s.id, i);
    if (typeof s.tool !== "string") {
      throw new PlanError("Expected a tool name", { path: `${at}.tool` });
    }
    const tool = options.tools.get(s.tool);
    if (tool === undefined) {
      const known = [...options.tools.keys()].sort().join(", ") || "none";
      throw new PlanError(`Unknown tool "${s.tool}" (known: ${known})`, { path: `${at}.tool` });
    }
    const stepInput = s.input === undefined ? NO_INPUT : s.input;
    if (!isObject(stepInput)) throw new PlanError("Expected an object", { path: `${at}.input` });
    let dependsOn: readonly string[] = NONE;
    if (s.dependsOn !== undefined) {
      if (!Array.isArray(s.dependsOn)) {
        throw new PlanError("Expected a list of step ids", { path: `${at}.dependsOn` });
      }
      for (let k = 0; k < s.dependsOn.length; k++) {
        if (typeof s.dependsOn[k] !== "string") {
          throw new PlanError("Expected a step id", { path: `${at}.dependsOn[${k}]` });
        }
      }
      dependsOn = s.dependsOn.length < 2
        ? [...s.dependsOn as string[]]
        : [...new Set(s.dependsOn as string[])];
    }
    countDependencies(dependsOn.length, i);
    let retry: Step["retry"] = NO_RETRY;
    if (s.retry !== undefined) {
      if (!isObject(s.retry)) {
        throw new PlanError("Expected { max, backoffMs? }", { path: `${at}.retry` });
      }
      closed(s.retry, RETRY_KEYS, `${at}.retry`);
      retry = {
        max: num(s.retry.max, `${at}.retry.max`, { min: 0, integer: true }),
        backoffMs: s.retry.backoffMs === undefined
          ? 100
          : num(s.retry.backoffMs, `${at}.retry.backoffMs`, { min: 0 }),
        maxBackoffMs: s.retry.maxBackoffMs === undefined
          ? 30_000
          : num(s.retry.maxBackoffMs, `${at}.retry.maxBackoffMs`, { min: 0 }),
      };
    }
    if (s.checkpoint !== undefined && typeof s.checkpoint !== "boolean") {
      throw new PlanError("Expected true or false", { path: `${at}.checkpoint` });
    }
    let when: string | undefined;
    if (s.when !== undefined) {
      when = s.when as string;
      options.compiled?.set(s.id, compileCondition(s.when, `${at}.when`, options));
    }
    const fallback = fallbackTools(s.fallback, at, options.tools);
    let expect: string | undefined;
    if (s.expect !== undefined) {
      expect = s.expect as string;
      options.compiled?.set(`expect:${s.id}`, compileCondition(s.expect, `${at}.expect`, options));
    }
    if (s.title !== undefined && typeof s.title !== "string") {
      throw new PlanError("Expected a string", { path: `${at}.title` });
    }
    // The step is made with every field in place (no spread, no second object): V8 then keeps
    // them all in the object itself. Its input and reads are filled in once it is checked.
    const step: { -readonly [K in keyof Step]: Step[K] } = {
      id: s.id,
      tool: s.tool,
      input: stepInput,
      dependsOn,
      when,
      priority: s.priority === undefined ? 0 : num(s.priority, `${at}.priority`, {}),
      retry,
      timeoutMs: s.timeoutMs === undefined
        ? tool.timeoutMs
        : num(s.timeoutMs, `${at}.timeoutMs`, { min: 1 }),
      estimateMs: s.estimateMs === undefined
        ? 0
        : num(s.estimateMs, `${at}.estimateMs`, { min: 0 }),
      checkpoint: s.checkpoint === true,
      title: s.title as string | undefined,
      fallback,
      expect,
      reads: NONE,
    };
    // A step the plan this one replaces already validated, unchanged: take it as it is.
    const previous = reuse?.get(s.id);
    if (previous !== undefined && sameStep(previous, s.tool, stepInput, step)) {
      steps.push(previous);
      stepRefs.push(undefined);
      return;
    }
    const inputPath = `${at}.input`;
    const refs = findReferences(stepInput, inputPath);
    const issue = checkSchema(tool.input, stepInput, inputPath, SKIP_REFERENCES);
    if (issue) {
      throw new PlanError(`${issue.message} (input of tool "${tool.name}")`, { path: issue.path });
    }
    if (refs.length > 0) {
      step.reads = [
        ...new Set(refs.filter((r) => r.ref.source === "steps").map((r) => r.ref.name)),
      ];
    }
    if (stepInput !== NO_INPUT) step.input = cloneJson(stepInput);
    steps.push(freezeStep(step));
    stepRefs.push(refs);
  });
  if (aligned && steps.length < parent!.steps.length) {
    aligned = false;
    for (let k = 0; k < steps.length; k++) seen.set(parent!.steps[k]!.id, k);
  }
  const index: ReadonlyMap<string, number> = aligned ? parentIndex! : seen;
  // The same graph as the plan this one replaces has the same analysis, and its steps taken
  // as they were (no `refs`) passed the checks below in it already.
  const sameAsBefore = sameGraph(options.reuse, steps);
  // Indexed loops here and below: they run once per plan, usually before they are optimized,
  // when a closure per step or an iterator result per element is what they would allocate.
  for (let i = 0; i < stepRefs.length; i++) {
    let refs = stepRefs[i];
    if (refs === undefined) {
      if (sameAsBefore) continue;
      const reads = steps[i]!.reads;
      let missing = false;
      for (let j = 0; j < reads.length && !missing; j++) missing = !index.has(reads[j]!);
      if (!missing) continue;
      refs = findReferences(steps[i]!.input, `steps[${i}].input`);
    }
    for (let j = 0; j < refs.length; j++) {
      const { ref, at: where } = refs[j]!;
      if (ref.source === "steps" && !index.has(ref.name)) {
        throw new PlanError(`Reference to unknown step "${ref.name}"`, { path: where });
      }
    }
  }
  for (let i = 0; i < steps.length && !sameAsBefore; i++) {
    const step = steps[i]!;
    const deps = step.dependsOn;
    for (let k = 0; k < deps.length; k++) {
      if (!index.has(deps[k]!)) {
        throw new PlanError(`Step "${step.id}" depends on unknown step "${deps[k]}"`, {
          path: `steps[${i}].dependsOn[${k}]`,
        });
      }
    }
  }
  const graph = sameAsBefore ?? analyzeWithPaths(steps, index);
  checkReferencesAreDependencies(steps, stepRefs, sameAsBefore !== undefined);
  let output: string | undefined;
  if (raw.output !== undefined) {
    if (typeof raw.output !== "string" || !index.has(raw.output)) {
      throw new PlanError(`Expected the id of a step, got ${JSON.stringify(raw.output)}`, {
        path: "output",
      });
    }
    output = raw.output;
  } else {
    output = lastWithoutDependents(steps, graph.edges.edges);
  }
  if (sameAsBefore === undefined) {
    // A reused analysis is frozen already.
    for (const level of graph.levels) Object.freeze(level);
    Object.freeze(graph.levels);
    Object.freeze(graph.order);
    Object.freeze(graph.criticalPath);
    Object.freeze(graph.slackMs);
  }
  Object.freeze(steps);
  const checkpoints = Object.freeze(steps.filter((s) => s.checkpoint).map((s) => s.id));
  const plan: Plan = Object.freeze({
    id: (raw.id as string | undefined) ?? crypto.randomUUID(),
    version: options.version ?? 1,
    goal: raw.goal,
    steps,
    output,
    checkpoints,
    estimatedDurationMs: graph.makespanMs,
    criticalPath: graph.criticalPath,
    slackMs: graph.slackMs,
    levels: graph.levels,
    order: graph.order,
    parent: options.parent && Object.freeze({ ...options.parent }),
  });
  rememberPlanEdges(plan, graph.edges);
  return plan;
}

/** The last step no other step depends on: a plan's output when it names none. */
function lastWithoutDependents(steps: readonly Step[], edges: Uint32Array): string | undefined {
  const depended = new Uint8Array(steps.length);
  for (let k = 0; k < edges.length; k += 2) depended[edges[k]!] = 1;
  const last = depended.lastIndexOf(0);
  return last < 0 ? undefined : steps[last]!.id;
}
