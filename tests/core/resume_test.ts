import assert from "node:assert/strict";
import { createOrchestrator, memoryStore } from "../../mod.ts";
import { sqliteStore } from "../../plugins/stores/sqlite_store.ts";
import { crashPlan, effectTool, LEASE_MS } from "../fixtures/kill_worker.ts";

const worker = new URL("../fixtures/kill_worker.ts", import.meta.url).pathname;

function spawn(db: string, runId: string, mode: string, log: string, phase: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", worker, db, runId, mode, log, phase],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function completedIds(db: string, runId: string): Promise<Set<string>> {
  const store = sqliteStore({ path: db });
  try {
    const events = await store.read(runId, { types: ["step.completed"] });
    return new Set(events.map((e) => e.stepId!));
  } finally {
    store.close();
  }
}

async function waitForCompleted(db: string, runId: string, count: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    try {
      if ((await completedIds(db, runId)).size >= count) return;
    } catch {
      // The worker may not have created the database yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`The worker never completed ${count} steps`);
}

Deno.test("a run killed with SIGKILL at several points resumes in another process, losing nothing", async () => {
  const reference = await createOrchestrator({
    tools: [effectTool(undefined, "ref")],
    store: memoryStore(),
  })
    .run(crashPlan()).result;
  assert.equal(reference.status, "completed");

  const dir = await Deno.makeTempDir({ prefix: "baton-kill-" });
  const db = `${dir}/runs.db`;
  const log = `${dir}/executions.log`;
  const runId = "crash-run";
  try {
    const before: Set<string>[] = [];
    const killAt = [5, 22, 41];
    for (const [phase, count] of killAt.entries()) {
      const child = spawn(db, runId, phase === 0 ? "start" : "resume", log, `p${phase}`);
      await waitForCompleted(db, runId, count);
      child.kill("SIGKILL");
      const status = await child.status;
      assert.equal(status.signal, "SIGKILL", "the worker was killed, not finished");
      before.push(await completedIds(db, runId));
    }
    const last = spawn(db, runId, "resume", log, `p${killAt.length}`);
    const { code, stdout, stderr } = await last.output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const final = JSON.parse(new TextDecoder().decode(stdout));
    assert.equal(final.status, "completed");
    assert.deepEqual(final.outputs, reference.outputs, "the same result as an uninterrupted run");

    // No completed step ran again in a later process.
    const executions = (await Deno.readTextFile(log)).trim().split("\n").map((l) =>
      l.split(":") as [string, string]
    );
    for (const [k, completed] of before.entries()) {
      const later = executions.filter(([phase]) => Number(phase.slice(1)) > k).map(([, id]) => id);
      const again = later.filter((id) => completed.has(id));
      assert.deepEqual(again, [], `steps completed before kill ${k + 1} ran again`);
    }

    // No event lost: gap-free, every step completed exactly once, resumes recorded.
    const store = sqliteStore({ path: db });
    try {
      const events = await store.read(runId);
      events.forEach((e, i) => assert.equal(e.seq, i + 1));
      const completions = events.filter((e) => e.type === "step.completed").map((e) => e.stepId);
      assert.equal(completions.length, 60);
      assert.equal(new Set(completions).size, 60);
      assert.equal(events.filter((e) => e.type === "run.resumed").length, killAt.length);
      assert.equal(events.at(-1)!.type, "run.completed");
      assert.equal((await store.runs())[0]!.status, "completed");
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resume() continues from a checkpoint and refuses a run that has ended", async () => {
  const store = memoryStore();
  const baton = createOrchestrator({
    tools: [effectTool(undefined, "x")],
    store,
    checkpointEvery: 10,
  });
  const run = baton.run(crashPlan(20), { runId: "done-run" });
  assert.equal((await run.result).status, "completed");
  assert.ok((await store.loadCheckpoint("done-run"))!.seq > 0);
  await assert.rejects(baton.resume("done-run"), /has already ended \(completed\)/);
  await assert.rejects(baton.resume("no-such-run"), /The store has no run "no-such-run"/);
});

Deno.test("recover() finds runs left running and resumes or marks them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "baton-recover-" });
  const db = `${dir}/runs.db`;
  try {
    // Both workers run at once, hold in the middle of their runs and die together, so neither
    // claim has lapsed when recover() first looks.
    const ids = ["orphan-a", "orphan-b"];
    const children = ids.map((runId) => spawn(db, runId, "start", `${dir}/log-${runId}`, "hold"));
    for (const runId of ids) await waitForCompleted(db, runId, 3);
    for (const child of children) child.kill("SIGKILL");
    for (const child of children) await child.status;
    const store = sqliteStore({ path: db });
    const baton = createOrchestrator({ tools: [effectTool(undefined, "r")], store });
    // The dead workers' claims hold for LEASE_MS after their last renewal: until then their
    // runs could still be alive, and are left alone.
    assert.deepEqual(await baton.recover("resume"), []);
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    const [a, b] = await baton.recover("resume");
    assert.equal((await a!.result).status, "completed");
    assert.equal((await b!.result).status, "completed");
    assert.deepEqual(await baton.recover("resume"), []);
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint a run's last step asks for is saved before the run's last event", async () => {
  const store = memoryStore();
  const baton = createOrchestrator({ tools: [effectTool(undefined, "x")], store });
  const plan = crashPlan(10);
  const run = baton.run(plan, { runId: "last-checkpoint" });
  assert.equal((await run.result).status, "completed");
  const types = (await store.read("last-checkpoint")).map((e) => e.type);
  assert.equal(types.at(-1), "run.completed");
  assert.equal(types.at(-2), "checkpoint.saved", "the last step (c9) asked for a checkpoint");
  assert.equal((await store.loadCheckpoint("last-checkpoint"))!.seq, types.length - 2);
});
