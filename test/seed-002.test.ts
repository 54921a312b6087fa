// Seed 002's YAML examples (test/fixtures/seed-002/), each loaded through the CLI with -f and driven with
// the openai SDK. The `reply: next` agent loop, apiKey, port and validation are in seed-002-cli.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, describe, expect, it } from "vitest";
import { root, serveCli, type RunningCli } from "./support/cli.js";
import { chatUsage, countTokens, promptTokens } from "./support/tokens.js";

const fixture = (name: string) => join(root, "test/fixtures/seed-002", name);
const clientOf = (cli: RunningCli) => new OpenAI({ baseURL: `${cli.url}/v1`, apiKey: "test", maxRetries: 0 });
const user = (content: string): ChatCompletionMessageParam => ({ role: "user", content });
const assistant = (content: string): ChatCompletionMessageParam => ({ role: "assistant", content });

const HELP_GUIDE = `I'd be happy to help! Here are some things I can assist with:
1. General questions and information
2. Problem-solving and troubleshooting
3. Code examples and explanations
4. Creative writing and brainstorming
What specific help do you need?
`;
const PYTHON_EXAMPLE =
  'Here\'s a Python example:\n```python\ndef hello_world():\n    print("Hello, World!")\nhello_world()\n```\nThis function prints a greeting message.\n';
const FALLBACK = "I apologize, but I do not understand that request. Could you please rephrase it?";

/** Sends `messages` and checks the whole answer: flow id, text, finish_reason and exact usage. */
async function expectFlowReply(
  cli: RunningCli,
  model: string,
  messages: ChatCompletionMessageParam[],
  flowId: string,
  content: string,
) {
  const completion = await clientOf(cli).chat.completions.create({ model, messages });
  expect(completion.id).toBe(`chatcmpl-${flowId}`);
  expect(completion.object).toBe("chat.completion");
  expect(completion.model).toBe(model);
  expect(completion.choices).toHaveLength(1);
  expect(completion.choices[0].message).toMatchObject({ role: "assistant", content });
  expect(completion.choices[0].finish_reason).toBe("stop");
  const { prompt_tokens, completion_tokens, total_tokens } = completion.usage!;
  expect({ prompt_tokens, completion_tokens, total_tokens }).toEqual(chatUsage(model, messages, content));
}

/** Sends `messages` and returns the 400 the SDK throws. */
async function expectNoMatch(
  cli: RunningCli,
  messages: ChatCompletionMessageParam[],
): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
  const err = await clientOf(cli)
    .chat.completions.create({ model: "gpt-4o", messages })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  const badRequest = err as InstanceType<typeof OpenAI.BadRequestError>;
  expect(badRequest.status).toBe(400);
  expect(badRequest.error).toEqual({
    message: expect.stringMatching(/^No matching response found for the given conversation\./),
    type: "invalid_request_error",
    param: null,
    code: "no_match",
  });
  return badRequest;
}

describe("greeting (exact)", () => {
  const cli = serveCli(["-f", fixture("greeting.yaml")]);

  it("answers the seed's question with its reply, over gpt-3.5-turbo as in the seed's sample response", async () => {
    // The seed's sample shows prompt_tokens 15; OpenAI's formula gives 3 + (3 + 1 + 6) = 13 (completion 12 as shown).
    await expectFlowReply(
      cli,
      "gpt-3.5-turbo",
      [user("Hello, how are you?")],
      "greeting",
      "Hello! I am doing well, thank you for asking.",
    );
    expect(promptTokens("gpt-3.5-turbo", [user("Hello, how are you?")])).toBe(13);
    expect(countTokens("gpt-3.5-turbo", "Hello! I am doing well, thank you for asking.")).toBe(12);
  });

  it("ignores surrounding whitespace and system messages but not a missing question mark: 400 no_match naming the flow and the turn", async () => {
    await expectFlowReply(
      cli,
      "gpt-4o",
      [user("  Hello, how are you?\n")],
      "greeting",
      "Hello! I am doing well, thank you for asking.",
    );
    // The flow scripts no system turn, so the request's system message is not compared (but is counted).
    await expectFlowReply(
      cli,
      "gpt-4o",
      [{ role: "system", content: "You are terse." }, user("Hello, how are you?")],
      "greeting",
      "Hello! I am doing well, thank you for asking.",
    );
    const err = await expectNoMatch(cli, [user("Hello, how are you")]);
    expect(err.error).toMatchObject({
      message:
        'No matching response found for the given conversation. Closest fixtures: flow "greeting": turn 1: "Hello, how are you" is not "Hello, how are you?"',
    });
  });

  it("answers on the Responses API too, with id resp_greeting and the same usage", async () => {
    const response = await clientOf(cli).responses.create({ model: "gpt-4o-mini", input: "Hello, how are you?" });
    expect(response.id).toBe("resp_greeting");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Hello! I am doing well, thank you for asking.");
    const expected = chatUsage("gpt-4o-mini", [user("Hello, how are you?")], response.output_text);
    expect(response.usage).toMatchObject({
      input_tokens: expected.prompt_tokens,
      output_tokens: expected.completion_tokens,
      total_tokens: expected.total_tokens,
    });
  });

  it("returns the seed's error body, byte for byte in shape", async () => {
    const res = await fetch(`${cli.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [user("Hi")] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toEqual({
      message:
        'No matching response found for the given conversation. Closest fixtures: flow "greeting": turn 1: "Hi" is not "Hello, how are you?"',
      type: "invalid_request_error",
      param: null,
      code: "no_match",
    });
  });
});

describe("greeting-hello (the seed's second greeting)", () => {
  const cli = serveCli(["-f", fixture("greeting-hello.yaml")]);
  it("answers Hello, and only Hello", async () => {
    await expectFlowReply(cli, "gpt-4", [user("Hello")], "greeting", "Hello! How can I help you today?");
    await expectNoMatch(cli, [user("Hello there")]);
  });
});

describe("help-guide (fuzzy, threshold 0.8)", () => {
  const cli = serveCli(["-f", fixture("help-guide.yaml")]);
  it("answers a paraphrase (0.92) and refuses an unrelated request (0.59)", async () => {
    await expectFlowReply(cli, "gpt-4o", [user("I need some help")], "help-guide", HELP_GUIDE);
    await expectFlowReply(cli, "gpt-4o", [user("help, I need!")], "help-guide", HELP_GUIDE);
    const err = await expectNoMatch(cli, [user("I need a refund")]);
    expect(err.error).toMatchObject({
      message: expect.stringContaining(
        'flow "help-guide": turn 1: "I need a refund" is 0.59 similar to "I need help", below 0.8',
      ),
    });
  });
});

describe("python-example (contains)", () => {
  const cli = serveCli(["-f", fixture("python-example.yaml")]);
  it("answers any message containing python, ignoring case", async () => {
    await expectFlowReply(cli, "gpt-4o", [user("Can you show me a PYTHON example?")], "python-example", PYTHON_EXAMPLE);
    await expectFlowReply(cli, "gpt-4o-mini", [user("python")], "python-example", PYTHON_EXAMPLE);
    await expectNoMatch(cli, [user("Show me some Java")]);
  });
});

describe("booking-flow", () => {
  const cli = serveCli(["-f", fixture("booking-flow.yaml")]);
  const opening = user("I want to book a table");
  const booked = "Perfect! For 4 people. What time would you prefer?";
  it("answers the first turn and the full four-message conversation with the final turn", async () => {
    await expectFlowReply(cli, "gpt-4o", [opening], "booking-flow", booked);
    await expectFlowReply(
      cli,
      "gpt-4o",
      [
        opening,
        assistant("I can help you book a table! How many people will be dining?"),
        user("4 people"),
        assistant(booked),
      ],
      "booking-flow",
      booked,
    );
  });
  it("refuses a conversation that departs from the flow", async () => {
    const err = await expectNoMatch(cli, [
      opening,
      assistant("I can help you book a table! How many people will be dining?"),
      user("6 people"),
    ]);
    expect(err.error).toMatchObject({
      message: expect.stringContaining('flow "booking-flow": turn 3: "6 people" is not "4 people"'),
    });
  });
});

describe("weather-tool (default reply: last)", () => {
  const cli = serveCli(["-f", fixture("weather-tool.yaml")]);
  it("returns the final text straight away, with no tool call", async () => {
    await expectFlowReply(
      cli,
      "gpt-4o",
      [user("What's the weather in San Francisco?")],
      "weather-tool",
      "It's currently 72°F and sunny in San Francisco!",
    );
  });
});

describe("multi-turn-flow (partial matching)", () => {
  const cli = serveCli(["-f", fixture("multi-turn-flow.yaml")]);
  const sunny = "The weather is sunny today!";
  const cases: [string, ChatCompletionMessageParam[]][] = [
    ['["Start conversation"]', [user("Start conversation")]],
    [
      '["Start conversation", "Hello! How can I help you?"]',
      [user("Start conversation"), assistant("Hello! How can I help you?")],
    ],
    [
      "the full conversation",
      [
        user("Start conversation"),
        assistant("Hello! How can I help you?"),
        user("Tell me about the weather"),
        assistant(sunny),
      ],
    ],
  ];
  it.each(cases)("%s returns the final assistant turn", async (_name, messages) => {
    await expectFlowReply(cli, "gpt-4o", messages, "multi-turn-flow", sunny);
  });

  it("streams the same reply, with the flow's id on every chunk and usage at the end", async () => {
    const messages = cases[1][1];
    const stream = await clientOf(cli).chat.completions.create({
      model: "gpt-4o",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    const finishes: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.id).toBe("chatcmpl-multi-turn-flow");
      for (const choice of chunk.choices) {
        if (choice.delta.content) pieces.push(choice.delta.content);
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.join("")).toBe(sunny);
    expect(pieces.length).toBe(countTokens("gpt-4o", sunny));
    expect(finishes).toEqual(["stop"]);
    expect(usage).toMatchObject(chatUsage("gpt-4o", messages, sunny));
  });
});

describe("flexible-help (fuzzy 0.7) and any-question", () => {
  const cli = serveCli(["-f", fixture("matchers.yaml")]);
  it("answers a paraphrase of 'I need assistance' with flexible-help", async () => {
    await expectFlowReply(
      cli,
      "gpt-4o",
      [user("I need assistance with my account")],
      "flexible-help",
      "I can help you! What do you need assistance with?",
    );
  });
  it("answers everything else with any-question", async () => {
    for (const question of ["Can you assist me?", "What is the capital of France?", ""]) {
      await expectFlowReply(
        cli,
        "gpt-4o",
        [user(question)],
        "any-question",
        "Thanks for your question! Let me help you with that.",
      );
    }
  });
});

describe("fallback (the seed's catch-all on its own)", () => {
  const cli = serveCli(["-f", fixture("fallback.yaml")]);
  it("answers any user message", async () => {
    await expectFlowReply(cli, "gpt-4o", [user("Tell me a joke")], "fallback", FALLBACK);
  });
});

describe("catch-all.yaml: specific flows, then the regex '.*' fallback last", () => {
  const cli = serveCli(["-f", fixture("catch-all.yaml")]);
  it("answers the exact flows with their own replies and anything unmatched with the fallback", async () => {
    await expectFlowReply(
      cli,
      "gpt-4o",
      [user("Hello, how are you?")],
      "greeting",
      "Hello! I am doing well, thank you for asking.",
    );
    await expectFlowReply(
      cli,
      "gpt-4o",
      [user("I want to book a table")],
      "booking-flow",
      "Perfect! For 4 people. What time would you prefer?",
    );
    await expectFlowReply(cli, "gpt-4o", [user("What is the meaning of life?")], "fallback", FALLBACK);
  });

  it("answers the contains and fuzzy flows placed before it: a pattern matching everything ranks like `any`", async () => {
    await expectFlowReply(cli, "gpt-4o", [user("Show me Python")], "python-example", PYTHON_EXAMPLE);
    await expectFlowReply(cli, "gpt-4o", [user("I need help")], "help-guide", HELP_GUIDE);
    await expectFlowReply(cli, "gpt-4o", [user("What is the meaning of life?")], "fallback", FALLBACK);
  });
});

describe("flows of one file", () => {
  const dir = mkdtempSync(join(tmpdir(), "understudy-seed-002-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, yaml: string) => (writeFileSync(join(dir, name), yaml), join(dir, name));

  describe("two flows sharing a first question", () => {
    const cli = serveCli(() => [
      "-f",
      write(
        "diverging.yaml",
        `responses:
  - id: by-size
    messages:
      - { role: user, content: Book a table }
      - { role: assistant, content: For how many people? }
      - { role: user, matcher: any }
      - { role: assistant, content: Booked for your party. }
  - id: by-place
    messages:
      - { role: user, content: Book a table }
      - { role: assistant, content: At which restaurant? }
      - { role: user, matcher: any }
      - { role: assistant, content: Booked at that restaurant. }
`,
      ),
    ]);
    it("are told apart by the assistant turn in the request; the first question alone goes to the earlier flow", async () => {
      await expectFlowReply(
        cli,
        "gpt-4o",
        [user("Book a table"), assistant("For how many people?"), user("Four")],
        "by-size",
        "Booked for your party.",
      );
      await expectFlowReply(
        cli,
        "gpt-4o",
        [user("Book a table"), assistant("At which restaurant?"), user("Four")],
        "by-place",
        "Booked at that restaurant.",
      );
      await expectFlowReply(cli, "gpt-4o", [user("Book a table")], "by-size", "Booked for your party.");
    });
  });

  describe("specificity", () => {
    const cli = serveCli(() => [
      "-f",
      write(
        "specificity.yaml",
        `responses:
  - id: mentions-weather
    messages:
      - { role: user, content: weather, matcher: contains }
      - { role: assistant, content: Weather talk. }
  - id: exact-weather
    messages:
      - { role: user, content: What is the weather? }
      - { role: assistant, content: Exactly the weather. }
`,
      ),
    ]);
    it("lets an exact flow beat a contains flow listed before it", async () => {
      await expectFlowReply(cli, "gpt-4o", [user("What is the weather?")], "exact-weather", "Exactly the weather.");
      await expectFlowReply(cli, "gpt-4o", [user("Weather tomorrow?")], "mentions-weather", "Weather talk.");
    });
  });
});
