// Every write path sends text as UTF-8, byte for byte. ASCII answers go to node as latin1 (the same
// bytes, copied faster); this checks that no answer with other characters takes that shortcut, on each
// path that builds its text a different way: JSON bodies, whole streams from a template (chat, Responses),
// event streams (legacy Completions) and paced streams framed by the shared chunk encoder.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TEXT = "Grüße aus Zürich, café ☕ und 你好 😀";
const MODEL_WITH_ACCENT = "modèle-1"; // echoed in every chunk's envelope

let server: ServerInstance;
beforeAll(async () => {
  server = await createServer([
    { match: { userMessage: "greet" }, response: { content: TEXT } },
    { match: { userMessage: "paced" }, response: { content: TEXT }, timing: { ttft: 5, itl: 1 } },
    { match: { userMessage: "plain" }, response: { content: "plain ASCII" } },
  ]);
});
afterAll(() => server.close());

/** POSTs JSON and decodes the body strictly: bytes that are not valid UTF-8 (latin1 where UTF-8 belonged) throw. */
async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; text: string; bytes: number; contentLength: string | null }> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const raw = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    text: new TextDecoder("utf-8", { fatal: true }).decode(raw),
    bytes: raw.length,
    contentLength: res.headers.get("content-length"),
  };
}

const chatRequest = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content }],
  ...extra,
});

/** The streamed text of chat or completions chunks. */
const streamedText = (sse: string, read: (chunk: any) => string | undefined) =>
  sse
    .split("\n\n")
    .filter((block) => block.startsWith("data: {"))
    .map((block) => read(JSON.parse(block.slice(6))) ?? "")
    .join("");

describe("non-ASCII text on every write path", () => {
  it("a JSON body, twice (the second from the memo), with a Content-Length in bytes", async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await post("/v1/chat/completions", chatRequest("greet"));
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).choices[0].message.content).toBe(TEXT);
      expect(Number(answer.contentLength)).toBe(answer.bytes);
    }
    const ascii = await post("/v1/chat/completions", chatRequest("plain"));
    expect(JSON.parse(ascii.text).choices[0].message.content).toBe("plain ASCII");
    expect(Number(ascii.contentLength)).toBe(ascii.bytes);
  });

  it("an ASCII reply whose request names a non-ASCII model, in the body and in every chunk's envelope", async () => {
    const body = await post("/v1/chat/completions", chatRequest("plain", { model: MODEL_WITH_ACCENT }));
    expect(JSON.parse(body.text).model).toBe(MODEL_WITH_ACCENT);
    const stream = await post("/v1/chat/completions", chatRequest("plain", { model: MODEL_WITH_ACCENT, stream: true }));
    const chunks = stream.text
      .split("\n\n")
      .filter((block) => block.startsWith("data: {"))
      .map((block) => JSON.parse(block.slice(6)));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.model === MODEL_WITH_ACCENT)).toBe(true);
  });

  it("a chat stream sent whole, and one paced token by token", async () => {
    for (const content of ["greet", "greet", "paced"]) {
      const answer = await post("/v1/chat/completions", chatRequest(content, { stream: true }));
      expect(answer.status).toBe(200);
      expect(streamedText(answer.text, (chunk) => chunk.choices[0]?.delta?.content)).toBe(TEXT);
    }
  });

  it("a legacy Completions stream and body, and a paced stream", async () => {
    const request = { model: "gpt-3.5-turbo-instruct", prompt: "greet" };
    const body = await post("/v1/completions", request);
    expect(JSON.parse(body.text).choices[0].text).toBe(TEXT);
    expect(Number(body.contentLength)).toBe(body.bytes);
    for (const prompt of ["greet", "paced"]) {
      const stream = await post("/v1/completions", { ...request, prompt, stream: true });
      expect(streamedText(stream.text, (chunk) => chunk.choices[0]?.text)).toBe(TEXT);
    }
  });

  it("a paced Responses stream, its named events framed by the chunk encoder", async () => {
    const stream = await post("/v1/responses", { model: "gpt-4o-mini", input: "paced", stream: true });
    const deltas = stream.text.split("\n\n").filter((block) => block.startsWith("event: response.output_text.delta"));
    expect(deltas.map((block) => JSON.parse(block.split("\ndata: ")[1]).delta).join("")).toBe(TEXT);
    expect(stream.text.endsWith("\n\n")).toBe(true);
  });

  it("a Responses stream, twice (the second from its template), and a Responses body", async () => {
    for (let i = 0; i < 2; i++) {
      const stream = await post("/v1/responses", { model: "gpt-4o-mini", input: "greet", stream: true });
      const done = stream.text.split("\n\n").find((block) => block.startsWith("event: response.output_text.done"));
      expect(JSON.parse(done!.split("\ndata: ")[1]).text).toBe(TEXT);
      const deltas = stream.text.split("\n\n").filter((block) => block.startsWith("event: response.output_text.delta"));
      expect(deltas.map((block) => JSON.parse(block.split("\ndata: ")[1]).delta).join("")).toBe(TEXT);
    }
    const body = await post("/v1/responses", { model: "gpt-4o-mini", input: "greet" });
    expect(JSON.parse(body.text).output[0].content[0].text).toBe(TEXT);
    expect(Number(body.contentLength)).toBe(body.bytes);
  });
});
