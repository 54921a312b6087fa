// FixtureSet.match, field by field: each match field holds for one conversation and fails for another,
// and the miss says in words what differed.
import { describe, expect, it } from "vitest";
import type { FixtureMatch } from "../../src/fixtures/index.js";
import {
  answered,
  assistant,
  conversation,
  fixture,
  misses,
  setOf,
  type Shape,
  toolResult,
  user,
} from "./match-helpers.js";

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
});
