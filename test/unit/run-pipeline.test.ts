// runPipeline on its own, over a state built in the test: what a body becomes (a parse error, a
// model not served, no match with its nearest misses, a fixture's or a queued error, or a plan)
// before anything is rendered or written.
import { describe, expect, it } from "vitest";
import type { Fixture } from "../../src/fixtures/index.js";
import { runPipeline, type Outcome } from "../../src/pipeline.js";
import { createChatSurface } from "../../src/protocols/openai/chat/index.js";
import { errorFields } from "../support/api-error.js";
import { testState } from "../support/pipeline-state.js";
import { countTokens, promptTokens } from "../support/tokens.js";

const MODEL = "gpt-4o-mini";
const surface = createChatSurface();
const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  messages: [{ role: "user", content }],
  ...extra,
});

function expectError(outcome: Outcome): Extract<Outcome, { kind: "error" }> {
  if (outcome.kind !== "error") throw new Error(`expected an error, got a reply from ${outcome.fixture}`);
  return outcome;
}

function expectReply(outcome: Outcome): Extract<Outcome, { kind: "reply" }> {
  if (outcome.kind !== "reply") throw new Error(`expected a reply, got ${JSON.stringify(errorFields(outcome.error))}`);
  return outcome;
}

describe("runPipeline", () => {
  it("a body the surface cannot parse is an error naming param and code, with no conversation and no fixture", () => {
    const outcome = expectError(runPipeline(testState(), surface, { messages: [{ role: "user", content: "hi" }] }));
    expect(errorFields(outcome.error)).toEqual({
      status: 400,
      type: "invalid_request_error",
      param: "model",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'model'.",
    });
    expect(outcome.conversation).toBeUndefined();
    expect(outcome.fixture).toBeNull();
  });

  it("a model the server does not serve is 404 model_not_found, with the parsed conversation", () => {
    const state = testState({ models: [MODEL], fixtures: [{ match: {}, response: { content: "never" } }] });
    const outcome = expectError(runPipeline(state, surface, chat("hi", { model: "gpt-nope" })));
    expect(errorFields(outcome.error)).toEqual({
      status: 404,
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
      message: "The model `gpt-nope` does not exist or you do not have access to it.",
    });
    expect(outcome.conversation?.model).toBe("gpt-nope");
    expect(outcome.fixture).toBeNull();
  });

  it("no match is 400 no_match listing the three nearest fixtures, fewest failed fields first", () => {
    const fixtures: Fixture[] = [
      { match: { userMessage: "weather", model: "gpt-4" }, response: { content: "sunny" } },
      { match: { userMessage: "hello" }, response: { content: "hi" } },
      { match: { systemMessage: "pirate" }, response: { content: "arr" } },
      { match: { userMessage: "x", model: "y", toolName: "z" }, response: { content: "far" } },
    ];
    const outcome = expectError(runPipeline(testState({ fixtures }), surface, chat("good morning")));
    expect(errorFields(outcome.error)).toEqual({
      status: 400,
      type: "invalid_request_error",
      param: null,
      code: "no_match",
      message:
        'No matching response found for the given conversation. Closest fixtures: #1 userMessage="hello": last user message "good morning" does not contain "hello" | ' +
        '#2 systemMessage="pirate": the request has no system message | ' +
        '#0 userMessage="weather" model="gpt-4": last user message "good morning" does not contain "weather"; model "gpt-4o-mini" is not "gpt-4"',
    });
    expect(outcome.conversation?.messages).toEqual([{ role: "user", content: "good morning" }]);
    expect(outcome.fixture).toBeNull();
  });

  it("with no fixtures at all, the no_match message says so", () => {
    const outcome = expectError(runPipeline(testState(), surface, chat("anyone?")));
    expect(errorFields(outcome.error).message).toBe(
      "No matching response found for the given conversation. No fixtures are loaded.",
    );
  });

  it("a fixture's error is the outcome, with its status's default type, its retry-after, and the fixture's label", () => {
    const state = testState({
      fixtures: [
        {
          match: { userMessage: "fail" },
          response: { error: { status: 503, message: "Down for maintenance.", retryAfter: 3 } },
        },
      ],
    });
    const outcome = expectError(runPipeline(state, surface, chat("please fail")));
    expect(errorFields(outcome.error)).toEqual({
      status: 503,
      type: "service_unavailable",
      param: null,
      code: null,
      message: "Down for maintenance.",
    });
    expect(outcome.error.headers).toEqual({ "retry-after": "3" });
    expect(outcome.fixture).toBe('#0 userMessage="fail"');
  });

  it("a queued error answers the next matched request instead of its reply, and leaves the sequence where it was", () => {
    const state = testState({
      fixtures: [
        { match: { userMessage: "step", sequenceIndex: 0 }, response: { content: "zero" } },
        { match: { userMessage: "step", sequenceIndex: 1 }, response: { content: "one" } },
      ],
    });
    state.queued.push({ status: 500, message: "Queued failure." });
    // A request no fixture matches does not use the queued error up.
    expect(errorFields(expectError(runPipeline(state, surface, chat("unrelated"))).error).code).toBe("no_match");
    const refused = expectError(runPipeline(state, surface, chat("step")));
    expect(errorFields(refused.error)).toEqual({
      status: 500,
      type: "internal_server_error",
      param: null,
      code: null,
      message: "Queued failure.",
    });
    expect(refused.fixture).toBe('#0 userMessage="step" sequenceIndex=0 (queued error)');
    expect(state.queued.pending).toBe(0);
    expect(expectReply(runPipeline(state, surface, chat("step"))).plan.choices[0].content).toBe("zero");
    expect(expectReply(runPipeline(state, surface, chat("step"))).plan.choices[0].content).toBe("one");
  });

  it("a match is planned: the reply with exact usage, the fixture's label, no headers and no sequence", () => {
    const state = testState({
      fixtures: [{ match: { userMessage: "hello" }, response: { content: "Hi there, friend." } }],
    });
    const outcome = expectReply(runPipeline(state, surface, chat("hello you", { max_tokens: 3 })));
    expect(outcome.fixture).toBe('#0 userMessage="hello"');
    expect(outcome.conversation).toMatchObject({ api: "chat.completions", model: MODEL, stream: false });
    expect(outcome.plan.choices.map((choice) => [choice.content, choice.finishReason])).toEqual([
      ["Hi there,", "length"],
    ]);
    const prompt = promptTokens(MODEL, [{ role: "user", content: "hello you" }]);
    expect(outcome.plan.usage).toEqual({
      promptTokens: prompt,
      completionTokens: 3,
      reasoningTokens: 0,
      totalTokens: prompt + 3,
    });
    expect(countTokens(MODEL, "Hi there,")).toBe(3);
    expect(outcome).toMatchObject({ headers: {}, warnings: [], sequences: null });
  });

  it("an alias is served as the model it names: matched, planned and counted as that model", () => {
    const state = testState({
      models: [{ id: "fast", aliasOf: "gpt-4" }],
      fixtures: [{ match: { model: "gpt-4" }, response: { content: "Served as gpt-4." } }],
    });
    const outcome = expectReply(runPipeline(state, surface, chat("which model?", { model: "fast" })));
    expect(outcome.plan.model).toBe("gpt-4");
    expect(outcome.plan.usage.promptTokens).toBe(promptTokens("gpt-4", [{ role: "user", content: "which model?" }]));
  });

  it("under a rate limit a plan takes its tokens and carries the x-ratelimit headers; past the limit it is a 429 with retry-after", () => {
    const state = testState({ rateLimit: { rpm: 1 }, fixtures: [{ match: {}, response: { content: "ok" } }] });
    const first = expectReply(runPipeline(state, surface, chat("one"), "sk-a"));
    expect(first.headers).toMatchObject({ "x-ratelimit-limit-requests": "1", "x-ratelimit-remaining-requests": "0" });
    const second = expectError(runPipeline(state, surface, chat("two"), "sk-a"));
    expect(errorFields(second.error)).toMatchObject({ status: 429, type: "requests", code: "rate_limit_exceeded" });
    expect(errorFields(second.error).message).toMatch(
      /^Rate limit reached for gpt-4o-mini in organization org-understudy on requests per min \(RPM\): Limit 1, Used 1, Requested 1\./,
    );
    expect(second.error.headers).toMatchObject({ "retry-after": "60", "retry-after-ms": "60000" });
    // Limits are kept per key: another client is let in.
    expect(runPipeline(state, surface, chat("three"), "sk-b").kind).toBe("reply");
  });
});
