// The one WebAssembly instance of the graph core, and the staging protocol around it.
import { WASM_BASE64 } from "./_graph_core_wasm.generated.ts";
import { GraphError } from "./graph_error.ts";

/** The C ABI of graph_core.wasm (see graph-wasm/src/lib.rs). */
export interface GraphCoreExports {
  readonly memory: WebAssembly.Memory;
  baton_graph_input(bytes: number): number;
  baton_graph_output(): number;
  baton_graph_output_bytes(): number;
  baton_graph_release(): void;
  baton_graph_validate(n: number, m: number): number;
  baton_graph_topo_sort(n: number, m: number, withPriority: number): number;
  baton_graph_levels(n: number, m: number): number;
  baton_graph_critical_path(n: number, m: number): number;
  baton_graph_transitive_reduction(n: number, m: number): number;
  baton_graph_descendants(n: number, m: number, k: number, inclusive: number): number;
  baton_graph_ancestors(n: number, m: number, k: number, inclusive: number): number;
  baton_graph_break_cycles(n: number, m: number, withPriority: number): number;
  baton_graph_analyze(n: number, m: number, flags: number): number;
}

/** Status codes of the ABI (graph-wasm/src/error.rs). */
export const Status = {
  ok: 0,
  unknownNode: 1,
  selfLoop: 2,
  duplicateEdge: 3,
  cycle: 4,
  outOfMemory: 5,
  badArgument: 6,
} as const;

let instance: GraphCoreExports | undefined;

/** The instance, compiled on first use from the embedded bytes (no file or network access). */
export function graphCore(): GraphCoreExports {
  if (instance === undefined) {
    const binary = atob(WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const module = new WebAssembly.Module(bytes);
    instance = new WebAssembly.Instance(module, {}).exports as unknown as GraphCoreExports;
  }
  return instance;
}

/** Copies float arrays, then integer arrays, into the module's input buffer. */
export function stage(
  floats: readonly Float64Array[],
  ints: readonly Uint32Array[],
): void {
  const core = graphCore();
  let bytes = 0;
  for (const f of floats) bytes += f.length * 8;
  for (const i of ints) bytes += i.length * 4;
  const ptr = core.baton_graph_input(bytes);
  if (ptr === 0) throw outOfMemory(bytes);
  // Views are made after the call: growing memory detaches older ones.
  const buffer = core.memory.buffer;
  let at = ptr;
  for (const f of floats) {
    new Float64Array(buffer, at, f.length).set(f);
    at += f.length * 8;
  }
  for (const i of ints) {
    new Uint32Array(buffer, at, i.length).set(i);
    at += i.length * 4;
  }
}

/** Reads the last job's output: its header, then float and integer sections in order. */
export class Output {
  readonly header: Uint32Array;
  #buffer: ArrayBufferLike;
  #at: number;

  constructor() {
    const core = graphCore();
    const at = core.baton_graph_output();
    const bytes = core.baton_graph_output_bytes();
    // One copy out of WebAssembly memory; the sections are views of it.
    this.#buffer = new Uint8Array(core.memory.buffer, at, bytes).slice().buffer;
    this.header = new Uint32Array(this.#buffer, 0, 4);
    this.#at = 16;
  }

  /** The next `count` floats. */
  floats(count: number): Float64Array {
    const out = new Float64Array(this.#buffer, this.#at, count);
    this.#at += count * 8;
    return out;
  }

  /** The next `count` integers. */
  ints(count: number): Uint32Array {
    const out = new Uint32Array(this.#buffer, this.#at, count);
    this.#at += count * 4;
    return out;
  }
}

function outOfMemory(bytes: number): RangeError {
  return new RangeError(
    `The graph does not fit in WebAssembly memory (${bytes} bytes of input)`,
  );
}

/** Names of the staged arguments the ABI reports by number. */
export interface ArgumentNames {
  readonly 1?: string;
  readonly 2?: string;
}

/**
 * Turns a non-zero status into the error it stands for.
 *
 * Unknown nodes and bad arguments become `RangeError`s naming the argument and element;
 * self-loops, duplicate edges and cycles become a `GraphError`.
 */
export function statusError(status: number, names: ArgumentNames = {}): Error {
  const out = new Output();
  const [a = 0, b = 0] = out.header;
  switch (status) {
    case Status.unknownNode:
      return new RangeError(
        `edges[${a}] is ${b}, which is not a node index below nodeCount`,
      );
    case Status.selfLoop:
      return new GraphError("self-loop", `Edge ${a} goes from node ${b} to itself`, {
        edge: a,
        nodes: [b],
      });
    case Status.duplicateEdge:
      return new GraphError("duplicate-edge", `Edge ${a} repeats edge ${b}`, {
        edge: a,
        nodes: [],
      });
    case Status.cycle: {
      const cycle = Array.from(out.ints(a));
      return new GraphError(
        "cycle",
        `The graph has a cycle: ${[...cycle, cycle[0]].join(" -> ")}`,
        {
          edge: -1,
          nodes: cycle,
        },
      );
    }
    case Status.outOfMemory:
      return outOfMemory(0);
    case Status.badArgument: {
      const name = a === 1 ? names[1] : a === 2 ? names[2] : undefined;
      return name === undefined
        ? new Error(`Graph core refused its staged input (argument ${a}, element ${b})`)
        : new RangeError(`${name}[${b}] is not valid for this graph`);
    }
    default:
      return new Error(`Graph core returned the unknown status ${status}`);
  }
}

/** Runs one job and returns its output, or throws the error its status stands for. */
export function run(job: (core: GraphCoreExports) => number, names?: ArgumentNames): Output {
  const status = job(graphCore());
  if (status !== Status.ok) throw statusError(status, names);
  return new Output();
}
