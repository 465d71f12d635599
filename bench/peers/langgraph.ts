// LangGraph.js: one StateGraph node per step; a step with several dependencies waits for all.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { work, type Workload } from "../_workloads.ts";

const State = Annotation.Root({
  done: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});

/** Builds the workload's graph and runs it once. */
export async function runLangGraph(w: Workload): Promise<void> {
  // deno-lint-ignore no-explicit-any
  const graph: any = new StateGraph(State);
  const dependents = new Set<string>();
  for (const s of w.steps) {
    graph.addNode(s.id, async () => {
      await work(s);
      return { done: 1 };
    });
    for (const d of s.deps) dependents.add(d);
  }
  for (const s of w.steps) {
    if (s.deps.length === 0) graph.addEdge(START, s.id);
    else if (s.deps.length === 1) graph.addEdge(s.deps[0], s.id);
    else graph.addEdge(s.deps, s.id);
    if (!dependents.has(s.id)) graph.addEdge(s.id, END);
  }
  const app = graph.compile();
  const state = await app.invoke({ done: 0 }, { recursionLimit: w.steps.length + 10 });
  if (state.done !== w.steps.length) throw new Error(`LangGraph ran ${state.done} steps`);
}
