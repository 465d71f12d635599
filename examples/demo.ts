/**
 * The main demo (`deno task demo`): plans with `yamlPlanner` (examples/plans/research_report.yaml;
 * no model, no API key, no network) and runs the plan for real. It starts three local HTTP
 * APIs, reads and summarises a notes file, fetches and merges the APIs' data in parallel (one
 * fetch goes to a mirror that is down, and a replan switches it to its fallback tool), ranks it
 * with a tool that fails once and is retried, branches on a condition, and writes a report.
 * Progress is shown live; the timeline and the critical path are printed at the end; the run is
 * stored in .baton/demo.db.
 *
 * `deno task demo --history` shows the stored runs instead.
 *
 * @module
 */
import {
  createOrchestrator,
  defineTool,
  type RunEvent,
  standardTools,
  yamlPlanner,
} from "../mod.ts";
import { sqliteStore } from "../plugins/stores/sqlite_store.ts";

const HERE = new URL(".", import.meta.url);
const STATE_DIR = ".baton";
const DB = `${STATE_DIR}/demo.db`;
const WORKSPACE = `${STATE_DIR}/workspace`;

// ---- Three local APIs (the "several HTTP APIs" of the scenario) ------------------------------

const DATA = {
  issues: {
    projects: [{ name: "baton", openIssues: 12 }, { name: "relay", openIssues: 40 }, {
      name: "conduct",
      openIssues: 25,
    }],
  },
  releases: {
    projects: [{ name: "baton", releasesPerYear: 14 }, { name: "relay", releasesPerYear: 6 }, {
      name: "conduct",
      releasesPerYear: 9,
    }],
  },
  benchmarks: {
    projects: [{ name: "baton", stepOverheadUs: 15 }, { name: "relay", stepOverheadUs: 450 }, {
      name: "conduct",
      stepOverheadUs: 110,
    }],
  },
};

function startApi(
  name: keyof typeof DATA,
  delayMs: number,
): { url: string; close: () => Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return new URL(req.url).pathname === `/${name}`
      ? Response.json(DATA[name])
      : new Response("Not found", { status: 404 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

// ---- A custom tool that fails on its first call ----------------------------------------------

let rankCalls = 0;
const rank = defineTool({
  name: "demo.rank",
  description: "Scores projects (fails once, like a flaky service)",
  input: { type: "object", required: ["projects"], properties: { projects: { type: "array" } } },
  run: (input: { projects: Array<Record<string, number | string>> }) => {
    rankCalls++;
    if (rankCalls === 1) throw new Error("ranking service unavailable (simulated)");
    // Merged lists are concatenated: combine the entries of each project first.
    const byName = new Map<string, Record<string, number | string>>();
    for (const p of input.projects) {
      byName.set(String(p.name), { ...byName.get(String(p.name)), ...p });
    }
    const ranked = [...byName.values()].map((p) => ({
      name: p.name,
      score: Math.round(
        Number(p.releasesPerYear) * 10 - Number(p.openIssues) - Number(p.stepOverheadUs) / 10,
      ),
    })).sort((a, b) => b.score - a.score);
    return { ranked };
  },
});

// ---- A mirror that is down: its step falls back to http.fetch --------------------------------

const mirror = defineTool({
  name: "demo.mirror",
  description: "Fetches from a fast cache mirror (down, like services sometimes are)",
  input: { type: "object", required: ["url"], properties: { url: { type: "string" } } },
  run: () => {
    throw new Error("the cache mirror is down (simulated)");
  },
});

// ---- Terminal output ---------------------------------------------------------------------------

const color = Deno.noColor
  ? (_: number, s: string) => s
  : (c: number, s: string) => `\x1b[${c}m${s}\x1b[0m`;
const bar = (done: number, total: number, width = 24) =>
  `[${"#".repeat(Math.round((done / total) * width)).padEnd(width, "-")}] ${done}/${total}`;

function progress(event: RunEvent, done: number, total: number): string | undefined {
  const id = (event.stepId ?? "").padEnd(17);
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case "step.started":
      return `  ${color(36, "▶")} ${id} started   (${data.reason})`;
    case "step.completed":
      return `  ${color(32, "✓")} ${id} completed ${String(data.durationMs).padStart(4)} ms ${
        bar(done, total)
      }`;
    case "step.retrying":
      return `  ${color(33, "↻")} ${id} failed: ${data.error}; retrying in ${data.delayMs} ms`;
    case "step.skipped":
      return `  ${color(90, "⤼")} ${id} skipped   (${data.reason}) ${bar(done, total)}`;
    case "step.failed":
      return `  ${color(31, "✗")} ${id} failed: ${data.error}`;
    case "plan.replanned":
      return `  ${
        color(35, "⟳")
      } replanned: plan v${data.parent} -> v${data.version} (${data.strategy}): ${data.reason}`;
    case "checkpoint.saved":
      return `  ${color(90, "⚑")} checkpoint saved at event ${data.seq}`;
    default:
      return undefined;
  }
}

/** What a span's outcome adds after its duration. */
const NOTES: Record<string, string> = {
  completed: "",
  retrying: " (failed, retried)",
  failed: " (failed)",
  running: " (still running)",
};

async function printTimeline(
  baton: ReturnType<typeof createOrchestrator>,
  runId: string,
): Promise<void> {
  const timeline = await baton.history(runId).timeline();
  if (timeline.length === 0) return;
  const start = Math.min(...timeline.map((t) => t.start));
  const end = Math.max(...timeline.map((t) => t.end ?? t.start));
  const span = Math.max(1, end - start);
  const width = 48;
  console.log(`\nTimeline (${span} ms, one column ≈ ${(span / width).toFixed(1)} ms):`);
  for (const t of timeline) {
    const from = Math.floor(((t.start - start) / span) * width);
    const to = Math.max(from + 1, Math.round((((t.end ?? end) - start) / span) * width));
    const mark = t.outcome === "completed" ? "█" : t.outcome === "retrying" ? "▒" : "░";
    console.log(
      `  ${t.stepId.padEnd(17)} |${" ".repeat(from)}${mark.repeat(to - from)}${
        " ".repeat(width - to)
      }| ${(t.end ?? end) - t.start} ms${NOTES[t.outcome]}`,
    );
  }
}

// ---- History mode --------------------------------------------------------------------------------

async function showHistory(): Promise<void> {
  let store;
  try {
    await Deno.stat(DB);
    store = sqliteStore({ path: DB });
  } catch {
    console.log(`No stored runs yet: run "deno task demo" first (it writes ${DB}).`);
    return;
  }
  const baton = createOrchestrator({ tools: [], store });
  const runs = await store.runs();
  console.log(`${runs.length} run(s) in ${DB}:\n`);
  for (const r of runs) {
    console.log(
      `  ${r.runId}  ${r.status.padEnd(9)} ${
        new Date(r.startedAt).toISOString()
      }  ${r.lastSeq} events  ${r.goal}`,
    );
  }
  const last = runs.at(-1)!;
  const metrics = await baton.history(last.runId).metrics();
  console.log(`\nLatest run, per step (attempts, retries, time running):`);
  for (const [id, m] of Object.entries(metrics)) {
    console.log(
      `  ${id.padEnd(17)} ${m.attempts} attempt(s), ${m.retries} retr${
        m.retries === 1 ? "y" : "ies"
      }, ${m.durationMs} ms`,
    );
  }
  const decisions = await baton.history(last.runId).decisions();
  console.log(
    `\nScheduler decisions: ${decisions.length}; the first: ${decisions[0]?.stepId} (${
      decisions[0]?.reason
    })`,
  );
  const replans = await baton.history(last.runId).replans();
  console.log(`\nPlan versions: ${replans.filter((r) => r.outcome === "replanned").length + 1}`);
  for (const r of replans) {
    console.log(
      `  v${r.version ?? "?"}: ${r.trigger.kind} of ${r.trigger.stepId ?? "the run"} -> ${
        r.strategy ?? r.outcome
      }: ${r.reason}`,
    );
  }
  await printTimeline(baton, last.runId);
  store.close();
}

// ---- The run -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await Deno.mkdir(WORKSPACE, { recursive: true });
  await Deno.copyFile(new URL("data/notes.md", HERE), `${WORKSPACE}/notes.md`);
  const apis = {
    issues: startApi("issues", 40),
    releases: startApi("releases", 25),
    benchmarks: startApi("benchmarks", 120),
  };
  const store = sqliteStore({ path: DB });
  try {
    const baton = createOrchestrator({
      tools: [
        ...standardTools({
          root: WORKSPACE,
          allowHosts: Object.values(apis).map((a) => new URL(a.url).host),
        }),
        rank,
        mirror,
      ],
      plugins: [yamlPlanner(new URL("plans/research_report.yaml", HERE).pathname)],
      store,
      limits: { maxDurationMs: 60_000, maxConcurrency: 8 },
    });
    const run = await baton.runGoal("Write a short report on the state of agent orchestration", {
      context: {
        issuesApi: apis.issues.url,
        releasesApi: apis.releases.url,
        benchmarksApi: apis.benchmarks.url,
      },
    });
    const total = run.plan.steps.length;
    console.log(color(1, `Baton demo: ${run.plan.goal}`));
    console.log(`${total} steps in ${run.plan.levels.length} parallel levels; run ${run.id}\n`);
    let done = 0;
    for await (const event of run.events()) {
      if (event.type === "step.completed" || event.type === "step.skipped") done++;
      const line = progress(event, done, total);
      if (line) console.log(line);
    }
    const result = await run.result;
    console.log(
      `\nRun ${
        color(result.status === "completed" ? 32 : 31, result.status)
      } in ${result.durationMs} ms, ${result.events} events recorded.`,
    );
    await printTimeline(baton, run.id);
    const p = run.plan;
    console.log(
      `\nCritical path by the plan's estimates (${p.estimatedDurationMs} ms with unlimited parallelism):`,
    );
    console.log(`  ${p.criticalPath.join(" -> ")}`);
    const serial = p.steps.reduce((sum, s) => sum + s.estimateMs, 0);
    console.log(`  (${serial} ms if the steps ran one after another)`);
    if (result.status === "completed") {
      console.log(`\nReport written to ${WORKSPACE}/report.md:\n`);
      console.log((await Deno.readTextFile(`${WORKSPACE}/report.md`)).replace(/^/gm, "  "));
    } else {
      console.log(
        `\nUndone: ${result.undone.join(", ")}; failures: ${JSON.stringify(result.failures)}`,
      );
    }
    console.log(`Stored in ${DB}; "deno task demo --history" shows it.`);
    if (result.status !== "completed") Deno.exitCode = 1;
  } finally {
    store.close();
    await Promise.all(Object.values(apis).map((a) => a.close()));
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--history")) await showHistory();
  else await main();
}
