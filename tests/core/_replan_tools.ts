// Tools shared by the replan tests.
import { defineTool, type Tool } from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

/** `broken`: always fails. */
export const brokenTool: Tool = defineTool({
  name: "broken",
  description: "Always fails",
  input: { type: "object", properties: { id: { type: "string" } } },
  run: () => {
    throw new Error("the service is down");
  },
});

/** `backup`: returns a fixed answer for an id. */
export const backupTool: Tool = defineTool({
  name: "backup",
  description: "A slower but working service",
  input: { type: "object", properties: { id: { type: "string" } } },
  run: ({ id }: { id?: string }) => ({ id, sum: 100 }),
});

/** The work, broken and backup tools, with the work tool's call log. */
export function tools() {
  const log = callLog();
  return { log, tools: [workTool(log), brokenTool, backupTool] };
}
