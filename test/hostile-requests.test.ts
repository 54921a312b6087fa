// Requests that once answered 500 or took the process down: each must now be a clean 4xx, and the
// server must keep serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { expectConforms } from "./support/openapi.js";

let server: ServerInstance;
beforeAll(async () => {
  // A catch-all: every well-formed request matches, so only validation stands between it and a reply.
  server = await createServer([{ match: {}, response: { content: "ok" } }]);
});
afterAll(() => server.close());

async function post(path: string, body: string, url = server.url): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, body: await res.json() };
}

const nested = (depth: number, leaf = "1"): string => '{"a":'.repeat(depth) + leaf + "}".repeat(depth);

describe("hostile requests", () => {
  it("refuses a body nested 10,000 levels deep with a 400, where echoing it would overflow the stack", async () => {
    const tools = `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${nested(10_000)}}}]}`;
    const schema = `{"model":"gpt-4o","input":"hi","text":{"format":{"type":"json_schema","name":"x","schema":${nested(10_000)}}}}`;
    for (const [path, body] of [
      ["/v1/chat/completions", tools],
      ["/v1/responses", schema],
    ] as const) {
      const answer = await post(path, body);
      expect(answer.status).toBe(400);
      expectConforms("ErrorResponse", answer.body);
      expect(answer.body.error).toMatchObject({
        code: "invalid_json",
        message: "The request body nests arrays and objects more than 512 levels deep.",
      });
    }
    // 500 levels is deep but allowed.
    const allowed = await post(
      "/v1/chat/completions",
      `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":{},"tools":[{"type":"function","function":{"name":"f","parameters":${nested(500)}}}]}`,
    );
    expect(allowed.status).toBe(200);
  });

  it("caps max_tokens at gpt-4o's 16384 as OpenAI words it", async () => {
    const answer = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 1e308 }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      param: "max_tokens",
      code: "invalid_value",
      message:
        "max_tokens is too large: 1e+308. This model supports at most 16384 completion tokens, whereas you provided 1e+308.",
    });
  });

  it("refuses ignore_eos work that would exhaust memory (n 128 × 16000 tokens × 21 log-probability entries)", async () => {
    const body = {
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      n: 128,
      logprobs: true,
      top_logprobs: 20,
      max_tokens: 16_000,
      ignore_eos: true,
    };
    const answer = await post("/v1/chat/completions", JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ param: "n", code: "invalid_value" });
    expect(answer.body.error.message).toContain(
      "128 choices of 16000 tokens each (2048000 tokens in all), each counted 46 times for its log probabilities",
    );
    // Within the budget, ignore_eos still produces exactly max_tokens tokens.
    const fine = await post(
      "/v1/chat/completions",
      JSON.stringify({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 500,
        ignore_eos: true,
      }),
    );
    expect(fine.body.usage.completion_tokens).toBe(500);
    const legacy = await post(
      "/v1/completions",
      JSON.stringify({ model: "gpt-3.5-turbo-instruct", prompt: "hi", n: 100, max_tokens: 100_000, ignore_eos: true }),
    );
    expect(legacy.status).toBe(400);
  });

  it("treats an empty model name as a missing model on every endpoint", async () => {
    for (const [path, body] of [
      ["/v1/chat/completions", { model: "", messages: [{ role: "user", content: "hi" }] }],
      ["/v1/responses", { model: "", input: "hi" }],
      ["/v1/completions", { model: "", prompt: "hi" }],
      ["/v1/embeddings", { model: "", input: "hi" }],
    ] as const) {
      const answer = await post(path, JSON.stringify(body));
      expect(answer.status, path).toBe(400);
      expect(answer.body.error).toMatchObject({ param: "model", code: "missing_required_parameter" });
    }
  });

  it("answers hostile WebSocket frames with error frames and keeps the connection", async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`);
    const frames: any[] = [];
    ws.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input: "hi", stream_id: { toString: 1 } }));
    ws.send(JSON.stringify({ type: { valueOf: [] }, model: "gpt-4o", input: "hi" }));
    ws.send(`{"type":"response.create","model":"gpt-4o","input":"hi","metadata":${nested(10_000)}}`);
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input: "hi" }));
    for (let i = 0; i < 100 && !frames.some((f) => f.type === "response.completed"); i++)
      await new Promise((r) => setTimeout(r, 20));
    ws.close();
    const errors = frames.filter((f) => f.type === "error");
    expect(errors.map((f) => [f.status, f.error.code])).toEqual([
      [400, "invalid_stream_id"],
      [400, "invalid_value"],
      [400, "invalid_json"],
    ]);
    expect(errors.every((f) => f.stream_id === undefined)).toBe(true);
    expect(frames.at(-1).response.output[0].content[0].text).toBe("ok");
  });
});

describe("an onExchange callback that throws", () => {
  it("is reported on stderr; every request is still answered and journalled once", async () => {
    let calls = 0;
    const server = await createServer([{ match: {}, response: { content: "ok" } }], {
      onExchange: () => {
        calls++;
        throw new Error("log sink broke");
      },
    });
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(" "));
    try {
      for (const path of ["/v1/chat/completions", "/v1/responses"]) {
        const body = path.endsWith("responses")
          ? { model: "gpt-4o-mini", input: "hi" }
          : { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };
        expect((await post(`${path}`, JSON.stringify(body), server.url)).status).toBe(200);
      }
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      console.error = original;
      await server.close();
    }
    expect(calls).toBe(3);
    expect(server.journal.all().map((e) => e.status)).toEqual([200, 200, 200]);
    expect(logged[0]).toBe("understudy: the onExchange callback threw for POST /v1/chat/completions: log sink broke");
  });
});

describe("a bug inside Understudy", () => {
  it("answers 500 with the error's message, journals it, and keeps serving", async () => {
    // A predicate is user code run inside the pipeline: when it throws, the request gets a 500.
    const fragile = await createServer([
      {
        match: {
          predicate: () => {
            throw new Error("predicate exploded");
          },
        },
        response: { content: "never" },
      },
    ]);
    try {
      const res = await fetch(`${fragile.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(500);
      const body: any = await res.json();
      expectConforms("ErrorResponse", body);
      expect(body.error).toEqual({
        message: "Internal error in Understudy: predicate exploded",
        type: "server_error",
        param: null,
        code: null,
      });
      expect(fragile.journal.all().map((e) => [e.status, e.error])).toEqual([
        [500, "Internal error in Understudy: predicate exploded"],
      ]);
      expect((await fetch(`${fragile.url}/health`)).status).toBe(200);
    } finally {
      await fragile.close();
    }
  });
});
