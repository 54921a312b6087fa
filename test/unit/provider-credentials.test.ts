// Each provider's credentials for a request that presents more than one key (a repeated header, or a key
// in several forms): the first accepted key lets it in and is the one `key` reads from then on, so rate
// limits count the request against it; with none accepted, the first presented is the one the 401 names.
import { describe, expect, it } from "vitest";
import { anthropicCredentials } from "../../src/protocols/anthropic/credentials.js";
import { azureCredentials } from "../../src/protocols/azure/credentials.js";
import { googleCredentials } from "../../src/protocols/gemini/credentials.js";
import type { RequestHead } from "../../src/protocols/types.js";

/** A request head as node builds it: the first value of a repeated header (x-api-key's joined), and each apart. */
function head(distinct: Record<string, string[]>, url = "/"): RequestHead {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(distinct))
    headers[name] = name === "authorization" ? values[0] : values.join(", ");
  return { method: "POST", url, headers, headersDistinct: distinct };
}

const only = (right: string) => (key: string) => key === right;

describe("Anthropic's credentials", () => {
  it("lets in a repeated x-api-key's later value, which then stands alone as the key", () => {
    const req = head({ "x-api-key": ["wrong", "right"] });
    expect(anthropicCredentials.admit(req, only("right"))).toEqual({ ok: true });
    expect(req.headers["x-api-key"]).toBe("right");
    expect(anthropicCredentials.key(req)).toBe("right");
  });

  it("lets in a Bearer token beside a wrong x-api-key, which then is the key", () => {
    const req = head({ "x-api-key": ["wrong"], authorization: ["Bearer right"] });
    expect(anthropicCredentials.admit(req, only("right"))).toEqual({ ok: true });
    expect(req.headers["x-api-key"]).toBeUndefined();
    expect(anthropicCredentials.key(req)).toBe("right");
  });

  it("names the first key presented when none is accepted, and none without a key", () => {
    const req = head({ "x-api-key": ["", "first"], authorization: ["Bearer second"] });
    expect(anthropicCredentials.admit(req, () => false)).toEqual({ ok: false, presented: "first" });
    expect(anthropicCredentials.admit(head({ authorization: ["Bearer "] }), () => true)).toEqual({
      ok: false,
      presented: undefined,
    });
  });
});

describe("Gemini's credentials", () => {
  it("lets in a key from the query beside a wrong header, which then stands in x-goog-api-key", () => {
    const req = head({ "x-goog-api-key": ["wrong"] }, "/v1beta/models/m:generateContent?key=right");
    expect(googleCredentials.admit(req, only("right"))).toEqual({ ok: true });
    expect(googleCredentials.key(req)).toBe("right");
  });

  it("lets in a Vertex AI Bearer token, and names the header's key first when none is accepted", () => {
    const req = head({ authorization: ["Bearer ya29.token"] });
    expect(googleCredentials.admit(req, only("ya29.token"))).toEqual({ ok: true });
    expect(googleCredentials.key(req)).toBe("ya29.token");
    const refused = head({ "x-goog-api-key": ["header"], authorization: ["Bearer token"] }, "/?key=query");
    expect(googleCredentials.admit(refused, () => false)).toEqual({ ok: false, presented: "header" });
  });
});

describe("Azure's credentials", () => {
  it("lets in a Bearer token beside a wrong api-key, which then stands as the api-key", () => {
    const req = head({ "api-key": ["wrong"], authorization: ["Bearer right"] });
    expect(azureCredentials.admit(req, only("right"))).toEqual({ ok: true });
    expect(req.headers["api-key"]).toBe("right");
    expect(azureCredentials.key(req)).toBe("right");
  });

  it("names the first key presented when none is accepted, and none without a key", () => {
    expect(azureCredentials.admit(head({ "api-key": ["a", "b"] }), () => false)).toEqual({
      ok: false,
      presented: "a",
    });
    expect(azureCredentials.admit(head({}), () => true)).toEqual({ ok: false, presented: undefined });
  });
});
