// JSON answers as text plus their size in UTF-8 bytes (the Content-Length), so that the transport
// need not measure the text again: measuring a string spliced from parts flattens it into a copy,
// a measurable cost (and allocation) on every request of a load test.

export interface JsonText {
  text: string;
  bytes: number;
}

export const jsonText = (text: string): JsonText => ({ text, bytes: Buffer.byteLength(text) });

/**
 * A per-request head joined to a cached tail. `asciiHead`: the head is known to be ASCII (generated
 * ids, numbers, fixed names), so its length is its size; otherwise it is measured (it is short).
 */
export function spliceJson(head: string, asciiHead: boolean, tail: JsonText): JsonText {
  return { text: head + tail.text, bytes: (asciiHead ? head.length : Buffer.byteLength(head)) + tail.bytes };
}
