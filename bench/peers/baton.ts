// Baton itself, through its kernel entry, with the in-memory store or SQLite history.
import {
  alternativeStrategy,
  createKernel,
  defineTool,
  memoryStore,
  parallelScheduler,
} from "../../kernel.ts";
import { type SqliteStore, sqliteStore } from "../../plugins/stores/sqlite_store.ts";
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
/** After the first run, runs share one database, opened once, as an application's would. */
let shared: SqliteStore | undefined;
let firstBytes = 0;

/**
 * Runs the workload once; with `dir`, on SQLite history there. The first run writes a new file,
 * which is closed and measured (the bytes of one run's history are returned for every run); later
 * runs append to one database the process keeps open.
 */
export async function runBaton(w: Workload, dir?: string): Promise<number> {
  const first = dir !== undefined && files === 0;
  const path = dir === undefined ? undefined : `${dir}/baton-${Deno.pid}-${files++}.db`;
  const store = path === undefined
    ? undefined
    : first
    ? sqliteStore({ path })
    : (shared ??= sqliteStore({ path }));
  // createOrchestrator's default plugins but CEL and YAML, which these plans do not use: the
  // kernel entry loads no npm package (the full entry's CEL and YAML start Deno's Node.js layer).
  const baton = createKernel({
    tools: [noop, sleep],
    plugins: [parallelScheduler(), store ?? memoryStore(), alternativeStrategy()],
    limits: { maxConcurrency: w.concurrency, maxRepeats: Infinity },
    caps: { maxSteps: 20_000 },
  });
  const result = await baton.run(toPlan(w)).result;
  if (result.status !== "completed") throw new Error(`${w.name}: ${result.status}`);
  if (!first) return firstBytes;
  store!.close();
  for (const suffix of ["", "-wal", "-shm"]) {
    firstBytes += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  await Deno.remove(path!).catch(() => {});
  return firstBytes;
}
