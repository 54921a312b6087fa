// One request and its answer's text on each provider's wire, written by hand (raw HTTP, no SDK), so a
// test can send the same question to OpenAI's, Anthropic's, Gemini's and Azure's paths and compare.
import { httpPost, type HttpResult } from "./http.js";

export type ProviderName = "openai" | "anthropic" | "gemini" | "azure";

export const PROVIDERS: readonly ProviderName[] = ["openai", "anthropic", "gemini", "azure"];

/** A model name each provider's clients would send; fixtures in these tests match any model. */
export const MODEL_OF: Record<ProviderName, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  gemini: "gemini-2.5-flash",
  azure: "gpt-4o",
};

export interface Ask {
  text: string;
  stream?: boolean;
  /** Headers besides the provider's own (timing headers, a key). */
  headers?: Record<string, string>;
  /** The key the request presents, in the provider's own header. */
  key?: string;
}

function pathOf(provider: ProviderName, model: string, stream: boolean): string {
  switch (provider) {
    case "openai":
      return "/v1/chat/completions";
    case "anthropic":
      return "/v1/messages";
    case "gemini":
      return `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
    case "azure":
      return `/openai/deployments/${model}/chat/completions?api-version=2024-10-21`;
  }
}

function bodyOf(provider: ProviderName, model: string, text: string, stream: boolean): Record<string, unknown> {
  const messages = [{ role: "user", content: text }];
  switch (provider) {
    case "openai":
    case "azure":
      return { model, messages, ...(stream ? { stream: true } : {}) };
    case "anthropic":
      return { model, max_tokens: 1024, messages, ...(stream ? { stream: true } : {}) };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text }] }] };
  }
}

function keyHeaders(provider: ProviderName, key: string | undefined): Record<string, string> {
  if (key === undefined) return provider === "anthropic" ? { "anthropic-version": "2023-06-01" } : {};
  switch (provider) {
    case "openai":
      return { authorization: `Bearer ${key}` };
    case "anthropic":
      return { "x-api-key": key, "anthropic-version": "2023-06-01" };
    case "gemini":
      return { "x-goog-api-key": key };
    case "azure":
      return { "api-key": key };
  }
}

/** Sends `ask` on the provider's wire; the model is the provider's usual one. */
export function askProvider(url: string, provider: ProviderName, ask: Ask): Promise<HttpResult> {
  const model = MODEL_OF[provider];
  const stream = ask.stream === true;
  return httpPost(`${url}${pathOf(provider, model, stream)}`, bodyOf(provider, model, ask.text, stream), {
    ...keyHeaders(provider, ask.key),
    ...ask.headers,
  });
}

/** The `data:` payloads of an SSE body (with or without `event:` lines), without OpenAI's closing `[DONE]`. */
export function sseEvents(body: string): any[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => /^data: (.*)$/m.exec(block)?.[1])
    .filter((data): data is string => data !== undefined && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

/** The answer's text, from a JSON body or a stream's deltas, read the provider's way. */
export function answerText(provider: ProviderName, result: HttpResult): string {
  const streamed = result.headers["content-type"]?.startsWith("text/event-stream");
  const parts = streamed ? sseEvents(result.body) : [JSON.parse(result.body)];
  return parts.map((part) => textOf(provider, part, streamed === true)).join("");
}

function textOf(provider: ProviderName, part: any, streamed: boolean): string {
  switch (provider) {
    case "openai":
    case "azure":
      return streamed ? (part.choices?.[0]?.delta?.content ?? "") : part.choices[0].message.content;
    case "anthropic":
      if (streamed) return part.type === "content_block_delta" ? (part.delta.text ?? "") : "";
      return part.content.map((block: any) => block.text ?? "").join("");
    case "gemini":
      return (part.candidates?.[0]?.content?.parts ?? []).map((p: any) => (p.thought ? "" : (p.text ?? ""))).join("");
  }
}
