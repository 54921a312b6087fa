// A config file's validation issues as messages that name the field and what was expected:
// `rateLimit.rpm: expected an integer >= 1, got "ten"`, `ratelimit: unknown field (did you mean "rateLimit"?)`.
import type { z } from "zod";

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "(root)";
}

/** The parts of a zod definition the walk below reads; other schema kinds have none of them. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;

/** The object fields the schema allows at `path` (through optionals, lists and unions), for suggestions. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const def = defOf(schema);
  if (def.type === "optional" || def.type === "default") return def.innerType ? knownKeysAt(def.innerType, path) : [];
  if (def.type === "union") return (def.options ?? []).flatMap((option) => knownKeysAt(option, path));
  if (def.type === "array") return path.length && def.element ? knownKeysAt(def.element, path.slice(1)) : [];
  if (def.type !== "object" || !def.shape) return [];
  if (path.length === 0) return Object.keys(def.shape);
  const field = def.shape[String(path[0])];
  return field ? knownKeysAt(field, path.slice(1)) : [];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The known key a misspelt one most likely meant: the same but for case, or a few edits away. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 3)) + 1;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function shown(input: unknown): string {
  const json = JSON.stringify(input);
  return json === undefined ? String(input) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** One message per issue; an unknown key gets a message of its own, with a suggestion when one is close. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  const messages: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = closestKey(key, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
        messages.push(`${fieldPath([...issue.path, key])}: unknown field${hint}`);
      }
    } else if (issue.input === undefined && issue.code === "invalid_type") {
      messages.push(`${fieldPath(issue.path)}: missing (${issue.message})`);
    } else {
      messages.push(`${fieldPath(issue.path)}: ${issue.message}, got ${shown(issue.input)}`);
    }
  }
  return messages;
}
