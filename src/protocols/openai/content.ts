// Reading OpenAI message content, which arrives as a string, null, or a list of typed parts.

type Part = { type?: unknown; text?: unknown; refusal?: unknown };

/** The text of a content value: strings as they are, text-like parts joined with newlines. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content as Part[]) {
    if (typeof part === "string") texts.push(part);
    else if (part && typeof part.text === "string") texts.push(part.text);
    else if (part && typeof part.refusal === "string") texts.push(part.refusal);
  }
  return texts.join("\n");
}

/**
 * A request value as an error message quotes it: primitives as text, arrays and objects by kind.
 * String() would recurse through a deeply nested array until the stack overflows, and throws on an
 * object whose `toString` member is not a function (`{"toString": 1}`), turning a 400 into a 500.
 */
export const shownValue = (value: unknown): string =>
  value === null || typeof value !== "object" ? String(value) : Array.isArray(value) ? "an array" : "an object";
