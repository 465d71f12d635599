// The contract every history store must meet, run against each one.
import assert from "node:assert/strict";
import { BatonError, type HistoryStore, memoryStore, type RunEvent } from "../../mod.ts";
import { sqliteStore } from "../../plugins/stores/sqlite_store.ts";

const event = (
  runId: string,
  seq: number,
  type: RunEvent["type"] = "step.completed",
  extra: Partial<RunEvent> = {},
): RunEvent => ({
  seq,
  runId,
  type,
  ts: 1000 + seq,
  planVersion: 1,
  data: seq === 1 ? { goal: "Contract" } : { n: seq, nested: { list: [1, "two", null] } },
  impact: "info",
  ...extra,
});

const stores: Array<[string, () => Promise<{ store: HistoryStore; done: () => Promise<void> }>]> = [
  ["memoryStore", () => Promise.resolve({ store: memoryStore(), done: () => Promise.resolve() })],
  ["sqliteStore", async () => {
    const dir = await Deno.makeTempDir({ prefix: "baton-store-" });
    const store = sqliteStore({ path: `${dir}/history.db` });
    return {
      store,
      done: async () => (store.close(), await Deno.remove(dir, { recursive: true })),
    };
  }],
];

for (const [name, open] of stores) {
  Deno.test(`${name}: appends and reads back events exactly, as plain JSON`, async () => {
    const { store, done } = await open();
    try {
      const events = [
        event("r", 1, "run.started"),
        event("r", 2, "step.started", { stepId: "a" }),
        event("r", 3, "step.completed", { stepId: "a" }),
      ];
      await store.append("r", events);
      const back = await store.read("r");
      assert.deepEqual(back, events);
      assert.equal(Object.getPrototypeOf(back[1]!.data), Object.prototype);
      assert.deepEqual(await store.read("other"), []);
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: appends batches of any size exactly, in order`, async () => {
    const { store, done } = await open();
    try {
      // Sizes around the SQLite store's rows per statement (32): below, at, past, many times.
      let seq = 0;
      const all: RunEvent[] = [];
      for (const size of [1, 31, 32, 33, 64, 97, 5]) {
        const batch = Array.from({ length: size }, () => {
          seq++;
          return seq === 1 ? event("big", 1, "run.started") : event("big", seq, "step.completed", {
            stepId: `s${seq % 7}`,
            impact: seq % 3 === 0 ? "progress" : "info",
          });
        });
        await store.append("big", batch);
        all.push(...batch);
      }
      assert.deepEqual(await store.read("big"), all);
      assert.deepEqual(
        (await store.read("big", { stepId: "s3" })).map((e) => e.seq),
        all.filter((e) => e.stepId === "s3").map((e) => e.seq),
      );
      // A gap deep inside a large batch stores nothing of it, and the next append goes on.
      const broken = Array.from(
        { length: 70 },
        (_, i) => event("big", seq + 1 + i + (i >= 50 ? 1 : 0)),
      );
      await assert.rejects(store.append("big", broken), /does not follow/);
      assert.equal((await store.read("big")).length, seq);
      const next = Array.from({ length: 40 }, (_, i) => event("big", seq + 1 + i));
      await store.append("big", next);
      assert.deepEqual(await store.read("big", { afterSeq: seq }), next);
      assert.equal((await store.runs()).find((r) => r.runId === "big")?.lastSeq, seq + 40);
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: refuses gaps, duplicates and foreign events, storing nothing of the batch`, async () => {
    const { store, done } = await open();
    try {
      await store.append("r", [event("r", 1, "run.started"), event("r", 2)]);
      await assert.rejects(store.append("r", [event("r", 4)]), BatonError);
      await assert.rejects(store.append("r", [event("r", 2)]), /does not follow 2/);
      await assert.rejects(store.append("r", [event("r", 3), event("r", 3)]), BatonError);
      await assert.rejects(store.append("r", [event("x", 3)]), BatonError);
      assert.deepEqual((await store.read("r")).map((e) => e.seq), [1, 2]);
      await store.append("r", [event("r", 3)]);
      assert.equal((await store.read("r")).length, 3);
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: filters by type, step, time range and page`, async () => {
    const { store, done } = await open();
    try {
      const events = [event("r", 1, "run.started")];
      for (let i = 2; i <= 40; i++) {
        events.push(
          event("r", i, i % 2 ? "step.started" : "step.completed", { stepId: `s${i % 5}` }),
        );
      }
      await store.append("r", events);
      assert.equal((await store.read("r", { types: ["step.started"] })).length, 19);
      assert.ok((await store.read("r", { stepId: "s3" })).every((e) => e.stepId === "s3"));
      assert.deepEqual((await store.read("r", { since: 1010, until: 1013 })).map((e) => e.seq), [
        10,
        11,
        12,
      ]);
      assert.deepEqual((await store.read("r", { afterSeq: 30, limit: 3 })).map((e) => e.seq), [
        31,
        32,
        33,
      ]);
      assert.deepEqual(await store.read("r", { types: [] }), []);
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: lists runs with their status and keeps the latest checkpoint`, async () => {
    const { store, done } = await open();
    try {
      await store.append("r1", [event("r1", 1, "run.started"), event("r1", 2, "run.completed")]);
      await store.append("r2", [event("r2", 1, "run.started")]);
      const runs = Object.fromEntries((await store.runs()).map((r) => [r.runId, r]));
      assert.equal(runs.r1!.status, "completed");
      assert.equal(runs.r1!.lastSeq, 2);
      assert.equal(runs.r2!.status, "running");
      assert.equal(runs.r1!.goal, "Contract");
      assert.equal(await store.loadCheckpoint("r2"), undefined);
      await store.saveCheckpoint("r2", { seq: 1, state: { outputs: { a: 1 } } });
      await store.saveCheckpoint("r2", { seq: 5, state: { outputs: { a: 1, b: [2] } } });
      assert.deepEqual(await store.loadCheckpoint("r2"), {
        seq: 5,
        state: { outputs: { a: 1, b: [2] } },
      });
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: gives a run's lease to one owner at a time until it lapses`, async () => {
    const { store, done } = await open();
    try {
      const a = { owner: "a", until: 1_000 };
      assert.deepEqual(await store.claim!("r", a, 0), a);
      // Another owner gets the holder's lease back while it holds.
      assert.deepEqual(await store.claim!("r", { owner: "b", until: 2_000 }, 999), a);
      // The holder renews.
      assert.deepEqual(await store.claim!("r", { owner: "a", until: 1_500 }, 999), {
        owner: "a",
        until: 1_500,
      });
      // Once it lapsed, another takes it.
      assert.deepEqual(await store.claim!("r", { owner: "b", until: 3_000 }, 1_500), {
        owner: "b",
        until: 3_000,
      });
      // Leases are per run.
      assert.deepEqual(await store.claim!("other", a, 1_500), a);
      // Only the holder releases.
      await store.release!("r", "a");
      assert.equal((await store.claim!("r", { owner: "c", until: 9 }, 1_600)).owner, "b");
      await store.release!("r", "b");
      assert.equal((await store.claim!("r", { owner: "c", until: 9 }, 1_600)).owner, "c");
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: a batch claims the lease before its events and gives it up after`, async () => {
    const { store, done } = await open();
    try {
      // The first batch takes the lease: another owner is then refused, claim or write.
      await store.append("r", [event("r", 1, "run.started")], {
        owner: "a",
        claim: { until: 1_000, now: 0 },
      });
      assert.equal((await store.claim!("r", { owner: "b", until: 2_000 }, 500)).owner, "a");
      await assert.rejects(
        store.append("r", [event("r", 2)], { owner: "b", claim: { until: 2_000, now: 500 } }),
        /held by another orchestrator/,
      );
      assert.deepEqual(
        (await store.read("r")).map((e) => e.seq),
        [1],
        "a refused claim stores nothing",
      );
      // Once the lease lapsed, a batch claims it for its own owner.
      await store.append("r", [event("r", 2)], { owner: "b", claim: { until: 3_000, now: 1_500 } });
      assert.equal((await store.claim!("r", { owner: "a", until: 9_000 }, 2_000)).owner, "b");
      // Giving it up with a batch: only the holder's release counts, after its events.
      await assert.rejects(store.append("r", [event("r", 3)], { owner: "a", release: true }));
      await store.append("r", [event("r", 3)], { owner: "b", release: true });
      assert.equal((await store.claim!("r", { owner: "c", until: 9_000 }, 2_000)).owner, "c");
      // Claimed and given up in one batch: a short run leaves no lease behind.
      await store.append("s", [event("s", 1, "run.started"), event("s", 2, "run.completed")], {
        owner: "a",
        claim: { until: 1_000, now: 0 },
        release: true,
      });
      assert.equal((await store.claim!("s", { owner: "d", until: 1_000 }, 0)).owner, "d");
      assert.deepEqual((await store.read("s")).map((e) => e.seq), [1, 2]);
    } finally {
      await done();
    }
  });

  Deno.test(`${name}: refuses writes from an owner that does not hold the lease`, async () => {
    const { store, done } = await open();
    try {
      // No lease: anyone writes (stores used without leases keep working).
      await store.append("r", [event("r", 1, "run.started")], { owner: "a" });
      await store.claim!("r", { owner: "a", until: 100 }, 0);
      await store.append("r", [event("r", 2)], { owner: "a" });
      // A lapsed lease nobody took over still lets its holder write.
      await store.append("r", [event("r", 3)], { owner: "a" });
      await store.claim!("r", { owner: "b", until: 500 }, 200);
      await assert.rejects(
        store.append("r", [event("r", 4)], { owner: "a" }),
        /held by another orchestrator/,
      );
      await store.append("r", [event("r", 4)], { owner: "b" });
      assert.deepEqual((await store.read("r")).map((e) => e.seq), [1, 2, 3, 4]);
    } finally {
      await done();
    }
  });
}

Deno.test("sqliteStore: the file survives reopening and checks its options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "baton-store-" });
  try {
    const first = sqliteStore({ path: `${dir}/h.db`, synchronous: "NORMAL" });
    await first.append("r", [event("r", 1, "run.started"), event("r", 2)]);
    first.close();
    const second = sqliteStore({ path: `${dir}/h.db` });
    assert.equal((await second.read("r")).length, 2);
    await assert.rejects(second.append("r", [event("r", 2)]), BatonError);
    second.close();
    assert.throws(
      () => sqliteStore({ path: `${dir}/x.db`, synchronous: "OFF" as never }),
      /FULL" or "NORMAL/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqliteStore: a file in the 0.1 layout (events keyed by run id) is moved to run numbers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "baton-store-" });
  const path = `${dir}/old.db`;
  try {
    const { DatabaseSync } = await import("node:sqlite");
    const old = new DatabaseSync(path);
    old.exec(`
      CREATE TABLE runs (run_id TEXT PRIMARY KEY, goal TEXT NOT NULL, started_at INTEGER NOT NULL,
        status TEXT NOT NULL, last_seq INTEGER NOT NULL);
      CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
        ts INTEGER NOT NULL, step_id TEXT, plan_version INTEGER NOT NULL, impact TEXT NOT NULL,
        data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
      CREATE INDEX events_by_step ON events (run_id, step_id, seq);
      CREATE TABLE checkpoints (run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT NOT NULL);
      INSERT INTO runs VALUES ('b', 'Second', 20, 'running', 2), ('a', 'First', 10, 'completed', 2);
      INSERT INTO events VALUES
        ('a', 1, 'run.started', 11, NULL, 1, 'info', '{"goal":"First"}'),
        ('a', 2, 'run.completed', 12, NULL, 1, 'info', '{}'),
        ('b', 1, 'run.started', 21, NULL, 1, 'info', '{"goal":"Second"}'),
        ('b', 2, 'step.started', 22, 'x', 1, 'progress', '{"attempt":1}');
      INSERT INTO checkpoints VALUES ('b', 1, '{"seq":1}');
    `);
    old.close();
    const store = sqliteStore({ path });
    try {
      assert.deepEqual((await store.runs()).map((r) => [r.runId, r.status, r.lastSeq]), [
        ["a", "completed", 2],
        ["b", "running", 2],
      ]);
      assert.deepEqual((await store.read("b", { stepId: "x" })).map((e) => e.data), [
        { attempt: 1 },
      ]);
      assert.deepEqual(await store.loadCheckpoint("b"), { seq: 1, state: { seq: 1 } });
      await store.append("b", [event("b", 3)]);
      await assert.rejects(store.append("b", [event("b", 3)]), BatonError);
      assert.deepEqual((await store.read("b")).map((e) => e.seq), [1, 2, 3]);
      assert.deepEqual((await store.read("a")).map((e) => e.type), [
        "run.started",
        "run.completed",
      ]);
    } finally {
      store.close();
    }
    // Opening it again finds the new layout and changes nothing.
    const again = sqliteStore({ path });
    assert.equal((await again.read("b")).length, 3);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
