// The journal keeps the answers of its newest records only (ANSWERS_KEPT): holding every kept exchange's
// answer text made streamed answers 30% slower through the collector's extra work.
import { describe, expect, it } from "vitest";
import { ANSWERS_KEPT, Journal, type JournalEntry } from "../../src/journal/journal.js";

const entry = (i: number): JournalEntry => ({
  requestId: `req_${i}`,
  time: i,
  method: "POST",
  path: "/v1/chat/completions",
  stream: true,
  status: 200,
  fixture: "#0",
  durationMs: 1,
  interrupted: false,
});

describe("the journal's answers", () => {
  it("are kept for the newest records and dropped from older ones, whose entries stay", () => {
    const journal = new Journal(100);
    const total = ANSWERS_KEPT + 5;
    for (let i = 1; i <= total; i++)
      journal.add(entry(i), { requestHeaders: undefined, nearest: undefined, answer: `answer ${i}` });
    const records = journal.kept();
    expect(records).toHaveLength(total);
    expect(records.slice(0, 5).map((record) => record.answer)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(records.slice(5).map((record) => record.answer)).toEqual(
      Array.from({ length: ANSWERS_KEPT }, (_, i) => `answer ${i + 6}`),
    );
    expect(records.map((record) => record.entry.requestId)).toEqual(
      Array.from({ length: total }, (_, i) => `req_${i + 1}`),
    );
  });
});
