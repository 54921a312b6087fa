// The benchmark fixture and scenario list: one entry per row, with its request and its answer-shape check.

/** 28 tokens in o200k_base (gpt-4o-mini's encoding), so a stream carries 28 content chunks. */
export const CONTENT =
  "Understudy answers this benchmark request with a fixed sentence of about thirty tokens, so that every streamed chunk the client reads carries exactly one token.";
export const FIXTURES = [{ match: { userMessage: "hello" }, response: { content: CONTENT } }];

const MESSAGES = [{ role: "user", content: "hello, benchmark" }];

/** `data:` payloads (and `event:` names) of an SSE body; Gemini ends its events with CRLFs. */
export function parseSse(text) {
  return text
    .split(/\r?\n\r?\n/)
    .filter(Boolean)
    .map((block) => {
      const event = {};
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith("event: ")) event.event = line.slice(7);
        else if (line.startsWith("data: ")) event.data = line.slice(6);
      }
      return event;
    });
}

const contentTypeIs = (res, type) => String(res.headers["content-type"] ?? "").startsWith(type);

function checkChatBody(res) {
  if (!contentTypeIs(res, "application/json")) return `content-type ${res.headers["content-type"]}`;
  const body = JSON.parse(res.body.toString("utf8"));
  if (body.object !== "chat.completion") return `object is ${body.object}`;
  if (body.choices?.[0]?.message?.content !== CONTENT) return "message content is not the fixture's";
  return null;
}

function checkChatStream(res) {
  if (!contentTypeIs(res, "text/event-stream")) return `content-type ${res.headers["content-type"]}`;
  const events = parseSse(res.body.toString("utf8"));
  if (events.at(-1)?.data !== "[DONE]") return "stream does not end with [DONE]";
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
  if (chunks.some((c) => c.object !== "chat.completion.chunk")) return "a chunk is not a chat.completion.chunk";
  const pieces = chunks.map((c) => c.choices?.[0]?.delta?.content).filter((p) => p);
  if (pieces.join("") !== CONTENT) return "streamed content is not the fixture's";
  if (pieces.length < 20) return `only ${pieces.length} content chunks (expected one per token)`;
  return null;
}

function checkResponsesStream(res) {
  if (!contentTypeIs(res, "text/event-stream")) return `content-type ${res.headers["content-type"]}`;
  const events = parseSse(res.body.toString("utf8")).filter((e) => e.data !== "[DONE]");
  if (events.some((e) => !e.event)) return "an event has no `event:` line";
  const data = events.map((e) => JSON.parse(e.data));
  if (data.some((d, i) => d.type !== events[i].event)) return "an event's type differs from its `event:` line";
  if (events[0]?.event !== "response.created" || events.at(-1)?.event !== "response.completed")
    return "stream is not response.created ... response.completed";
  const pieces = data.filter((d) => d.type === "response.output_text.delta").map((d) => d.delta);
  if (pieces.join("") !== CONTENT) return "streamed output text is not the fixture's";
  if (pieces.length < 20) return `only ${pieces.length} text deltas (expected one per token)`;
  return null;
}

function checkAnthropicStream(res) {
  if (!contentTypeIs(res, "text/event-stream")) return `content-type ${res.headers["content-type"]}`;
  const events = parseSse(res.body.toString("utf8"));
  const data = events.map((e) => JSON.parse(e.data));
  if (data.some((d, i) => d.type !== events[i].event)) return "an event's type differs from its `event:` line";
  if (events[0]?.event !== "message_start" || events.at(-1)?.event !== "message_stop")
    return "stream is not message_start ... message_stop";
  const pieces = data.filter((d) => d.delta?.type === "text_delta").map((d) => d.delta.text);
  if (pieces.join("") !== CONTENT) return "streamed text is not the fixture's";
  if (pieces.length < 20) return `only ${pieces.length} text deltas (expected one per token)`;
  return null;
}

function checkGeminiStream(res) {
  if (!contentTypeIs(res, "text/event-stream")) return `content-type ${res.headers["content-type"]}`;
  const chunks = parseSse(res.body.toString("utf8")).map((e) => JSON.parse(e.data));
  const pieces = chunks.map((c) => (c.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? "").join(""));
  if (pieces.join("") !== CONTENT) return "streamed text is not the fixture's";
  if (pieces.filter(Boolean).length < 20) return `only ${pieces.length} text chunks (expected one per token)`;
  if (chunks.at(-1)?.candidates?.[0]?.finishReason !== "STOP") return "the last chunk does not finish with STOP";
  return null;
}

/**
 * `target.ratio` of the rate of `target.base` (another scenario's bare server, or this one's when absent).
 * `optional`: a 404 from Understudy skips the row as "not available" instead of failing it.
 */
export const SCENARIOS = [
  {
    id: "chat",
    title: "chat.completions",
    path: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: MESSAGES },
    check: checkChatBody,
    target: { ratio: 0.8 },
  },
  {
    id: "chat-stream",
    title: "chat.completions stream",
    path: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: MESSAGES, stream: true },
    check: checkChatStream,
    target: { ratio: 0.5, base: "chat" },
  },
  {
    id: "responses-stream",
    title: "responses stream",
    path: "/v1/responses",
    optional: true,
    body: { model: "gpt-4o-mini", input: "hello", stream: true },
    check: checkResponsesStream,
    target: { ratio: 0.5, base: "chat" },
  },
  {
    id: "anthropic-stream",
    title: "anthropic messages stream",
    path: "/v1/messages",
    headers: { "anthropic-version": "2023-06-01" },
    optional: true,
    body: { model: "claude-sonnet-4-5", max_tokens: 1024, messages: MESSAGES, stream: true },
    check: checkAnthropicStream,
    target: { ratio: 0.5, base: "chat" },
  },
  {
    id: "gemini-stream",
    title: "gemini streamGenerateContent",
    path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    optional: true,
    body: { contents: [{ role: "user", parts: [{ text: "hello, benchmark" }] }] },
    check: checkGeminiStream,
    target: { ratio: 0.5, base: "chat" },
  },
];
