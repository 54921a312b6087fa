// Tests the spec-validation harness itself: the nullable rewrite, the schemas later surfaces need, and the quirk list.
import { describe, expect, it } from "vitest";
import {
  applyQuirks,
  nullableRewriteCount,
  QUIRKS,
  rewriteNullable,
  schemaNamed,
  validateAgainst,
  validatorFor,
} from "../support/openapi.js";

type Json = Record<string, unknown>;

// The spec's own Response example: a real-looking completed response to build wire samples from.
const exampleResponse = (): Json => structuredClone(schemaNamed("Response").example as Json);
const withoutUser = (response: Json): Json => {
  delete response.user;
  return response;
};

describe("loading the spec", () => {
  it("rewrites every nullable leftover in components", () => {
    // Pinned to the vendored copy (WIRE.md §8 counts 109); a refreshed spec should update this on purpose.
    expect(nullableRewriteCount()).toBe(109);
  });

  it("turns nullable into anyOf with null, keeping annotations outside", () => {
    const node: Json = {
      type: "string",
      enum: ["stop"],
      nullable: true,
      description: "d",
      example: { nullable: true },
    };
    expect(rewriteNullable(node)).toBe(1);
    expect(node).toEqual({
      description: "d",
      example: { nullable: true },
      anyOf: [{ type: "string", enum: ["stop"] }, { type: "null" }],
    });
    const bare: Json = { nullable: true, description: "anything" };
    rewriteNullable(bare);
    expect(bare).toEqual({ description: "anything" });
  });

  it("accepts the nulls the rewrite restores in a stream chunk", () => {
    const chunk = {
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null }],
      usage: null,
    };
    expect(validateAgainst("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
  });

  it("compiles the Responses API schemas a later surface will use", () => {
    for (const name of ["Response", "ResponseStreamEvent", "ResponsesServerEvent", "CreateResponse", "ErrorResponse"]) {
      expect(typeof validatorFor(name), name).toBe("function");
    }
    // Compiled once: the same function comes back, so the cost is paid per schema, not per call.
    expect(validatorFor("Response")).toBe(validatorFor("Response"));
  });

  it("reports an unknown schema name clearly", () => {
    expect(() => validatorFor("NoSuchSchema")).toThrow(/NoSuchSchema/);
  });
});

describe("error messages", () => {
  it("narrows a failed event union to the member its type names", () => {
    const delta = {
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      sequence_number: 1,
      logprobs: [],
    };
    const errors = validateAgainst("ResponseStreamEvent", delta);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/must have required property 'delta'.*"response\.output_text\.delta"/);
  });

  it("names an event type the union does not know", () => {
    expect(validateAgainst("ResponseStreamEvent", { type: "response.bogus" })).toEqual([
      expect.stringMatching(/"response\.bogus" is none of the \d+ types/),
    ]);
  });

  it("rejects chat shapes the SDK would choke on", () => {
    const chunk = {
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: {}, finish_reason: "done" }],
    };
    expect(validateAgainst("CreateChatCompletionStreamResponse", chunk).join("\n")).toMatch(
      /^\/choices\/0\/finish_reason: must be equal to one of the allowed values/m,
    );
    const body = {
      id: "c",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "hi" } }],
    };
    expect(validateAgainst("CreateChatCompletionResponse", body).join("\n")).toMatch(
      /must have required property 'logprobs'/,
    );
  });

  it("gives the instance path of a bad field", () => {
    const body = { error: { message: "m", type: "t", param: null, code: 42 } };
    expect(validateAgainst("ErrorResponse", body).join("\n")).toMatch(/^\/error\/code: must be string/m);
  });
});

describe("the quirk allow-list", () => {
  // One wire sample per quirk: it must fail the raw spec (or the quirk is dead weight) and pass once patched.
  const samples: Record<string, { schema: string; value: unknown }> = {
    "response-usage-null": {
      schema: "ResponseStreamEvent",
      value: {
        type: "response.created",
        sequence_number: 0,
        response: { ...withoutUser(exampleResponse()), status: "in_progress", output: [], usage: null },
      },
    },
    "output-text-logprobs": { schema: "Response", value: withoutUser(exampleResponse()) },
    "nested-error-event": {
      schema: "ResponseStreamEvent",
      value: {
        type: "error",
        sequence_number: 4,
        error: { type: "server_error", code: "server_error", message: "The server had an error.", param: null },
      },
    },
    "completion-logprobs-null": {
      schema: "CreateCompletionResponse",
      value: {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "gpt-3.5-turbo-instruct",
        choices: [
          {
            text: "Hello?",
            index: 0,
            finish_reason: "length",
            logprobs: { tokens: ["Hello", "?"], token_logprobs: [null, -5.6], top_logprobs: null, text_offset: [0, 5] },
          },
        ],
      },
    },
    "completion-chunk-finish-null": {
      schema: "CreateCompletionResponse",
      value: {
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model: "gpt-3.5-turbo-instruct",
        choices: [{ text: " Hi", index: 0, logprobs: null, finish_reason: null }],
      },
    },
    "user-null": {
      schema: "CreateChatCompletionRequest",
      value: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], user: null },
    },
  };

  it("has a sample for every quirk", () => {
    expect(Object.keys(samples).sort()).toEqual(QUIRKS.map((q) => q.id).sort());
  });

  for (const quirk of QUIRKS) {
    it(`${quirk.id}: still needed, and enough`, () => {
      const { schema, value } = samples[quirk.id];
      expect(quirk.schemas).toContain(schema);
      expect(
        validateAgainst(schema, value, { quirks: false }),
        "the raw spec now accepts this; drop the quirk",
      ).not.toEqual([]);
      expect(applyQuirks(schema, value).applied).toEqual([quirk.id]);
      expect(validateAgainst(schema, value)).toEqual([]);
    });
  }

  it("leaves values alone where no quirk applies", () => {
    const body = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], user: "u-1" };
    expect(applyQuirks("CreateChatCompletionRequest", body)).toEqual({ value: body, applied: [] });
    // Scoped by schema: user:null in a Chat Completions *response* is not excused.
    expect(applyQuirks("CreateChatCompletionResponse", { user: null }).applied).toEqual([]);
  });

  it("does not mutate the value it validates", () => {
    const event = samples["response-usage-null"].value as { response: Json };
    validateAgainst("ResponseStreamEvent", event);
    expect(event.response.usage).toBeNull();
  });
});
