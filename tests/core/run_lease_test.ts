import assert from "node:assert/strict";
import {
  createOrchestrator,
  defineTool,
  manualClock,
  memoryStore,
  type RunHandle,
  type Tool,
} from "../../mod.ts";
import { sqliteStore } from "../../plugins/stores/sqlite_store.ts";

/** A tool whose calls wait until the gate opens; it counts calls by step. */
function gatedTool() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const calls = new Map<string, number>();
  const tool: Tool = defineTool({
    name: "gated",
    description: "Waits for the test, then answers",
    input: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
    run: async ({ id }: { id: string }) => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      await gate;
      return { id };
    },
  });
  return { tool, calls, open: () => open() };
}

const plan = {
  goal: "Two steps behind a gate",
  steps: [
    { id: "a", tool: "gated", input: { id: "a" } },
    { id: "b", tool: "gated", input: { id: "b" }, dependsOn: ["a"] },
  ],
};

/** Waits (on real time) until the store holds an event of `type` for the run. */
async function stored(read: () => Promise<{ type: string }[]>, type: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await read()).some((e) => e.type === type)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`No ${type} event was stored`);
}

Deno.test("recover() and resume() leave alone a run this orchestrator is running", async () => {
  const store = memoryStore();
  const { tool, calls, open } = gatedTool();
  const baton = createOrchestrator({ tools: [tool], store });
  const run = baton.run(plan, { runId: "mine" });
  await stored(() => store.read("mine"), "step.started");
  assert.deepEqual(await baton.recover(), []);
  await assert.rejects(baton.resume("mine"), /Run "mine" is running here already/);
  assert.throws(() => baton.run(plan, { runId: "mine" }), /running here already/);
  open();
  assert.equal((await run.result).status, "completed");
  assert.deepEqual([...calls], [["a", 1], ["b", 1]]);
});

Deno.test("two orchestrators sharing a SQLite file never run one run at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "baton-lease-" });
  const first = sqliteStore({ path: `${dir}/runs.db` });
  const second = sqliteStore({ path: `${dir}/runs.db` });
  try {
    const { tool, calls, open } = gatedTool();
    const a = createOrchestrator({ tools: [tool], store: first });
    const b = createOrchestrator({ tools: [tool], store: second });
    const run = a.run(plan, { runId: "shared" });
    await stored(() => second.read("shared"), "step.started");
    // The store shows it running, but its lease is held: the other orchestrator keeps off it.
    assert.equal((await second.runs())[0]!.status, "running");
    assert.deepEqual(await b.recover(), []);
    await assert.rejects(b.resume("shared"), /being run by another orchestrator; its lease/);
    open();
    assert.equal((await run.result).status, "completed");
    assert.deepEqual([...calls], [["a", 1], ["b", 1]]);
    // Ended runs release their lease and are not recovered.
    assert.deepEqual(await b.recover(), []);
    await assert.rejects(b.resume("shared"), /has already ended \(completed\)/);
    const events = await second.read("shared");
    events.forEach((e, i) => assert.equal(e.seq, i + 1));
    assert.equal(events.at(-1)!.type, "run.completed");
  } finally {
    first.close();
    second.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a running run renews its lease, and gives it up when it ends", async () => {
  const store = memoryStore();
  const clock = manualClock();
  const { tool, open } = gatedTool();
  const baton = createOrchestrator({ tools: [tool], store, clock, leaseMs: 1_000 });
  const run = baton.run(plan, { runId: "renewed" });
  await stored(() => store.read("renewed"), "step.started");
  // Ten terms later the lease still holds: it was renewed every third of a term.
  for (let i = 0; i < 30; i++) await clock.advance(350);
  const intruder = { owner: "intruder", until: clock.now() + 1_000 };
  assert.notEqual((await store.claim!("renewed", intruder, clock.now())).owner, "intruder");
  open();
  assert.equal((await run.result).status, "completed");
  assert.equal((await store.claim!("renewed", intruder, clock.now())).owner, "intruder");
});

Deno.test("a new run claims its lease with its first batch and gives it up with its last", async () => {
  const calls: string[] = [];
  const inner = memoryStore();
  const store = {
    ...inner,
    claim: (
      ...a: Parameters<NonNullable<typeof inner.claim>>
    ) => (calls.push("claim"), inner.claim!(...a)),
    release: (
      ...a: Parameters<NonNullable<typeof inner.release>>
    ) => (calls.push("release"), inner.release!(...a)),
  };
  const { tool, open } = gatedTool();
  const baton = createOrchestrator({ tools: [tool], store });
  const run = baton.run(plan);
  await stored(() => store.read(run.id), "step.started");
  // Held while it runs, though no separate claim was made.
  const intruder = { owner: "intruder", until: Date.now() + 60_000 };
  assert.notEqual((await store.claim!(run.id, intruder, Date.now())).owner, "intruder");
  open();
  assert.equal((await run.result).status, "completed");
  assert.deepEqual(
    calls,
    ["claim"],
    "only the intruder's claim: the run's own went with its events",
  );
  assert.equal((await store.claim!(run.id, intruder, Date.now())).owner, "intruder");
  // A short run writes its whole history in one batch, lease and all.
  calls.length = 0;
  const quick = baton.run({
    goal: "One step",
    steps: [{ id: "a", tool: "gated", input: { id: "q" } }],
  });
  assert.equal((await quick.result).status, "completed");
  assert.deepEqual(calls, []);
  assert.equal((await store.claim!(quick.id, intruder, Date.now())).owner, "intruder");
});

Deno.test("a run whose lease another orchestrator took over stops and writes nothing more", async () => {
  const store = memoryStore();
  const { tool, open } = gatedTool();
  // Its clock stands still, as if its process had stalled: its lease lapses unrenewed.
  const baton = createOrchestrator({ tools: [tool], store, clock: manualClock() });
  const run = baton.run(plan, { runId: "taken" });
  await stored(() => store.read("taken"), "step.started");
  const before = (await store.read("taken")).length;
  const later = 1_000_000;
  assert.equal(
    (await store.claim!("taken", { owner: "other", until: later + 30_000 }, later)).owner,
    "other",
  );
  open();
  await assert.rejects(run.result, /held by another orchestrator/);
  assert.equal((await store.read("taken")).length, before, "nothing written after the takeover");
});

Deno.test("two resume() calls at once here start the run once and keep its lease", async () => {
  const store = memoryStore();
  // The first orchestrator stalls for good (its tool never answers, its clock stands still);
  // the second comes after its lease lapsed.
  const stalled = gatedTool();
  const first = createOrchestrator({ tools: [stalled.tool], store, clock: manualClock() });
  first.run(plan, { runId: "twice" }).result.catch(() => {});
  await stored(() => store.read("twice"), "step.started");
  const { tool, calls, open } = gatedTool();
  const clock = manualClock(60_000);
  const baton = createOrchestrator({ tools: [tool], store, clock });
  const [one, two] = await Promise.allSettled([baton.resume("twice"), baton.resume("twice")]);
  const started = [one, two].filter((r) => r.status === "fulfilled");
  assert.equal(started.length, 1);
  assert.match(String([one, two].find((r) => r.status === "rejected")!.reason), /running here/);
  const intruder = { owner: "intruder", until: clock.now() + 1 };
  assert.notEqual((await store.claim!("twice", intruder, clock.now())).owner, "intruder");
  open();
  const run = (started[0] as PromiseFulfilledResult<RunHandle>).value;
  assert.equal((await run.result).status, "completed");
  assert.deepEqual([...calls], [["a", 1], ["b", 1]]);
});

Deno.test("leaseMs is checked", () => {
  for (const leaseMs of [0, -1, NaN, 2 ** 31]) {
    assert.throws(() => createOrchestrator({ tools: [], leaseMs }), /leaseMs must be at least 1/);
  }
});

Deno.test("a run refused its id reads no one else's events and writes nothing", async () => {
  const store = memoryStore();
  const { tool, open } = gatedTool();
  const holder = createOrchestrator({ tools: [tool], store });
  const held = holder.run(plan, { runId: "taken" });
  await stored(() => store.read("taken"), "step.started");
  const before = (await store.read("taken")).length;

  // Another orchestrator on the same store: the run's lease is held.
  const other = createOrchestrator({ tools: [tool], store });
  const refused = other.run(plan, { runId: "taken" });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const event of refused.events()) seen.push(event.type);
    })(),
    /being run by another orchestrator/,
  );
  await assert.rejects(refused.result, /being run by another orchestrator/);
  assert.deepEqual(seen, []);
  assert.equal((await store.read("taken")).length, before);

  open();
  assert.equal((await held.result).status, "completed");
  const after = await store.read("taken");

  // Once that run has ended, a new run under its id is refused too: its log is not reopened.
  const again = other.run(plan, { runId: "taken" });
  const replay: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const event of again.events()) replay.push(event.type);
    })(),
    /Run "taken" is in the history already: resume\(\) continues it/,
  );
  await assert.rejects(again.result, /in the history already/);
  assert.deepEqual(replay, []);
  assert.deepEqual(await store.read("taken"), after);
  assert.equal((await other.run(plan, { runId: "fresh" }).result).status, "completed");
});
