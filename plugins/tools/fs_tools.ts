import { defineTool, type Tool } from "../../core/tool.ts";

type NodeFs = typeof import("node:fs/promises");
type NodePath = typeof import("node:path");
let nodeModules: Promise<{ fs: NodeFs; path: NodePath }> | undefined;

/**
 * `node:fs/promises` and `node:path`, imported on the first file call: under Deno, importing
 * them starts its Node.js layer (about 12 MB), which a process without file steps need not pay.
 */
function node(): Promise<{ fs: NodeFs; path: NodePath }> {
  return nodeModules ??= Promise.all([import("node:fs/promises"), import("node:path")])
    .then(([fs, path]) => ({ fs, path }));
}

/** Options of {@linkcode fsTools}. */
export interface FsToolsOptions {
  /** The only directory the tools may touch; paths are relative to it. */
  readonly root: string;
  /** Largest file read or written, in bytes. @default {5_000_000} */
  readonly maxBytes?: number;
}

/** Resolves `path` inside `root`, refusing absolute paths, `..` and symlinks that lead out. */
async function confine(root: string, path: string, forWrite: boolean): Promise<string> {
  if (path.includes("\0")) throw new TypeError("The path contains a NUL character");
  const { fs: { realpath }, path: { dirname, isAbsolute, join, relative, resolve, sep } } =
    await node();
  if (isAbsolute(path)) {
    throw new TypeError(`The path "${path}" must be relative to the tool's root`);
  }
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);
  if (!inside(target)) throw new TypeError(`The path "${path}" leads outside the tool's root`);
  // Follow symlinks: the real location must still be inside.
  let existing = target;
  for (;;) {
    try {
      const real = await realpath(existing);
      if (!inside(real)) {
        throw new TypeError(`The path "${path}" leads outside the tool's root through a link`);
      }
      return existing === target ? real : join(real, relative(existing, target));
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT" || !forWrite) throw error;
      const parent = dirname(existing);
      if (parent === existing) throw error;
      existing = parent;
    }
  }
}

/**
 * `fs.read` and `fs.write`, confined to one directory: no absolute paths, no `..` escape, no
 * escape through symbolic links, a size cap both ways.
 *
 * @param options The root directory and size cap.
 * @returns The two tools.
 *
 * @example Read and write under a root
 * ```ts
 * import { createOrchestrator, fsTools } from "@baton/baton";
 *
 * const root = await Deno.makeTempDir();
 * const baton = createOrchestrator({ tools: fsTools({ root }) });
 * const run = baton.run({
 *   goal: "Copy a note",
 *   steps: [
 *     { id: "w", tool: "fs.write", input: { path: "a/note.txt", text: "hello" } },
 *     { id: "r", tool: "fs.read", input: { path: "a/note.txt" }, dependsOn: ["w"] },
 *   ],
 * });
 * console.log((await run.result).output); // { path: "a/note.txt", text: "hello", bytes: 5 }
 * ```
 */
export function fsTools(options: FsToolsOptions): Tool[] {
  if (typeof options?.root !== "string" || options.root === "") {
    throw new TypeError("fsTools: root must be a directory path");
  }
  const root = options.root;
  const maxBytes = options.maxBytes ?? 5_000_000;
  const pathSchema = { type: "string", minLength: 1, maxLength: 4096 } as const;
  return [
    defineTool({
      name: "fs.read",
      description: "Reads a UTF-8 text file under the tool's root directory",
      input: {
        type: "object",
        required: ["path"],
        additionalProperties: false,
        properties: { path: pathSchema },
      },
      idempotent: true,
      run: async ({ path }: { path: string }, ctx) => {
        const file = await confine(root, path, false);
        const { stat, readFile } = (await node()).fs;
        const info = await stat(file);
        if (!info.isFile()) throw new TypeError(`"${path}" is not a file`);
        if (info.size > maxBytes) {
          throw new RangeError(`"${path}" has ${info.size} bytes, more than ${maxBytes}`);
        }
        const text = await readFile(file, { encoding: "utf8", signal: ctx.signal });
        return { path, text, bytes: info.size };
      },
    }),
    defineTool({
      name: "fs.write",
      description: "Writes a UTF-8 text file under the tool's root directory, creating folders",
      input: {
        type: "object",
        required: ["path", "text"],
        additionalProperties: false,
        properties: { path: pathSchema, text: { type: "string" } },
      },
      run: async ({ path, text }: { path: string; text: string }, ctx) => {
        const bytes = new TextEncoder().encode(text).length;
        if (bytes > maxBytes) {
          throw new RangeError(`The text has ${bytes} bytes, more than ${maxBytes}`);
        }
        const file = await confine(root, path, true);
        const { fs: { mkdir, writeFile }, path: { dirname } } = await node();
        await mkdir(dirname(file), { recursive: true });
        await confine(root, path, true);
        await writeFile(file, text, { encoding: "utf8", signal: ctx.signal });
        return { path, bytes };
      },
    }),
  ];
}
