import { systemClock } from "./clock.ts";
import type { RunEvent } from "./events.ts";
import type { Condition } from "./conditions.ts";
import { BatonError, PluginError } from "./errors.ts";
import { planGoal } from "./plan_goal.ts";
import { guardInput } from "./input_guard.ts";
import { emptyRunState, foldRunEvents, type RunState } from "./run_state.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { normalizePlan } from "./normalize_plan.ts";
import { type PlanTextCaps, withPositions } from "./plan_text.ts";
import { optimizePlan, type PlanChanges, planToInput } from "./optimize_plan.ts";
import type { PlanInput } from "./plan.ts";
import { registerPlugins } from "./plugin.ts";
import { RunHistory } from "./run_history.ts";
import { RunLoop } from "./run_loop.ts";
import type { Plan } from "./plan.ts";
import type { PlanVersion } from "./plan_diff.ts";
import type { Tool, Usage } from "./tool.ts";
import type { RunLease } from "./store.ts";
import { ReplanEngine, type ReplanPolicy, resolveReplanPolicy } from "./replan.ts";
import type { KernelOptions, Orchestrator, RunHandle, RunOptions } from "./orchestrator.ts";
import { deepFreeze } from "./_frozen_json.ts";
import { cachedConditions } from "./_condition_cache.ts";
import { claimRun } from "./_run_lease.ts";

/** What a resumed run needs from its first events. */
interface StartRecord {
  /** The latest version. */
  readonly plan: PlanVersion;
  /** Every version, oldest first. */
  readonly versions: readonly PlanVersion[];
  readonly context: Record<string, unknown>;
  readonly limits: Limits;
}

function finiteLimits(limits: Limits | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(limits ?? {}).filter(([, v]) => typeof v === "number" && Number.isFinite(v)),
  );
}

/**
 * Builds an orchestrator from explicit parts. Most callers want `createOrchestrator`, which
 * fills in default plugins.
 *
 * @param options Tools, plugins (one scheduler, one store), limits and clock.
 * @returns The orchestrator.
 * @throws {PluginError} When a plugin is invalid or a slot is empty.
 * @throws {TypeError} When two tools share a name.
 *
 * @example A kernel with explicit plugins
 * ```ts
 * import { createKernel, memoryStore, sequentialScheduler } from "@baton/baton";
 *
 * const kernel = createKernel({ tools: [], plugins: [sequentialScheduler(), memoryStore()] });
 * ```
 */
export function createKernel(options: KernelOptions): Orchestrator {
  const slots = registerPlugins(options.plugins);
  if (slots.scheduler === undefined) {
    throw new PluginError("No scheduler plugin was given", { plugin: "scheduler" });
  }
  if (slots.store === undefined) {
    throw new PluginError("No store plugin was given", { plugin: "store" });
  }
  const scheduler = slots.scheduler;
  const store = slots.store;
  const tools = new Map<string, Tool>();
  for (const tool of options.tools) {
    if (tools.has(tool.name)) throw new TypeError(`Two tools are named "${tool.name}"`);
    tools.set(tool.name, tool);
  }
  const baseLimits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const checkpointEvery = options.checkpointEvery ?? 1000;
  if (!(checkpointEvery >= 1)) throw new RangeError("checkpointEvery must be at least 1");
  const leaseMs = options.leaseMs ?? 30_000;
  if (!(leaseMs >= 1 && leaseMs < 2 ** 31)) {
    throw new RangeError(`leaseMs must be at least 1 and below 2^31, got ${options.leaseMs}`);
  }
  // This orchestrator's claims on runs, and the runs it is running now.
  const lease = store.claim ? { owner: crypto.randomUUID(), ms: leaseMs } : undefined;
  const active = new Set<string>();

  /** Claims a run for this orchestrator; the holder's lease when another holds it. */
  async function claim(runId: string): Promise<RunLease | undefined> {
    if (lease === undefined) return undefined;
    const held = await claimRun(store, clock, runId, lease);
    return held.owner === lease.owner ? undefined : held;
  }

  const strategies = slots.strategies;
  const planner = slots.planner;
  /** Parses plan text with the text plugin. */
  function parseText(text: string, caps: PlanTextCaps, what: string) {
    if (slots.text === undefined) {
      throw new PluginError(
        `${what} is given as text, and no plan text plugin is loaded to read it (yamlPlanText() reads YAML and JSON; createOrchestrator loads it)`,
        { plugin: "text" },
      );
    }
    return slots.text.parse(text, caps);
  }
  const policyInput = typeof options.replan === "string"
    ? parseText(options.replan, options.caps ?? {}, "The replan policy").value as ReplanPolicy
    : options.replan;
  const policy = resolveReplanPolicy(policyInput, [...strategies.keys()]);

  // Every plan of this orchestrator, and every version of it, shares compiled conditions.
  const conditions = slots.conditions && cachedConditions(slots.conditions);

  /** Validates a plan and compiles its conditions. */
  function prepare(
    input: unknown,
    extra: { version?: number; parent?: { id: string; version: number }; reuse?: Plan } = {},
  ) {
    const caps = options.caps ?? {};
    const compiled = new Map<string, Condition>();
    const settings = {
      tools,
      caps,
      compiled,
      ...(conditions ? { conditions } : {}),
      ...extra,
    };
    const plan = typeof input === "string"
      ? withPositions(parseText(input, caps, "The plan"), (value) => normalizePlan(value, settings))
      : normalizePlan(input, settings);
    return { plan, compiled };
  }

  function run(input: PlanInput | string, runOptions: RunOptions = {}): RunHandle {
    let { plan, compiled } = prepare(input);
    let optimized: PlanChanges | undefined;
    if (options.optimize !== false) {
      const better = optimizePlan(plan, tools);
      if (better) {
        // Steps the optimizer left alone are not checked a second time.
        ({ plan, compiled } = prepare(better.input, { reuse: plan }));
        optimized = better.changes;
      }
    }
    const context = runOptions.context ?? {};
    guardInput(context, { ...options.caps, root: "context" });
    const limits = resolveLimits({ ...baseLimits, ...runOptions.limits });
    const runId = runOptions.runId ?? crypto.randomUUID();
    return start(
      runId,
      plan,
      compiled,
      context,
      limits,
      undefined,
      finiteLimits(runOptions.limits),
      { ...(optimized ? { optimized } : {}), named: runOptions.runId !== undefined },
    );
  }

  async function planFor(goal: string, runOptions: RunOptions) {
    if (planner === undefined) {
      throw new PluginError("No planner plugin is loaded to plan a goal", { plugin: "planner" });
    }
    const context = runOptions.context ?? {};
    guardInput(context, { ...options.caps, root: "context" });
    return await planGoal(goal, {
      planner,
      tools,
      context,
      maxDurationMs: resolveLimits({ ...baseLimits, ...runOptions.limits }).maxDurationMs,
      prepare,
    });
  }

  async function runGoal(goal: string, runOptions: RunOptions = {}): Promise<RunHandle> {
    const { plan, compiled, usage } = await planFor(goal, runOptions);
    const context = runOptions.context ?? {};
    const limits = resolveLimits({ ...baseLimits, ...runOptions.limits });
    const runId = runOptions.runId ?? crypto.randomUUID();
    return start(
      runId,
      plan,
      compiled,
      context,
      limits,
      undefined,
      finiteLimits(runOptions.limits),
      { planUsage: usage, named: runOptions.runId !== undefined },
    );
  }

  function start(
    runId: string,
    plan: Plan,
    conditions: ReadonlyMap<string, Condition>,
    context: Readonly<Record<string, unknown>>,
    limits: Required<Limits>,
    resume: RunState | undefined,
    runLimits: Record<string, number>,
    extra: {
      optimized?: PlanChanges;
      planUsage?: Usage;
      versions?: readonly PlanVersion[];
      named?: boolean;
    } = {},
  ): RunHandle {
    const { optimized } = extra;
    if (active.has(runId)) throw new BatonError(`Run "${runId}" is running here already`);
    const listeners = new Set<() => void>();
    let finished = false;
    const frozenContext = deepFreeze(JSON.parse(JSON.stringify(context)));
    const loop = new RunLoop({
      runId,
      plan,
      tools,
      scheduler,
      store,
      limits,
      clock,
      context: frozenContext,
      startData: { context: frozenContext, limits: runLimits },
      ...(optimized ? { optimized } : {}),
      conditions,
      checkpointEvery,
      ...(lease ? { lease } : {}),
      ...(extra.named ? { named: true } : {}),
      ...(extra.planUsage ? { planUsage: extra.planUsage } : {}),
      replanning: {
        validate: (input, version, parent) => {
          const given = input as Record<string, unknown> | null;
          const withId = typeof given === "object" && given !== null && !Array.isArray(given)
            ? { ...given, id: parent.id }
            : given;
          const { plan, compiled } = prepare(withId, {
            version,
            parent: { id: parent.id, version: parent.version },
            reuse: parent,
          });
          return { plan, conditions: compiled };
        },
        ...(strategies.size > 0 ? { engine: new ReplanEngine(policy, strategies) } : {}),
        ...(planner ? { planner } : {}),
        ...(extra.versions ? { versions: extra.versions } : {}),
      },
      ...(resume ? { resume } : {}),
      // Streams read the store, so they are woken once events are stored.
      onEvent: () => {},
      onStored: () => {
        for (const wake of listeners) wake();
        listeners.clear();
      },
    });
    active.add(runId);
    const result = loop.done.finally(() => {
      active.delete(runId);
      finished = true;
      for (const wake of listeners) wake();
      listeners.clear();
    });
    async function* events(): AsyncGenerator<RunEvent> {
      // Nothing is read before the run may write: a run refused its id reads no one else's log.
      await loop.begun;
      let after = 0;
      for (;;) {
        const wasFinished = finished;
        const batch = await store.read(runId, { afterSeq: after });
        for (const event of batch) yield event;
        after += batch.length;
        if (batch.length > 0) continue;
        if (wasFinished) return;
        // The run may have ended during the read: read once more instead of waiting.
        if (finished) continue;
        await new Promise<void>((wake) => listeners.add(wake));
      }
    }
    let limitsNow = limits;
    return {
      id: runId,
      get plan() {
        return loop.plan;
      },
      get versions() {
        return loop.versions;
      },
      result,
      events,
      cancel: (reason = "Cancelled by the caller") => loop.cancel(reason),
      intervene: (message, opts = {}) => loop.intervene(message, opts.plan),
      rollback: (version) => loop.rollback(version),
      setLimits: (changed) => {
        limitsNow = resolveLimits({ ...limitsNow, ...changed });
        loop.setLimits(limitsNow, finiteLimits(changed));
      },
    };
  }

  async function readStart(runId: string): Promise<StartRecord> {
    const [started] = await store.read(runId, { types: ["run.started"], limit: 1 });
    const versions = await new RunHistory(store, runId).versions();
    if (!started || versions.length === 0) throw new BatonError(`The store has no run "${runId}"`);
    return {
      plan: versions.at(-1)!,
      versions,
      context: (started.data.context ?? {}) as Record<string, unknown>,
      limits: (started.data.limits ?? {}) as Limits,
    };
  }

  async function resume(runId: string): Promise<RunHandle> {
    if (active.has(runId)) throw new BatonError(`Run "${runId}" is running here already`);
    // Claimed before its state is read: nobody else writes to the run from here on.
    const held = await claim(runId);
    if (held !== undefined) {
      throw new BatonError(
        `Run "${runId}" is being run by another orchestrator; its lease lapses in ${
          Math.max(0, Math.ceil(held.until - clock.now()))
        } ms unless renewed`,
      );
    }
    return await resumeClaimed(runId);
  }

  /** Resumes a run this orchestrator has just claimed (its run loop does not claim it again). */
  async function resumeClaimed(runId: string): Promise<RunHandle> {
    try {
      const begin = await readStart(runId);
      const checkpoint = await store.loadCheckpoint(runId);
      const state = checkpoint
        ? (structuredClone(checkpoint.state) as unknown as RunState)
        : emptyRunState();
      foldRunEvents(state, await store.read(runId, { afterSeq: state.seq }));
      if (state.ended !== undefined) {
        throw new BatonError(`Run "${runId}" has already ended (${state.ended})`);
      }
      const { plan, compiled } = prepare(planToInput(begin.plan), {
        version: begin.plan.version,
        ...(begin.plan.parent ? { parent: begin.plan.parent } : {}),
      });
      const limits = resolveLimits({ ...baseLimits, ...begin.limits });
      return start(
        runId,
        plan,
        compiled,
        begin.context,
        limits,
        state,
        finiteLimits(begin.limits),
        {
          versions: begin.versions,
        },
      );
    } catch (error) {
      // Unless a concurrent resume() here got the run going meanwhile.
      if (lease && !active.has(runId)) await store.release!(runId, lease.owner);
      throw error;
    }
  }

  async function recover(mode: "resume" | "mark" = "resume"): Promise<RunHandle[]> {
    const handles: RunHandle[] = [];
    for (const record of await store.runs()) {
      if (record.status !== "running" || active.has(record.runId)) continue;
      // A run another orchestrator holds is alive there: it is left to it.
      if (await claim(record.runId) !== undefined) continue;
      const handle = await resumeClaimed(record.runId);
      if (mode === "mark") {
        handle.cancel("The process running it died; marked as cancelled on recovery");
      }
      handles.push(handle);
    }
    return handles;
  }

  return {
    tools,
    run,
    plan: async (goal, runOptions = {}) => (await planFor(goal, runOptions)).plan,
    runGoal,
    history: (runId) => new RunHistory(store, runId),
    resume,
    recover,
  };
}
