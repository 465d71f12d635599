// Reading a critical-path schedule out of the graph core's output.
import type { Output } from "./_instance.ts";
import type { CriticalPath } from "./critical_path.ts";

/** Reads the f64 sections of a schedule (starts, slack, makespan) from an output. */
export function readScheduleTimes(out: Output, n: number): Omit<CriticalPath, "path"> {
  const earliestStart = out.floats(n);
  const latestStart = out.floats(n);
  const slack = out.floats(n);
  const makespan = out.floats(1)[0] ?? 0;
  return { earliestStart, latestStart, slack, makespan };
}
