// The floor: a hand-written promise loop over the same DAG (no validation, no history).
import { work, type Workload } from "../_workloads.ts";

/** Runs the workload once. */
export async function runPlain(w: Workload): Promise<void> {
  const done = new Map<string, Promise<unknown>>();
  const byId = new Map(w.steps.map((s) => [s.id, s]));
  const runStep = (id: string): Promise<unknown> => {
    let p = done.get(id);
    if (!p) {
      const s = byId.get(id)!;
      p = Promise.all(s.deps.map(runStep)).then(() => work(s));
      done.set(id, p);
    }
    return p;
  };
  await Promise.all(w.steps.map((s) => runStep(s.id)));
}
