// The SDK-type checker itself: it passes a value of the type, and fails one with a field the SDK does not
// declare, one without a field it requires, one with a field of the wrong type, and one whose literal
// union member is not the SDK's, naming each value by the name it was given.
import { beforeAll, describe, expect, it } from "vitest";
import { SdkTypeChecker } from "../support/sdk-types.js";

const CHAT_COMPLETION = 'import("openai").OpenAI.ChatCompletion';
const TEXT_DELTA = 'import("@anthropic-ai/sdk").Anthropic.Messages.RawContentBlockDeltaEvent';

const completion = () => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hi.", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
});

const delta = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } };

let checker: SdkTypeChecker;
beforeAll(() => {
  checker = new SdkTypeChecker();
});

describe("the SDK-type checker", () => {
  it("passes values of their types", () => {
    expect(
      checker.check([
        { name: "completion", type: CHAT_COMPLETION, value: completion() },
        { name: "delta", type: TEXT_DELTA, value: delta },
      ]),
    ).toEqual([]);
  });

  it("fails a field the SDK does not declare, nested as well as at the top", () => {
    const nested = completion();
    Object.assign(nested.choices[0].message, { reasoning: "hidden" });
    const problems = checker.check([
      { name: "top", type: CHAT_COMPLETION, value: { ...completion(), extra: 1 } },
      { name: "nested", type: CHAT_COMPLETION, value: nested },
    ]);
    expect(problems.map((problem) => problem.name)).toEqual(["top", "nested"]);
    expect(problems[0].message).toContain("'extra' does not exist in type 'ChatCompletion'");
    expect(problems[1].message).toContain("'reasoning' does not exist in type 'ChatCompletionMessage'");
  });

  it("fails a missing field, a mistyped one and a literal outside the SDK's union", () => {
    const { created: _created, ...withoutCreated } = completion();
    const problems = checker.check([
      { name: "fine", type: TEXT_DELTA, value: delta },
      { name: "missing", type: CHAT_COMPLETION, value: withoutCreated },
      { name: "mistyped", type: TEXT_DELTA, value: { ...delta, index: "0" } },
      { name: "unknown member", type: TEXT_DELTA, value: { ...delta, delta: { type: "txt_delta", text: "Hi" } } },
    ]);
    expect(problems.map((problem) => problem.name)).toEqual(["missing", "mistyped", "unknown member"]);
    expect(problems[0].message).toContain("Property 'created' is missing");
    expect(problems[1].message).toContain("Type 'string' is not assignable to type 'number'");
    expect(problems[2].message).toContain('"txt_delta"');
  });
});

describe("a prelude of declarations", () => {
  it("lets values name its types, and reports its own errors as the prelude's", () => {
    const withAlias = new SdkTypeChecker(`type Delta = ${TEXT_DELTA};`);
    expect(withAlias.check([{ name: "delta", type: "Delta", value: delta }])).toEqual([]);
    expect(withAlias.check([{ name: "delta", type: "Delta", value: { ...delta, index: null } }])).toMatchObject([
      { name: "delta", message: expect.stringContaining("Type 'null' is not assignable to type 'number'") },
    ]);
    const broken = new SdkTypeChecker('type Missing = import("openai").OpenAI.NoSuchType;');
    expect(broken.check([{ name: "delta", type: TEXT_DELTA, value: delta }])).toMatchObject([
      { name: "the prelude", message: expect.stringContaining("NoSuchType") },
    ]);
  });
});

describe("Wire<T>: string enums as their values", () => {
  it("takes an enum's values as JSON strings, and still refuses one outside them", () => {
    const reason = 'import("@google/genai").FinishReason';
    const candidate = `Wire<import("@google/genai").Candidate>`;
    expect(checker.check([{ name: "stop", type: `Wire<${reason}>`, value: "STOP" }])).toEqual([]);
    expect(checker.check([{ name: "raw enum", type: reason, value: "STOP" }])).toMatchObject([{ name: "raw enum" }]);
    const problems = checker.check([
      { name: "candidate", type: candidate, value: { finishReason: "MAX_TOKENS", index: 0 } },
      { name: "unknown reason", type: candidate, value: { finishReason: "DONE" } },
      { name: "extra field", type: candidate, value: { finishReason: "STOP", reasoning: "x" } },
    ]);
    expect(problems.map((problem) => problem.name)).toEqual(["unknown reason", "extra field"]);
  });
});
