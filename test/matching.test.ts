// Which fixture answers a request: every match field, first-match-wins order, and the no-match diagnostics.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpPost } from "./support/http.js";

let mock: LLMock;
beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
});

type Body = Record<string, unknown>;
const user = (content: string) => ({ role: "user", content });

/** Sends a chat request and returns the reply text, or `400: <message>` when the mock answers an error. */
async function reply(messages: unknown[], extra: Body = {}): Promise<string> {
  const res = await httpPost(`${mock.url}/v1/chat/completions`, { model: "gpt-4o", messages, ...extra });
  const body = JSON.parse(res.body);
  return res.status === 200 ? body.choices[0].message.content : `${res.status}: ${body.error.message}`;
}
const NO_MATCH = "400: No matching response found for the given conversation.";

describe("text match fields", () => {
  it("matches userMessage as a substring of the last user message only", async () => {
    mock.on({ userMessage: "weather" }, { content: "sunny" });
    expect(await reply([user("what is the weather?")])).toBe("sunny");
    expect(await reply([user("weather?"), { role: "assistant", content: "sunny" }, user("and tomorrow?")])).toMatch(
      /^400: /,
    );
    expect(await reply([user("Weather?")])).toMatch(/^400: /); // case-sensitive
  });

  it("matches userMessage as a RegExp, also a /g one on repeated requests", async () => {
    mock.on({ userMessage: /^book (a|the) flight$/gi }, { content: "booked" });
    expect(await reply([user("Book a flight")])).toBe("booked");
    expect(await reply([user("book the flight")])).toBe("booked");
    expect(await reply([user("please book a flight")])).toMatch(/^400: /);
  });

  it("matches systemMessage against the system and developer messages joined", async () => {
    mock.on({ systemMessage: "pirate" }, { content: "Arr" });
    mock.on({ systemMessage: /concise\nbe polite/ }, { content: "Certainly." });
    expect(await reply([{ role: "system", content: "Talk like a pirate." }, user("hi")])).toBe("Arr");
    expect(await reply([{ role: "developer", content: "You are a pirate." }, user("hi")])).toBe("Arr");
    expect(
      await reply([{ role: "system", content: "be concise" }, { role: "developer", content: "be polite" }, user("hi")]),
    ).toBe("Certainly.");
    expect(await reply([user("hi")])).toContain("the request has no system message");
  });

  it("matches model exactly as a string and by pattern as a RegExp", async () => {
    mock.on({ model: "gpt-4" }, { content: "exact gpt-4" });
    mock.on({ model: /^gpt-4o/ }, { content: "a 4o model" });
    expect(await reply([user("hi")], { model: "gpt-4" })).toBe("exact gpt-4");
    expect(await reply([user("hi")], { model: "gpt-4o-mini" })).toBe("a 4o model");
    expect(await reply([user("hi")], { model: "gpt-4-turbo" })).toContain('model "gpt-4-turbo" is not "gpt-4"');
  });
});

describe("tool match fields", () => {
  const tool = (name: string) => ({ type: "function", function: { name, parameters: { type: "object" } } });
  const callTurn = [
    user("weather in SF?"),
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"SF"}' } }],
    },
    { role: "tool", tool_call_id: "call_abc", content: '{"temp":18}' },
  ];

  it("matches toolName when a tool of that name is offered", async () => {
    mock.on({ toolName: "get_weather" }, { content: "tool offered" });
    expect(await reply([user("hi")], { tools: [tool("search"), tool("get_weather")] })).toBe("tool offered");
    expect(await reply([user("hi")], { tools: [tool("search")] })).toContain(
      'no tool "get_weather" offered (offered: search)',
    );
    expect(await reply([user("hi")])).toContain("(no tools offered)");
  });

  it("matches toolCallId against the call the last tool result answers", async () => {
    mock.on({ toolCallId: "call_abc" }, { content: "It is 18 degrees." });
    expect(await reply(callTurn)).toBe("It is 18 degrees.");
    const other = [...callTurn.slice(0, 2), { role: "tool", tool_call_id: "call_xyz", content: "{}" }];
    expect(await reply(other)).toContain('the last tool result answers "call_xyz", not "call_abc"');
  });

  it("matches hasToolResult true only when the last message is a tool result, and false otherwise", async () => {
    mock.on({ hasToolResult: true }, { content: "after tool" });
    mock.on({ hasToolResult: false }, { content: "before tool" });
    expect(await reply(callTurn)).toBe("after tool");
    expect(await reply(callTurn.slice(0, 1))).toBe("before tool");
    expect(await reply([...callTurn, { role: "assistant", content: "18" }, user("thanks")])).toBe("before tool");
  });

  it("matches turnIndex as the number of assistant messages so far", async () => {
    mock.on({ turnIndex: 0 }, { content: "first turn" });
    mock.on({ turnIndex: 2 }, { content: "third turn" });
    const a = (content: string) => ({ role: "assistant", content });
    expect(await reply([user("1")])).toBe("first turn");
    expect(await reply([user("1"), a("x"), user("2"), a("y"), user("3")])).toBe("third turn");
    expect(await reply([user("1"), a("x"), user("2")])).toContain("turnIndex is 1 (assistant messages so far), not 0");
  });
});

describe("sequenceIndex and predicate", () => {
  it("answers sequenceIndex 0 then 1 for two fixtures sharing a match, then reports the exhausted sequence", async () => {
    mock.on({ userMessage: "retry", sequenceIndex: 0 }, { content: "first attempt" });
    mock.on({ userMessage: "retry", sequenceIndex: 1 }, { content: "second attempt" });
    mock.on({ userMessage: "other" }, { content: "other" });
    expect(await reply([user("retry me")])).toBe("first attempt");
    expect(await reply([user("other")])).toBe("other"); // does not advance the retry sequence
    expect(await reply([user("retry me")])).toBe("second attempt");
    const third = await reply([user("retry me")]);
    expect(third).toContain(
      '#0 userMessage="retry" sequenceIndex=0: sequenceIndex is 0, but this request was number 2 for this match',
    );
    expect(third).toContain(
      '#1 userMessage="retry" sequenceIndex=1: sequenceIndex is 1, but this request was number 2 for this match',
    );
  });

  it("shares one sequence counter between matches whose fields are written in a different order", async () => {
    mock.on({ userMessage: "step", model: "gpt-4o", sequenceIndex: 0 }, { content: "step 0" });
    mock.on({ model: "gpt-4o", sequenceIndex: 1, userMessage: "step" }, { content: "step 1" });
    expect(await reply([user("step")])).toBe("step 0");
    expect(await reply([user("step")])).toBe("step 1");
  });

  it("starts sequences again after clearFixtures", async () => {
    mock.on({ userMessage: "once", sequenceIndex: 0 }, { content: "only once" });
    expect(await reply([user("once")])).toBe("only once");
    mock.clearFixtures().on({ userMessage: "once", sequenceIndex: 0 }, { content: "again" });
    expect(await reply([user("once")])).toBe("again");
  });

  it("calls predicate with the wire body and the canonical conversation", async () => {
    const seen: unknown[] = [];
    mock.on(
      {
        predicate: (body, conversation) => {
          seen.push([body.temperature, conversation.model, conversation.messages.length]);
          return body.temperature === 0;
        },
      },
      { content: "greedy" },
    );
    expect(await reply([user("hi")], { temperature: 0 })).toBe("greedy");
    expect(await reply([user("hi")], { temperature: 1 })).toContain("#0 predicate: predicate returned false");
    // A request that matches nothing runs the predicate a second time to explain the miss.
    expect(seen).toEqual([
      [0, "gpt-4o", 1],
      [1, "gpt-4o", 1],
      [1, "gpt-4o", 1],
    ]);
  });

  it("requires every field of a match to hold", async () => {
    mock.on({ userMessage: "hi", model: "gpt-4" }, { content: "both" });
    expect(await reply([user("hi")], { model: "gpt-4" })).toBe("both");
    expect(await reply([user("hi")], { model: "gpt-4o" })).toContain('model "gpt-4o" is not "gpt-4"');
  });
});

describe("order and lifetime", () => {
  it("answers with the first matching fixture in the order added", async () => {
    mock.on({ userMessage: "weather" }, { content: "general" });
    mock.on({ userMessage: "weather in Paris" }, { content: "Paris" });
    expect(await reply([user("weather in Paris")])).toBe("general");
    expect(mock.requests.at(-1)?.fixture).toBe('#0 userMessage="weather"');
  });

  it("uses fixtures added after the server started, on the next request", async () => {
    expect(await reply([user("late")])).toBe(`${NO_MATCH} No fixtures are loaded.`);
    mock.on({ userMessage: "late" }, { content: "now here" });
    expect(await reply([user("late")])).toBe("now here");
  });

  it('compiles { "regex", "flags" } from a JSON fixture file into a pattern', async () => {
    const dir = mkdtempSync(join(tmpdir(), "understudy-match-"));
    const file = join(dir, "regex.json");
    const fixtures = [
      { match: { userMessage: { regex: "^order #\\d+$", flags: "i" } }, response: { content: "order found" } },
      { match: { model: { regex: "^o\\d" } }, response: { content: "reasoning model" } },
    ];
    writeFileSync(file, JSON.stringify({ fixtures }));
    mock.loadFixtures(file);
    rmSync(dir, { recursive: true });
    expect(await reply([user("ORDER #123")])).toBe("order found");
    expect(await reply([user("order #12a")], { model: "o3" })).toBe("reasoning model");
    expect(await reply([user("order 12")])).toContain(
      '#0 userMessage=/^order #\\d+$/i: last user message "order 12" does not contain /^order #\\d+$/i',
    );
  });
});

describe("no-match diagnostics", () => {
  it("lists at most three nearest fixtures, fewest failures first, with every failed field", async () => {
    mock.on({ userMessage: "a", model: "gpt-4", toolName: "x" }, { content: "0" });
    mock.on({ userMessage: "hello", model: "gpt-4" }, { content: "1" });
    mock.on({ userMessage: "bye", model: "gpt-4", turnIndex: 3 }, { content: "2" });
    mock.on({ userMessage: "hello", systemMessage: "pirate" }, { content: "3" });
    mock.on({ userMessage: "nope" }, { content: "4" });
    const message = await reply([user("hello")]);
    expect(message).toBe(
      `${NO_MATCH} Closest fixtures: ` +
        '#1 userMessage="hello" model="gpt-4": model "gpt-4o" is not "gpt-4" | ' +
        '#3 userMessage="hello" systemMessage="pirate": the request has no system message | ' +
        '#4 userMessage="nope": last user message "hello" does not contain "nope"',
    );
    const entry = mock.requests.at(-1);
    expect(entry).toMatchObject({ status: 400, fixture: null, error: message.slice(5) });
  });

  it("answers no_match with the OpenAI error shape and type invalid_request_error", async () => {
    mock.on({ userMessage: "x" }, { content: "x" });
    const res = await httpPost(`${mock.url}/v1/chat/completions`, { model: "gpt-4o", messages: [user("y")] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toEqual({
      message: `${NO_MATCH.slice(5)} Closest fixtures: #0 userMessage="x": last user message "y" does not contain "x"`,
      type: "invalid_request_error",
      param: null,
      code: "no_match",
    });
  });
});
