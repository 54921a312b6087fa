// The Messages parse as a pure function: a body's canonical conversation (turns, tool calls and results,
// parameters, thinking), its refusals, and no throw whatever the body holds; the plan's stop-sequence finding.
import { describe, expect, it } from "vitest";
import { findStop } from "../src/core/shape.js";
import { parseCountTokensRequest, parseMessagesRequest } from "../src/protocols/anthropic/messages/parse.js";
import { isApiError } from "../src/protocols/types.js";

const base = { model: "claude-opus-4-8", max_tokens: 100 };

describe("the canonical conversation", () => {
  it("puts the system prompt first and each turn after it, tool uses as calls and tool results as tool messages", () => {
    const conversation = parseMessagesRequest({
      ...base,
      system: [
        { type: "text", text: "Rule one." },
        { type: "text", text: "Rule two." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look:" },
            { type: "image", source: { type: "url", url: "x" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hm", signature: "s" },
            { type: "text", text: "Calling." },
            { type: "tool_use", id: "toolu_1", name: "look", input: { at: "x" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "a cat" }] },
            { type: "text", text: "And now?" },
          ],
        },
        { role: "system", content: "Mid-conversation note." },
      ],
    });
    if (isApiError(conversation)) throw new Error(conversation.message);
    expect(conversation.messages).toEqual([
      { role: "system", content: "Rule one.\nRule two." },
      { role: "user", content: "Look:" },
      { role: "assistant", content: "Calling.", toolCalls: [{ id: "toolu_1", name: "look", arguments: '{"at":"x"}' }] },
      { role: "tool", content: "a cat", toolCallId: "toolu_1" },
      { role: "user", content: "And now?" },
      { role: "system", content: "Mid-conversation note." },
    ]);
    expect(conversation).toMatchObject({ api: "messages", model: "claude-opus-4-8", stream: false, thinking: "off" });
  });

  it("reads the parameters the plan applies: max_tokens, stop_sequences, structured output, one choice", () => {
    const conversation = parseMessagesRequest({
      ...base,
      stream: true,
      stop_sequences: ["END"],
      tools: [
        { name: "f", description: "F", input_schema: { type: "object" } },
        { type: "web_search_20250305", name: "web_search" },
      ],
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
      thinking: { type: "adaptive", display: "omitted" },
      messages: [{ role: "user", content: "hi" }],
    });
    if (isApiError(conversation)) throw new Error(conversation.message);
    expect(conversation.params).toEqual({
      includeUsage: false,
      maxOutputTokens: 100,
      n: 1,
      stop: ["END"],
      ignoreEos: false,
      topLogprobs: null,
      responseFormat: { type: "json_schema", schema: { type: "object" } },
      // Thinking is on (adaptive), so a reply's reasoning is planned, shown or not.
      omitReasoning: false,
    });
    expect(conversation.tools).toEqual([
      { name: "f", description: "F", parameters: { type: "object" } },
      { name: "web_search", description: undefined, parameters: undefined },
    ]);
    expect(conversation).toMatchObject({ stream: true, thinking: "omitted" });
  });

  it("takes count_tokens' body without max_tokens, and then holds no output limit", () => {
    const conversation = parseCountTokensRequest({ model: "m", messages: [{ role: "user", content: "hi" }] });
    if (isApiError(conversation)) throw new Error(conversation.message);
    expect(conversation.params.maxOutputTokens).toBeUndefined();
    expect(parseMessagesRequest({ model: "m", messages: [{ role: "user", content: "hi" }] })).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      message: "max_tokens: Field required",
    });
  });
});

describe("hostile bodies", () => {
  const VALUES: unknown[] = [null, 0, -1, 1.5, "", "x", true, [], {}, [null], [[]], { toString: 1 }, { type: 7 }];
  const FIELDS = [
    "model",
    "max_tokens",
    "messages",
    "system",
    "tools",
    "stop_sequences",
    "thinking",
    "temperature",
    "top_k",
    "metadata",
    "output_config",
    "stream",
  ];
  /** A small seeded generator, so a failure names a body that can be replayed. */
  function* bodies(count: number): Generator<unknown> {
    let state = 12345;
    const next = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
    const pick = () => VALUES[next(VALUES.length)];
    for (let i = 0; i < count; i++) {
      const body: Record<string, unknown> = { ...base, messages: [{ role: "user", content: "hi" }] };
      for (let j = 0; j < 3; j++) body[FIELDS[next(FIELDS.length)]] = pick();
      if (next(2) === 0)
        body.messages = [
          {
            role: ["user", "assistant", "system", 3][next(4)],
            content: [
              pick(),
              {
                type: ["text", "tool_use", "tool_result"][next(3)],
                text: pick(),
                id: pick(),
                name: pick(),
                tool_use_id: pick(),
                content: pick(),
                input: pick(),
              },
            ],
          },
        ];
      yield body;
    }
    yield* VALUES;
    let deep: unknown = "x";
    for (let d = 0; d < 5000; d++) deep = [deep];
    yield {
      ...base,
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: deep }] }],
    };
  }

  it("answers every one with a conversation or a 400 and never throws", () => {
    let refused = 0;
    for (const body of bodies(2000)) {
      const outcome = parseMessagesRequest(body);
      if (isApiError(outcome)) {
        refused++;
        expect(outcome.status).toBe(400);
        expect(outcome.type).toBe("invalid_request_error");
        expect(typeof outcome.message).toBe("string");
      } else expect(Array.isArray(outcome.messages)).toBe(true);
    }
    expect(refused).toBeGreaterThan(1000);
  });
});

describe("findStop", () => {
  it("finds the earliest stop sequence, the first listed of two at one place, ignoring empty ones", () => {
    expect(findStop("one two three", ["three", "two"])).toEqual({ at: 4, sequence: "two" });
    expect(findStop("abcd", ["bc", "b", ""])).toEqual({ at: 1, sequence: "bc" });
    expect(findStop("abcd", ["", "x"])).toBeNull();
  });
});
