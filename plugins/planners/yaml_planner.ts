import { BatonError } from "../../core/errors.ts";
import type { PlanInput } from "../../core/plan.ts";
import { parsePlanText } from "../text/yaml_plan_text.ts";
import type { Planner } from "../../core/planner.ts";

/**
 * A planner that reads plans from YAML (or JSON) files: its first answer is the first file,
 * each later answer (a replan) the next, then nothing. Files are read when asked for, so a
 * file may be edited while a run waits. Needs read permission for the files.
 *
 * @param paths The plan files, in order.
 * @returns The planner plugin.
 * @throws {BatonError} From `plan()`, when a file cannot be read.
 *
 * @example The demo's planner
 * ```ts ignore
 * import { createOrchestrator, standardTools, yamlPlanner } from "@baton/baton";
 *
 * const baton = createOrchestrator({
 *   tools: standardTools({ root: "." }),
 *   plugins: [yamlPlanner("examples/plans/research_report.yaml")],
 * });
 * const run = await baton.runGoal("Write the research report");
 * ```
 */
export function yamlPlanner(paths: string | readonly string[]): Planner {
  const list = typeof paths === "string" ? [paths] : [...paths];
  let next = 0;
  return {
    name: "yaml",
    kind: "planner",
    async plan() {
      const path = list[next++];
      if (path === undefined) return undefined;
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        throw new BatonError(`Cannot read plan file "${path}": ${(error as Error).message}`, {
          cause: error,
        });
      }
      return parsePlanText(text).value as PlanInput;
    },
  };
}
