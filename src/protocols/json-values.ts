// Reading untrusted JSON values (parsed request bodies): the type tests every provider's parser shares.

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A whole number (JSON has no integer type: 3.0 is one, 3.5 is not). */
export const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);

/** A value's JSON text, or undefined for one JSON cannot hold; never throws (a parsed body holds no cycles). */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
