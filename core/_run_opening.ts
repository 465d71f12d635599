// The events that open a run: a new run's start and first plan, or a resumed run's return.
import type { RunEventType } from "./events.ts";
import type { Plan } from "./plan.ts";
import type { ReplanTrigger } from "./planner.ts";
import type { RunSetup } from "./_run_setup.ts";
import type { Usage } from "./tool.ts";

/** What opening a run does to it. */
export interface RunOpening {
  emit(type: RunEventType, data: Record<string, unknown>): void;
  /** Counts what the planner used for the first version against the run's limits. */
  report(usage: Usage): void;
  /** Waits again for the intervention a resumed run was waiting for. */
  pause(waiting: ReplanTrigger): void;
  /** Skips the steps a resumed run can no longer reach. */
  skipBlocked(): void;
}

/**
 * Records how a run begins. A new run records `run.started`, `plan.created` and what the
 * optimizer changed; a resumed one records `run.resumed` and picks up where its process left
 * off, still paused if it was waiting for an intervention.
 */
export function openRun(setup: RunSetup, plan: Plan, run: RunOpening): void {
  const resume = setup.resume;
  if (resume) {
    run.emit("run.resumed", {
      fromSeq: resume.seq,
      completed: Object.keys(resume.outputs).length,
      scheduler: setup.scheduler.name,
    });
    // Paused when its process died: still waiting, its failed step's dependents with it.
    if (resume.waiting) run.pause(resume.waiting);
    else run.skipBlocked();
    return;
  }
  run.emit("run.started", {
    goal: plan.goal,
    planId: plan.id,
    scheduler: setup.scheduler.name,
    context: setup.startData.context,
    limits: setup.startData.limits,
  });
  const usage = setup.planUsage;
  run.emit("plan.created", { plan, ...(usage ? { usage } : {}) });
  if (usage) run.report(usage);
  const changes = setup.optimized;
  if (changes) {
    run.emit("plan.optimized", {
      droppedDependencies: changes.droppedDependencies,
      mergedSteps: changes.mergedSteps,
    });
  }
}
