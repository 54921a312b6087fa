// Seeded hostile frames for the Responses WebSocket: non-JSON, binary, unknown event types, hostile
// stream ids and `response.create` frames with hostile bodies. Each deserves exactly one answer.
import { deepText, hostile, mutatedBody, RESPONSES, serialize } from "./fuzz-bodies.js";
import type { Rng } from "./fuzz-rng.js";

export interface FrameCase {
  index: number;
  data: string | Buffer;
  binary: boolean;
  /**
   * The `stream_id` its answer carries: the frame's own when it is a JSON object with a string
   * `stream_id`, else undefined (the server never echoes anything else).
   */
  lane: string | undefined;
}

const NOT_JSON = [
  "",
  " ",
  "{",
  "hello",
  "\u0000",
  '{"type":',
  "[1,",
  "nul",
  "\ufeff{}",
  "}{",
  "{'type':'response.create'}",
  "NaN",
  '{"type":"response.create",}',
  "\ud800",
];
const NOT_OBJECTS = ["[]", "1", "null", '"response.create"', "true", '[{"type":"response.create"}]', "-0", "1e999"];
const TYPES = [
  "response.cancel",
  "session.update",
  "response.create ",
  "Response.Create",
  "",
  null,
  7,
  {},
  [],
  "response.created",
  "error",
  "__proto__",
  "toString",
  "response.create\u0000",
  ["response.create"],
];
const BAD_LANES = [7, {}, [], null, true, 1.5, ["a"]];

/** A frame's text and the lane its answer echoes: a string `stream_id` (a frame nested too deep too). */
function frame(value: Record<string, unknown>): { text: string; lane: string | undefined } {
  return { text: serialize(value), lane: typeof value.stream_id === "string" ? value.stream_id : undefined };
}

/** A `response.create` with one to three hostile fields (and sometimes a hostile `generate`). */
function hostileCreate(rng: Rng, index: number): Record<string, unknown> {
  const { body } = mutatedBody(rng, RESPONSES);
  if (rng.int(6) === 0) body.generate = rng.pick([false, "false", 0, null, hostile(rng)]);
  const lane = rng.int(5) === 0 ? undefined : `f${index}`;
  return { type: "response.create", ...body, ...(lane === undefined ? {} : { stream_id: lane }) };
}

function jsonCase(rng: Rng, index: number): { text: string; lane: string | undefined } {
  const roll = rng.int(100);
  const lane = `f${index}`;
  if (roll < 15) return frame({ type: rng.pick(TYPES), stream_id: lane, model: "gpt-4o-mini", input: "fuzz" });
  if (roll < 20) return frame({ stream_id: lane, model: "gpt-4o-mini", input: "fuzz" }); // no type at all
  if (roll < 28)
    return frame({ type: "response.create", stream_id: rng.pick(BAD_LANES), model: "gpt-4o-mini", input: "fuzz" });
  if (roll < 34) {
    const bad = rng.pick(["", `bad lane ${index}`, `${"x".repeat(257)}${index}`, `f${index}\u0000`, `ü${index}`]);
    return frame({ type: "response.create", stream_id: bad, model: "gpt-4o-mini", input: "fuzz" });
  }
  if (roll < 38)
    return frame({
      type: "response.create",
      stream_id: lane,
      model: "gpt-4o-mini",
      input: "fuzz",
      background: rng.pick([true, "true", 1]),
    });
  return frame(hostileCreate(rng, index));
}

/** One frame; about a tenth arrive as binary frames (answered as the text they hold). */
export function makeFrameCase(rng: Rng, index: number): FrameCase {
  const roll = rng.int(100);
  let text: string;
  let lane: string | undefined;
  if (roll < 8) ({ text, lane } = { text: rng.pick(NOT_JSON), lane: undefined });
  else if (roll < 13) ({ text, lane } = { text: rng.pick(NOT_OBJECTS), lane: undefined });
  else if (roll < 15) ({ text, lane } = { text: deepText(rng), lane: undefined });
  else if (roll < 17) {
    // Random bytes in a binary frame: never JSON.
    return {
      index,
      data: Buffer.from(Array.from({ length: 1 + rng.int(300) }, () => rng.int(256))),
      binary: true,
      lane: undefined,
    };
  } else ({ text, lane } = jsonCase(rng, index));
  const binary = rng.int(10) === 0;
  return { index, data: binary ? Buffer.from(text, "utf8") : text, binary, lane };
}

export function describeFrame(c: FrameCase): string {
  const text = Buffer.isBuffer(c.data) ? c.data.toString("utf8") : c.data;
  const shown = text.length > 300 ? `${text.slice(0, 200)}…(${text.length} chars)…${text.slice(-60)}` : text;
  return `#${c.index}${c.binary ? " (binary)" : ""} ${JSON.stringify(shown)}`;
}
