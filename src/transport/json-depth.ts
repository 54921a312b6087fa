// A limit on how deeply a request body nests. JSON.parse accepts any depth, but serialising such a
// value again (echoing a schema, counting a tool's parameters) overflows the stack at a few thousand.
import { nestedTooDeep, type NestedTooDeep } from "../core/errors.js";

export const MAX_JSON_DEPTH = 512;

/** Walks the value iteratively (a recursive walk would overflow on exactly the inputs it guards against). */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** `byteLength` is the body's size: a body under 2 bytes per level cannot nest too deep, and is not walked. */
export function tooDeep(value: unknown, byteLength: number): NestedTooDeep | null {
  if (byteLength < 2 * MAX_JSON_DEPTH || !depthExceeds(value, MAX_JSON_DEPTH)) return null;
  return nestedTooDeep(MAX_JSON_DEPTH);
}
