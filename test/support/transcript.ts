// Answers as comparable text: ids and timestamps, which differ from one answer to the next by design,
// replaced by placeholders, so two answers can be compared byte for byte in everything else.

/** Every id prefix Understudy draws ids under; the same id keeps one placeholder throughout a text. */
const ID = /\b(chatcmpl-|cmpl-|resp_|msg_|rs_|fc_|call_|req_)[A-Za-z0-9]{8,}/g;
const TIMESTAMP = /"(created|created_at|completed_at)":\d+/g;
/** Headers that say when or for which request an answer went out, not what it holds. */
const PER_REQUEST_HEADERS = new Set(["date", "x-request-id", "openai-processing-ms"]);

/** The text with each distinct id numbered in order of first appearance, and timestamps blanked. */
export function normaliseIds(text: string): string {
  const seen = new Map<string, number>();
  return text
    .replace(ID, (id: string, prefix: string) => {
      let n = seen.get(id);
      if (n === undefined) seen.set(id, (n = seen.size + 1));
      return `${prefix}<${n}>`;
    })
    .replace(TIMESTAMP, '"$1":<time>');
}

/** An answer's status, headers (sorted, without the per-request ones) and body, normalised. */
export function transcript(status: number, headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers)
    .filter(([name]) => !PER_REQUEST_HEADERS.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
  return normaliseIds(`${status}\n${lines.join("\n")}\n\n${body}`);
}
