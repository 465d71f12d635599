// The view of completed steps that `when:` and `expect:` conditions read.

/**
 * The completed steps' outputs as conditions read them, `{ output }` by step id: a view over the
 * outputs map, so a run keeps no second entry per step for plans that have no conditions. A
 * `Map`, because condition languages such as CEL take maps by `instanceof Map`; it reads through
 * to the outputs and cannot be changed.
 */
export class StepOutputs extends Map<string, { readonly output: unknown }> {
  readonly #outputs: ReadonlyMap<string, unknown>;

  constructor(outputs: ReadonlyMap<string, unknown>) {
    super();
    this.#outputs = outputs;
  }

  override get(id: string): { readonly output: unknown } | undefined {
    return this.#outputs.has(id) ? { output: this.#outputs.get(id) } : undefined;
  }

  override has(id: string): boolean {
    return this.#outputs.has(id);
  }

  override get size(): number {
    return this.#outputs.size;
  }

  override keys(): MapIterator<string> {
    return this.#outputs.keys();
  }

  override values(): MapIterator<{ readonly output: unknown }> {
    return this.#outputs.values().map((output) => ({ output }));
  }

  override entries(): MapIterator<[string, { readonly output: unknown }]> {
    return this.#outputs.entries().map(([id, output]) => [id, { output }]);
  }

  override [Symbol.iterator](): MapIterator<[string, { readonly output: unknown }]> {
    return this.entries();
  }

  override forEach(
    callback: (
      value: { readonly output: unknown },
      key: string,
      map: Map<string, { readonly output: unknown }>,
    ) => void,
    thisArg?: unknown,
  ): void {
    this.#outputs.forEach((output, id) => callback.call(thisArg, { output }, id, this));
  }

  override set(): this {
    throw readOnly();
  }

  override delete(): boolean {
    throw readOnly();
  }

  override clear(): void {
    throw readOnly();
  }
}

function readOnly(): TypeError {
  return new TypeError("The steps conditions see cannot be changed");
}
