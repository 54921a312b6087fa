// Gemini's bytes on the wire over raw HTTP: the pretty-printed body, the SSE stream (data lines only,
// CRLF-framed), the JSON-array stream without alt=sse, `<` and `>` escaped, the headers Google sends, and
// the same bytes whether a stream goes out in one write or paced event by event.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: ServerInstance;

beforeAll(async () => {
  server = await createServer([
    { match: { userMessage: "paced" }, response: { content: "Hi there" }, latency: 1 },
    { match: { userMessage: "tags" }, response: { content: "<b>&" } },
    { match: { userMessage: "hi" }, response: { content: "Hi there" } },
  ]);
});
afterAll(() => server.close());

const BASE = "/v1beta/models/gemini-2.5-flash";

async function post(path: string, text: string, init: { contentType?: string } = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": init.contentType ?? "application/json", "x-goog-api-key": "k" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] }),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const idOf = (body: string): string => /"responseId": "([A-Za-z0-9]{23})"/.exec(body)?.[1] ?? "no id";

// "hi" is one o200k token; "Hi there" two ("Hi", " there"), so the first chunk has counted one of two.
const usage = (candidates: number, sep: string, indent: (depth: number) => string) =>
  [
    `"usageMetadata": {${indent(2)}"promptTokenCount": 1,${indent(2)}"candidatesTokenCount": ${candidates},`,
    `${indent(2)}"totalTokenCount": ${1 + candidates},${indent(2)}"promptTokensDetails": [${indent(3)}{`,
    `${indent(4)}"modality": "TEXT",${indent(4)}"tokenCount": 1${indent(3)}}${indent(2)}],`,
    `${indent(2)}"serviceTier": "standard"${indent(1)}}${sep}`,
  ].join("");

const sseChunk = (text: string, candidates: number, finish: boolean, id: string) =>
  `data: {"candidates": [{"content": {"parts": [{"text": "${text}"}],"role": "model"},${finish ? '"finishReason": "STOP",' : ""}"index": 0}],` +
  `${usage(candidates, ",", () => "")}"modelVersion": "gemini-2.5-flash","responseId": "${id}"}\r\n\r\n`;

const nl = (level: number) => `\n${"  ".repeat(level)}`;
const prettyChunk = (text: string, candidates: number, finish: boolean, id: string) =>
  `{\n  "candidates": [\n    {\n      "content": {\n        "parts": [\n          {\n            "text": "${text}"\n          }\n        ],\n        "role": "model"\n      },\n` +
  `${finish ? '      "finishReason": "STOP",\n' : ""}      "index": 0\n    }\n  ],\n  ${usage(candidates, ",", nl)}\n` +
  `  "modelVersion": "gemini-2.5-flash",\n  "responseId": "${id}"\n}`;

describe("the bytes Gemini's clients read", () => {
  it("generateContent: one pretty-printed body with a final newline, as application/json, Google's headers", async () => {
    const res = await post(`${BASE}:generateContent`, "hi");
    const id = idOf(res.body);
    const body = prettyChunk("Hi there", 2, true, id);
    expect(res.body).toBe(`${body}\n`);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(res.body));
    expect(res.headers.get("vary")).toBe("Origin, X-Origin, Referer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toBeNull();
  });

  it("streamGenerateContent?alt=sse: data lines only, each event ended by CRLF CRLF", async () => {
    const res = await post(`${BASE}:streamGenerateContent?alt=sse`, "hi");
    const id = idOf(res.body);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.body).toBe(sseChunk("Hi", 1, false, id) + sseChunk(" there", 2, true, id));
    expect(res.body).not.toContain("event:");
  });

  it("streamGenerateContent without alt=sse: one JSON array, elements pretty-printed, `\\n,\\r\\n` between", async () => {
    const res = await post(`${BASE}:streamGenerateContent`, "hi");
    const id = idOf(res.body);
    expect(res.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(res.body).toBe(`[${prettyChunk("Hi", 1, false, id)}\n,\r\n${prettyChunk(" there", 2, true, id)}\n]`);
    expect(JSON.parse(res.body)).toHaveLength(2);
  });

  it("paced streams send the same bytes event by event", async () => {
    const sse = await post(`${BASE}:streamGenerateContent?alt=sse`, "paced");
    expect(sse.body).toBe(sseChunk("Hi", 1, false, idOf(sse.body)) + sseChunk(" there", 2, true, idOf(sse.body)));
    const array = await post(`${BASE}:streamGenerateContent`, "paced");
    const id = idOf(array.body);
    expect(array.body).toBe(`[${prettyChunk("Hi", 1, false, id)}\n,\r\n${prettyChunk(" there", 2, true, id)}\n]`);
  });

  it("escapes < and > as \\u003c and \\u003e (not &), as Google writes JSON", async () => {
    const body = await post(`${BASE}:generateContent`, "tags");
    expect(body.body).toContain('"text": "\\u003cb\\u003e&"');
    const sse = await post(`${BASE}:streamGenerateContent?alt=sse`, "tags");
    expect(sse.body).toContain('[{"text": "\\u003cb"}]');
  });

  it("a JSON-array stream's error is an array too; the SSE stream's is a plain error body", async () => {
    const array = await post(`${BASE}:streamGenerateContent`, "zzz");
    expect(array.status).toBe(400);
    expect(JSON.parse(array.body)).toEqual([
      { error: { code: 400, message: expect.stringContaining("No matching response"), status: "INVALID_ARGUMENT" } },
    ]);
    const sse = await post(`${BASE}:streamGenerateContent?alt=sse`, "zzz");
    expect(JSON.parse(sse.body).error.status).toBe("INVALID_ARGUMENT");
  });

  it("takes the model from the path in any of its forms: v1, v1alpha, tunedModels", async () => {
    for (const path of ["/v1/models/gemini-2.0-flash", "/v1alpha/models/gemini-2.0-flash"]) {
      const res = await post(`${path}:generateContent`, "hi");
      expect(res.status).toBe(200);
      expect(res.body).toContain('"modelVersion": "gemini-2.0-flash"');
    }
    const tuned = await post("/v1beta/tunedModels/my-tuned-7:generateContent", "hi");
    expect(tuned.body).toContain('"modelVersion": "tunedModels/my-tuned-7"');
  });
});
