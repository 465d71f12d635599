import assert from "node:assert/strict";
import { createOrchestrator, defineTool, memoryStore, type RunEvent } from "../../mod.ts";
import { sqliteStore } from "../../plugins/stores/sqlite_store.ts";

const slow = defineTool({
  name: "slow",
  description: "Waits a little",
  input: { type: "object" },
  run: async () => {
    await new Promise((r) => setTimeout(r, 2));
    return 1;
  },
});

for (
  const [name, makeStore] of [["memoryStore", () => memoryStore()], [
    "sqliteStore",
    () => sqliteStore({ path: ":memory:" }),
  ]] as const
) {
  Deno.test(`events() ends when the run ends, with every stored event, on ${name}`, async () => {
    for (let i = 0; i < 20; i++) {
      const store = makeStore();
      const run = createOrchestrator({ tools: [slow], store }).run({
        goal: "g",
        steps: [{ id: "a", tool: "slow" }, {
          id: "b",
          tool: "slow",
          dependsOn: ["a"],
          checkpoint: true,
        }],
      });
      const seen: RunEvent[] = [];
      for await (const e of run.events()) seen.push(e);
      const result = await run.result;
      assert.equal(seen.length, result.events);
      assert.deepEqual(
        seen.map((e) => e.seq),
        Array.from({ length: result.events }, (_, k) => k + 1),
      );
      assert.equal(seen.at(-1)!.type, "run.completed");
      assert.equal(seen.at(-2)!.type, "checkpoint.saved", "b's checkpoint comes before the end");
      const again: RunEvent[] = [];
      for await (const e of run.events()) again.push(e);
      assert.equal(again.length, seen.length, "a stream opened after the end replays everything");
    }
  });
}
