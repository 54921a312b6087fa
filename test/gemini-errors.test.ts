// Gemini's errors in Google's shape: no fixture match, keys (a bad key is a 400 API_KEY_INVALID, none a
// 403), 429 with RetryInfo (and the SDK's retry), unknown models and URLs, fixture errors, and the request
// validation Google words ("contents is not specified", roles, empty parts, values of the wrong type).
import { ApiError, GoogleGenAI } from "@google/genai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: ServerInstance;

beforeAll(async () => {
  server = await createServer(
    [
      {
        match: { userMessage: "overloaded" },
        response: { error: { status: 503, message: "The model is overloaded." } },
      },
      { match: { userMessage: "hello" }, response: { content: "Hi!" } },
    ],
    { apiKeys: ["good-key"], models: ["gemini-2.5-flash"] },
  );
});
afterAll(() => server.close());

const client = (apiKey: string, retries = 0) =>
  new GoogleGenAI({
    apiKey,
    httpOptions: {
      baseUrl: server.url,
      retryOptions: retries > 0 ? { attempts: retries + 1, initialDelay: 0.01, maxDelay: 0.02, jitter: 0 } : undefined,
    },
  });

async function sdkError(
  run: () => Promise<unknown>,
): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, body: JSON.parse(error.message) };
  }
  throw new Error("expected an ApiError");
}

async function post(path: string, body: string, headers: Record<string, string> = { "x-goog-api-key": "good-key" }) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}
const GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
const contents = (parts: unknown, role = "user") => JSON.stringify({ contents: [{ role, parts }] });

describe("errors through the SDK", () => {
  it("no fixture match: 400 INVALID_ARGUMENT with the nearest misses", async () => {
    const error = await sdkError(() =>
      client("good-key").models.generateContent({ model: "gemini-2.5-flash", contents: "zzz" }),
    );
    expect(error.status).toBe(400);
    expect(error.body.error).toEqual({
      code: 400,
      message: expect.stringMatching(/^No matching response found for the given conversation\. Closest fixtures: #0/),
      status: "INVALID_ARGUMENT",
    });
  });

  it("a bad key: 400 INVALID_ARGUMENT, API_KEY_INVALID, as the Gemini API answers it", async () => {
    const error = await sdkError(() =>
      client("bad-key").models.generateContent({ model: "gemini-2.5-flash", contents: "hello" }),
    );
    expect(error.status).toBe(400);
    expect(error.body.error).toEqual({
      code: 400,
      message: "API key not valid. Please pass a valid API key.",
      status: "INVALID_ARGUMENT",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
        {
          "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
          locale: "en-US",
          message: "API key not valid. Please pass a valid API key.",
        },
      ],
    });
  });

  it("a fixture's error keeps its status, named as Google names it", async () => {
    const error = await sdkError(() =>
      client("good-key").models.generateContent({ model: "gemini-2.5-flash", contents: "overloaded" }),
    );
    expect(error).toEqual({
      status: 503,
      body: { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
    });
  });

  it("a queued 429 carries RetryInfo; the SDK's retry then gets the answer", async () => {
    server.nextError(429, { message: "Resource has been exhausted (e.g. check quota).", retryAfter: 2 });
    const error = await sdkError(() =>
      client("good-key").models.generateContent({ model: "gemini-2.5-flash", contents: "hello" }),
    );
    expect(error.body.error).toEqual({
      code: 429,
      message: "Resource has been exhausted (e.g. check quota).",
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" }],
    });
    server.nextError(429);
    const retried = await client("good-key", 1).models.generateContent({
      model: "gemini-2.5-flash",
      contents: "hello",
    });
    expect(retried.text).toBe("Hi!");
  });

  it("a model not served: 404 NOT_FOUND in the Gemini API's words", async () => {
    const error = await sdkError(() =>
      client("good-key").models.generateContent({ model: "gemini-9-ultra", contents: "hello" }),
    );
    expect(error.status).toBe(404);
    expect(error.body.error.message).toBe(
      "models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ModelService.ListModels to see the list of available models and their supported methods.",
    );
  });
});

describe("keys over raw HTTP", () => {
  it("no key: 403 PERMISSION_DENIED, unregistered callers", async () => {
    const res = await post(GENERATE, contents([{ text: "hello" }]), {});
    expect(res).toEqual({
      status: 403,
      body: {
        error: {
          code: 403,
          message:
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          status: "PERMISSION_DENIED",
        },
      },
    });
  });

  it("takes the key from ?key= and from Authorization: Bearer too", async () => {
    expect((await post(`${GENERATE}?key=good-key`, contents([{ text: "hello" }]), {})).status).toBe(200);
    expect((await post(GENERATE, contents([{ text: "hello" }]), { authorization: "Bearer good-key" })).status).toBe(
      200,
    );
    expect(
      (
        await post(GENERATE, contents([{ text: "hello" }]), {
          "x-goog-api-key": "bad",
          authorization: "Bearer good-key",
        })
      ).status,
    ).toBe(200);
  });

  it("an unknown URL from a Google client: 404 NOT_FOUND in Google's shape", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:summarize", "{}");
    expect(res).toEqual({
      status: 404,
      body: { error: { code: 404, message: "Method not found.", status: "NOT_FOUND" } },
    });
  });
});

describe("request validation, worded as Google's", () => {
  const refusal = async (body: string) => (await post(GENERATE, body)).body.error;

  it("a body without contents, or with none", async () => {
    for (const body of ["{}", '{"contents":[]}']) {
      expect(await refusal(body)).toEqual({
        code: 400,
        message: "* GenerateContentRequest.contents: contents is not specified\n",
        status: "INVALID_ARGUMENT",
      });
    }
  });

  it("a role other than user or model", async () => {
    expect((await refusal(contents([{ text: "hi" }], "assistant"))).message).toBe(
      "Please use a valid role: user, model.",
    );
  });

  it("a part with no data, an empty text, a content with no parts", async () => {
    const oneof =
      "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n";
    expect((await refusal(contents([{}]))).message).toBe(oneof);
    expect((await refusal(contents([{ text: "" }]))).message).toBe(oneof);
    expect((await refusal(contents([]))).message).toBe(
      "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n",
    );
  });

  it("a value of the wrong type, with a BadRequest field violation", async () => {
    expect(await refusal(contents([{ text: 5 }]))).toEqual({
      code: 400,
      message: "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5",
      status: "INVALID_ARGUMENT",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            {
              field: "contents[0].parts[0].text",
              description: "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5",
            },
          ],
        },
      ],
    });
    const body = JSON.stringify({
      contents: [{ parts: [{ text: "hello" }] }],
      generationConfig: { maxOutputTokens: "many" },
    });
    expect((await refusal(body)).message).toBe(
      `Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), "many"`,
    );
  });

  it("a response MIME type Gemini cannot answer in, and a function name it refuses", async () => {
    const mime = JSON.stringify({
      contents: [{ parts: [{ text: "hello" }] }],
      generationConfig: { responseMimeType: "image/png" },
    });
    expect((await refusal(mime)).message).toBe(
      "* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.\n",
    );
    const tool = JSON.stringify({
      contents: [{ parts: [{ text: "hello" }] }],
      tools: [{ functionDeclarations: [{ name: "1 bad" }] }],
    });
    expect((await refusal(tool)).message).toMatch(
      /^\* GenerateContentRequest\.tools\[0\]\.function_declarations\[0\]\.name: Invalid function name\. Must start with a letter or an underscore\./,
    );
  });

  it("a body that is not JSON, or JSON but not an object", async () => {
    expect((await refusal("{oops")).message).toBe("Invalid JSON payload received. Unexpected token.");
    expect((await refusal("[1]")).message).toBe(
      'Invalid JSON payload received. Unknown name "": Root element must be a message.',
    );
  });

  it("accepts proto field names (snake_case) as Google's JSON parser does", async () => {
    const body = JSON.stringify({
      system_instruction: { parts: [{ text: "Be brief." }] },
      contents: [{ parts: [{ text: "hello" }, { inline_data: { mime_type: "image/png", data: "AAAA" } }] }],
      generation_config: { max_output_tokens: 10 },
    });
    const res = await post(GENERATE, body);
    expect(res.status).toBe(200);
    // The image counts as the 258 tokens Google documents for one.
    expect(res.body.usageMetadata.promptTokensDetails).toEqual([
      { modality: "TEXT", tokenCount: 4 },
      { modality: "IMAGE", tokenCount: 258 },
    ]);
  });
});
