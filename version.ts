/**
 * The version of this package, as published.
 *
 * @example Print it
 * ```ts
 * import { VERSION } from "@baton/baton";
 *
 * console.log(`Baton ${VERSION}`);
 * ```
 */
export const VERSION: string = "0.1.0";
