// Mastra workflows: steps chained with .then(), parallel waves with .parallel() (its DAG form).
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { levelsOf, type Workload, type WorkStep } from "../_workloads.ts";

function step(s: WorkStep) {
  return createStep({
    id: s.id,
    inputSchema: z.any(),
    outputSchema: z.any(),
    execute: async () => {
      if (s.ms > 0) await new Promise((r) => setTimeout(r, s.ms));
      return 1;
    },
  });
}

/** Builds the workload's workflow, one wave after another, and runs it once. */
export async function runMastra(w: Workload): Promise<void> {
  // deno-lint-ignore no-explicit-any
  let flow: any = createWorkflow({
    id: `bench-${w.key}`,
    inputSchema: z.any(),
    outputSchema: z.any(),
  });
  for (const wave of levelsOf(w)) {
    flow = wave.length === 1 ? flow.then(step(wave[0]!)) : flow.parallel(wave.map(step));
  }
  const workflow = flow.commit();
  const run = await workflow.createRunAsync();
  const result = await run.start({ inputData: {} });
  if (result.status !== "success") throw new Error(`Mastra: ${result.status}`);
}
