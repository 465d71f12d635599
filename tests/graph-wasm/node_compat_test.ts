// The graph core must run in Node as well as Deno: bundle the public entry point to plain
// JavaScript and run it under the machine's Node.js.
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

async function hasNode(): Promise<boolean> {
  try {
    const { code } = await new Deno.Command("node", { args: ["--version"] }).output();
    return code === 0;
  } catch {
    return false;
  }
}

Deno.test("the bundled graph core runs under Node.js", async () => {
  assert.ok(await hasNode(), "Node.js is required for this test and was not found on PATH");
  const dir = await Deno.makeTempDir({ prefix: "baton-node-" });
  try {
    const bundle = `${dir}/graph.mjs`;
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform=browser", "-o", bundle, `${root}graph-wasm/mod.ts`],
      cwd: root,
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    const script = `${dir}/run.mjs`;
    await Deno.writeTextFile(
      script,
      `import { topoSort, criticalPath, validateDag } from "./graph.mjs";
       const diamond = [0, 1, 0, 2, 1, 3, 2, 3];
       console.log(JSON.stringify({
         order: [...topoSort(4, diamond)],
         path: [...criticalPath(4, diamond, [1, 2, 5, 1]).path],
         cycle: validateDag(2, [0, 1, 1, 0]).nodes,
       }));`,
    );
    const ran = await new Deno.Command("node", { args: [script] }).output();
    assert.equal(ran.code, 0, new TextDecoder().decode(ran.stderr));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(ran.stdout)), {
      order: [0, 1, 2, 3],
      path: [0, 2, 3],
      cycle: [0, 1],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
