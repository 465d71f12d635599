// Baton itself, with the in-memory store or SQLite history.
import { createOrchestrator, defineTool } from "../../mod.ts";
import { sqliteStore } from "../../plugins/stores/sqlite_store.ts";
import { toPlan, type Workload } from "../_workloads.ts";

const noop = defineTool({
  name: "noop",
  description: "Does nothing",
  input: { type: "object" },
  run: () => null,
});
const sleep = defineTool({
  name: "sleep",
  description: "Waits",
  input: { type: "object", required: ["ms"], properties: { ms: { type: "number" } } },
  run: ({ ms }: { ms: number }) => new Promise((r) => setTimeout(r, ms)),
});

let files = 0;

/** Runs the workload once; with `dir`, on SQLite history in a new file there (returns its bytes). */
export async function runBaton(w: Workload, dir?: string): Promise<number> {
  const path = dir === undefined ? undefined : `${dir}/baton-${Deno.pid}-${files++}.db`;
  const store = path === undefined ? undefined : sqliteStore({ path });
  const baton = createOrchestrator({
    tools: [noop, sleep],
    ...(store ? { store } : {}),
    limits: { maxConcurrency: w.concurrency, maxRepeats: Infinity },
    caps: { maxSteps: 20_000 },
  });
  const result = await baton.run(toPlan(w)).result;
  if (result.status !== "completed") throw new Error(`${w.name}: ${result.status}`);
  if (path === undefined) return 0;
  store!.close();
  let bytes = 0;
  for (const suffix of ["", "-wal", "-shm"]) {
    bytes += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  await Deno.remove(path).catch(() => {});
  return bytes;
}
