// The README's first command runs this demo; it must keep working.
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

async function demo(args: string[], cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write=.baton",
      "--allow-net=127.0.0.1",
      "--allow-env=LOG_TOKENS,LOG_STREAM",
      `${root}examples/demo.ts`,
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("the demo runs the example plan to completion, then shows it from history", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "baton-demo-" });
  try {
    const first = await demo([], cwd);
    assert.equal(first.code, 0, first.text);
    assert.match(first.text, /12 steps in 5 parallel levels/);
    assert.match(
      first.text,
      /rank_projects +failed: Error: ranking service unavailable \(simulated\); retrying/,
    );
    assert.match(first.text, /quick_note +skipped +\(condition is false/);
    assert.match(
      first.text,
      /replanned: plan v1 -> v2 \(alternative\): "fetch_benchmarks" failed with tool "demo.mirror"; trying its fallback "http.fetch"/,
    );
    assert.match(first.text, /Run completed in \d+ ms/);
    assert.match(
      first.text,
      /Critical path by the plan's estimates \(178 ms.*\):\n {2}fetch_benchmarks -> merge_data -> rank_projects -> pick_leader -> write_report/,
    );
    const report = await Deno.readTextFile(`${cwd}/.baton/workspace/report.md`);
    assert.match(report, /Leading project: baton \(score 127\)/);
    const history = await demo(["--history"], cwd);
    assert.equal(history.code, 0, history.text);
    assert.match(history.text, /1 run\(s\) in \.baton\/demo\.db/);
    assert.match(history.text, /completed/);
    assert.match(history.text, /rank_projects +2 attempt\(s\), 1 retry/);
    assert.match(
      history.text,
      /Plan versions: 2\n {2}v2: failure of fetch_benchmarks -> alternative/,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("the demo's --history says what to do when nothing is stored yet", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "baton-demo-" });
  try {
    const empty = await demo(["--history"], cwd);
    assert.equal(empty.code, 0);
    assert.match(empty.text, /No stored runs yet: run "deno task demo" first/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
