// FixtureSet.match on its own: each match field, first match wins, the endpoint's filter, the nearest
// misses and what they say, and sequence counters, which only commit advances and release gives back.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Conversation, type Message } from "../../src/core/conversation.js";
import { isGenerationReply, type Reply } from "../../src/core/reply.js";
import { FixtureSet, type Fixture, type FixtureMatch, type MatchResult } from "../../src/fixtures/index.js";

interface Shape {
  messages?: Message[];
  model?: string;
  tools?: string[];
  format?: string;
  body?: Record<string, unknown>;
}

function conversation(shape: Shape = {}): Conversation {
  return {
    api: "chat.completions",
    model: shape.model ?? "gpt-4o-mini",
    messages: shape.messages ?? [{ role: "user", content: "hello there" }],
    tools: (shape.tools ?? []).map((name) => ({ name })),
    stream: false,
    params: { ...DEFAULT_PARAMS, responseFormat: shape.format ? { type: shape.format } : null },
    body: shape.body ?? {},
  };
}

const fixture = (match: FixtureMatch, content = "answer"): Fixture => ({ match, response: { content } });

function setOf(...fixtures: Fixture[]): FixtureSet {
  const set = new FixtureSet();
  set.add(fixtures);
  return set;
}

const answered = (result: MatchResult): string | undefined => result.hit?.reply.content;
const misses = (result: MatchResult) => (result.hit ? [] : result.nearest);

const user = (content: string): Message => ({ role: "user", content });
const assistant = (content: string): Message => ({ role: "assistant", content });
const toolResult = (toolCallId: string): Message => ({ role: "tool", content: "42", toolCallId });

/** Per field: a match, a conversation it holds for, one it fails for, and what the miss says. */
const FIELDS: [string, FixtureMatch, Shape, Shape, string][] = [
  [
    "userMessage (substring of the last user message)",
    { userMessage: "weather" },
    { messages: [user("the weather today?")] },
    { messages: [user("weather?"), assistant("Sunny."), user("and tomorrow?")] },
    'last user message "and tomorrow?" does not contain "weather"',
  ],
  [
    "userMessage (a pattern)",
    { userMessage: /^book (a|the) table$/i },
    { messages: [user("Book a table")] },
    { messages: [user("book two tables")] },
    'last user message "book two tables" does not contain /^book (a|the) table$/i',
  ],
  [
    "userMessage (no user message)",
    { userMessage: "x" },
    { messages: [user("x")] },
    { messages: [{ role: "system", content: "x" }] },
    "the request has no user message",
  ],
  [
    "systemMessage (system and developer messages)",
    { systemMessage: "pirate" },
    { messages: [{ role: "developer", content: "Talk like a pirate." }, user("hi")] },
    { messages: [{ role: "system", content: "Be formal." }, user("hi")] },
    'system message "Be formal." does not contain "pirate"',
  ],
  [
    "model (exactly, not a substring)",
    { model: "gpt-4o" },
    { model: "gpt-4o" },
    { model: "gpt-4o-mini" },
    'model "gpt-4o-mini" is not "gpt-4o"',
  ],
  [
    "toolName (a tool offered)",
    { toolName: "get_weather" },
    { tools: ["search", "get_weather"] },
    { tools: ["search"] },
    'no tool "get_weather" offered (offered: search)',
  ],
  [
    "toolName (no tools)",
    { toolName: "get_weather" },
    { tools: ["get_weather"] },
    {},
    'no tool "get_weather" offered (no tools offered)',
  ],
  [
    "toolCallId (the result of that call, last)",
    { toolCallId: "call_1" },
    { messages: [user("go"), toolResult("call_1")] },
    { messages: [user("go"), toolResult("call_2")] },
    'the last tool result answers "call_2", not "call_1"',
  ],
  [
    "toolCallId (no tool result last)",
    { toolCallId: "call_1" },
    { messages: [toolResult("call_1")] },
    {},
    'the last message is not a tool result (expected the result of "call_1")',
  ],
  [
    "hasToolResult: true",
    { hasToolResult: true },
    { messages: [user("go"), toolResult("call_1")] },
    {},
    "the last message is not a tool result",
  ],
  [
    "hasToolResult: false",
    { hasToolResult: false },
    {},
    { messages: [toolResult("call_1")] },
    "the last message is a tool result",
  ],
  [
    "turnIndex (assistant messages so far)",
    { turnIndex: 1 },
    { messages: [user("a"), assistant("b"), user("c")] },
    { messages: [user("a"), assistant("b"), user("c"), assistant("d"), user("e")] },
    "turnIndex is 2 (assistant messages so far), not 1",
  ],
  [
    "responseFormat",
    { responseFormat: "json_object" },
    { format: "json_object" },
    {},
    'the request asks for "text" output, not "json_object"',
  ],
  [
    "predicate (given the wire body and the conversation)",
    { predicate: (body, conv) => body.user === "alice" && conv.model === "gpt-4o-mini" },
    { body: { user: "alice" } },
    { body: { user: "bob" } },
    "predicate returned false",
  ],
];

describe("FixtureSet.match", () => {
  describe("each match field", () => {
    it.each(FIELDS)("%s", (_name, match, holds, fails, failure) => {
      const set = setOf(fixture(match, "matched"));
      expect(answered(set.match(conversation(holds)))).toBe("matched");
      const result = set.match(conversation(fails));
      expect(result.hit).toBeNull();
      expect(misses(result)).toEqual([{ label: expect.stringMatching(/^#0 /), failures: [failure] }]);
    });

    it("every field of a match must hold; the miss lists each that did not", () => {
      const set = setOf(fixture({ userMessage: "weather", model: "gpt-4", turnIndex: 0 }));
      expect(answered(set.match(conversation({ model: "gpt-4", messages: [user("weather?")] })))).toBe("answer");
      expect(misses(set.match(conversation()))).toEqual([
        {
          label: '#0 userMessage="weather" model="gpt-4" turnIndex=0',
          failures: [
            'last user message "hello there" does not contain "weather"',
            'model "gpt-4o-mini" is not "gpt-4"',
          ],
        },
      ]);
    });

    it("a global pattern matches every request, not every other one", () => {
      const set = setOf(fixture({ userMessage: /hello/g }));
      for (let i = 0; i < 3; i++) expect(answered(set.match(conversation()))).toBe("answer");
    });

    it("an empty match answers anything", () => {
      expect(setOf(fixture({}, "anything")).match(conversation()).hit).toMatchObject({
        reply: { content: "anything" },
        label: "#0 (matches anything)",
      });
    });
  });

  it("the first match wins, in the order fixtures were added, with its label and options", () => {
    const set = setOf(fixture({ userMessage: "nope" }, "zero"), fixture({ userMessage: "hello" }, "one"), {
      match: {},
      response: { content: "two" },
      chunkSize: 3,
    });
    expect(set.match(conversation()).hit).toMatchObject({ reply: { content: "one" }, label: '#1 userMessage="hello"' });
    expect(set.match(conversation({ messages: [user("other")] })).hit).toMatchObject({
      reply: { content: "two" },
      label: "#2 (matches anything)",
      options: { chunkSize: 3 },
    });
  });

  it("the endpoint's filter skips replies it cannot send: they neither answer nor count", () => {
    const embedding: Fixture = { match: { userMessage: "hello" }, response: { embedding: [0.1, 0.2] } };
    const set = setOf(embedding, fixture({ userMessage: "hello" }, "text"));
    expect(answered(set.match(conversation(), isGenerationReply))).toBe("text");
    expect(set.match(conversation(), (reply: Reply) => reply.embedding !== undefined).hit?.reply.embedding).toEqual([
      0.1, 0.2,
    ]);
    expect(misses(setOf(embedding).match(conversation({ messages: [user("x")] }), isGenerationReply))).toEqual([]);
  });

  describe("nearest misses", () => {
    it("the three closest, by how many fields failed, ties in the order added", () => {
      const set = setOf(
        fixture({ userMessage: "a", model: "m", toolName: "t" }),
        fixture({ userMessage: "b", model: "m" }),
        fixture({ userMessage: "c" }),
        fixture({ model: "m" }),
        fixture({ userMessage: "d", model: "m" }),
      );
      expect(misses(set.match(conversation())).map((miss) => [miss.label, miss.failures.length])).toEqual([
        ['#2 userMessage="c"', 1],
        ['#3 model="m"', 1],
        ['#1 userMessage="b" model="m"', 2],
      ]);
    });

    it("a sequence fixture whose fields hold says which number this request was", () => {
      const set = setOf(fixture({ userMessage: "hello", sequenceIndex: 1 }));
      expect(misses(set.match(conversation()))).toEqual([
        {
          label: '#0 userMessage="hello" sequenceIndex=1',
          failures: ["sequenceIndex is 1, but this request was number 0 for this match"],
        },
      ]);
    });

    it("with no fixtures there is nothing near", () => {
      expect(new FixtureSet().match(conversation())).toEqual({ hit: null, nearest: [], claim: null });
    });
  });

  describe("sequences", () => {
    const steps = () =>
      setOf(
        fixture({ userMessage: "step", sequenceIndex: 0 }, "zero"),
        fixture({ userMessage: "step", sequenceIndex: 1 }, "one"),
        fixture({ userMessage: "step" }, "after"),
      );
    const step = conversation({ messages: [user("step")] });

    it("matching advances nothing; commit does, one number per answered request", () => {
      const set = steps();
      const first = set.match(step);
      expect(answered(first)).toBe("zero");
      expect(answered(set.match(step))).toBe("zero");
      set.commit(first.claim);
      const second = set.match(step);
      expect(answered(second)).toBe("one");
      set.commit(second.claim);
      // Past the sequence, the next fixture that matches answers.
      expect(answered(set.match(step))).toBe("after");
      expect(setOf(fixture({ userMessage: "other" })).match(step).claim).toBeNull();
    });

    it("release gives a refused request's number back to the next request", () => {
      const set = steps();
      const first = set.match(step);
      set.commit(first.claim);
      const second = set.match(step);
      set.commit(second.claim);
      set.release(first.claim);
      // Number 0 was handed back while 1 was still held: it goes out next, then the sequence carries on past 1.
      const again = set.match(step);
      expect(answered(again)).toBe("zero");
      set.commit(again.claim);
      expect(answered(set.match(step))).toBe("after");
      set.release(second.claim);
      expect(answered(set.match(step))).toBe("one");
    });

    it("a request's earlier parts count before it (a prompt list is several generations)", () => {
      const set = steps();
      const first = set.match(step);
      expect(answered(set.match(step, undefined, first.claim))).toBe("one");
    });

    it("fixtures whose matches differ only in field order share one counter", () => {
      const set = setOf(
        { match: { userMessage: "step", model: "gpt-4o-mini", sequenceIndex: 0 }, response: { content: "zero" } },
        { match: { model: "gpt-4o-mini", sequenceIndex: 1, userMessage: "step" }, response: { content: "one" } },
      );
      set.commit(set.match(step).claim);
      expect(answered(set.match(step))).toBe("one");
    });

    it("resetSequences starts again from 0, and a claim from before neither commits nor releases", () => {
      const set = steps();
      const stale = set.match(step);
      set.commit(set.match(step).claim);
      set.resetSequences();
      set.commit(stale.claim);
      expect(answered(set.match(step))).toBe("zero");
      set.release(stale.claim);
      expect(answered(set.match(step))).toBe("zero");
    });
  });
});
