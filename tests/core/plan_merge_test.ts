import assert from "node:assert/strict";
import fc from "fast-check";
import {
  defineTool,
  type MergeRecord,
  normalizePlan,
  type Step,
  survivingSteps,
} from "../../mod.ts";

const tool = (name: string) =>
  defineTool({ name, description: name, input: { type: "object" }, run: () => null });
const tools = new Map([["work", tool("work")], ["other", tool("other")]]);
const STATES = ["pending", "ready", "running", "retrying", "completed", "failed", "skipped"];

/** The rule of survivingSteps, written as a recursive definition over step ids. */
function reference(
  current: ReadonlyMap<string, MergeRecord>,
  next: readonly Step[],
): Set<string> {
  const byId = new Map(next.map((s) => [s.id, s]));
  const memo = new Map<string, boolean>();
  const lives = (id: string): boolean => {
    if (memo.has(id)) return memo.get(id)!;
    const step = byId.get(id)!;
    const prev = current.get(id);
    let ok = prev !== undefined && prev.step.tool === step.tool &&
      step.dependsOn.every((d) => lives(d) && current.get(d)!.state === "completed");
    if (ok) {
      const same = JSON.stringify(prev!.step.input) === JSON.stringify(step.input);
      ok = prev!.state === "completed"
        ? same
        : ["ready", "running", "retrying"].includes(prev!.state) && same &&
          JSON.stringify([...prev!.step.dependsOn].sort()) ===
            JSON.stringify([...step.dependsOn].sort());
    }
    memo.set(id, ok);
    return ok;
  };
  return new Set(next.filter((s) => lives(s.id)).map((s) => s.id));
}

const scenario = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
    states: fc.array(fc.constantFrom(...STATES), { minLength: n, maxLength: n }),
    // Per step of the next version: 0 same, 1 other input, 2 other tool, 3 left out.
    changes: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: n, maxLength: n }),
    added: fc.integer({ min: 0, max: 3 }),
    reversed: fc.boolean(),
  })
);

Deno.test("survivingSteps agrees with its rule on random versions: ids in place, moved, left out and added", () => {
  fc.assert(
    fc.property(scenario, ({ deps, states, changes, added, reversed }) => {
      const steps = deps.map((picks, i) => ({
        id: `n${i}`,
        tool: "work",
        input: { id: `n${i}` },
        dependsOn: i === 0 ? [] : [...new Set(picks.map((p) => `n${p % i}`))],
      }));
      const before = normalizePlan({ goal: "g", steps }, { tools });
      const current = new Map<string, MergeRecord>(
        before.steps.map((
          step,
          i,
        ) => [step.id, { step, state: states[i] as MergeRecord["state"] }]),
      );
      const left = new Set(steps.filter((_, i) => changes[i] === 3).map((s) => s.id));
      let nextSteps = steps.filter((s) => !left.has(s.id)).map((s) => {
        const i = Number(s.id.slice(1));
        return {
          ...s,
          ...(changes[i] === 1 ? { input: { id: `${s.id}!` } } : {}),
          ...(changes[i] === 2 ? { tool: "other" } : {}),
          dependsOn: s.dependsOn.filter((d) => !left.has(d)),
        };
      });
      for (let k = 0; k < added; k++) {
        nextSteps.push({ id: `x${k}`, tool: "work", input: { id: `x${k}` }, dependsOn: [] });
      }
      if (reversed) nextSteps = nextSteps.reverse();
      if (nextSteps.length === 0) return;
      const next = normalizePlan({ goal: "g", steps: nextSteps }, { tools, version: 2 });
      const kept = survivingSteps(current, next, () => undefined);
      assert.deepEqual([...kept].sort(), [...reference(current, next.steps)].sort());
    }),
    { numRuns: 300 },
  );
});
