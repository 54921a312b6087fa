// BoundedCache: at most `limit` entries whatever is set, the oldest going first, a present key replaced
// in place; and the memo, the token counts and the render cache built on it stay within their limits.
import { describe, expect, it } from "vitest";
import { BoundedCache } from "../../src/core/bounded-cache.js";
import { TokenCache } from "../../src/core/token-cache.js";
import { RenderCache } from "../../src/protocols/render-cache.js";
import type { Plan } from "../../src/core/plan.js";
import type { Reply } from "../../src/core/reply.js";
import type { TokenizedText } from "../../src/core/tokenizer.js";

describe("BoundedCache", () => {
  it("keeps at most its limit, dropping the oldest key first", () => {
    const cache = new BoundedCache<string, number>(3);
    for (const [i, key] of ["a", "b", "c", "d"].entries()) cache.set(key, i);
    expect(cache.size).toBe(3);
    expect(cache.get("a")).toBeUndefined();
    expect([cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([1, 2, 3]);
  });

  it("a hit moves nothing: the oldest set goes first even if it was just read", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.has("a")).toBe(false);
    expect(cache.has("b")).toBe(true);
  });

  it("setting a present key replaces its value and evicts nothing", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 10);
    expect([cache.get("a"), cache.get("b"), cache.size]).toEqual([10, 2, 2]);
  });

  it("clears, and refuses a limit that is not a positive integer", () => {
    const cache = new BoundedCache<number, number>(1);
    cache.set(1, 1);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(() => new BoundedCache(0)).toThrow("BoundedCache limit must be an integer >= 1, got 0");
    expect(() => new BoundedCache(1.5)).toThrow();
  });

  it("stays fast under a flood past its limit (eviction is constant time)", () => {
    const cache = new BoundedCache<string, number>(1000);
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(1000);
    expect(cache.get("k199999")).toBe(199_999);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("the caches built on it", () => {
  it("a reply's derived texts stay within their limit and are made once while kept", () => {
    const tokens = new TokenCache();
    const reply: Reply = { content: "x" };
    let made = 0;
    const make = (): TokenizedText => (made++, { count: 0, tokens: [], pieces: [] }) as unknown as TokenizedText;
    for (let i = 0; i < 300; i++) tokens.derived(reply, `key${i}`, make);
    expect(made).toBe(300);
    tokens.derived(reply, "key299", make);
    expect(made).toBe(300);
    // The oldest were dropped to stay within the limit.
    tokens.derived(reply, "key0", make);
    expect(made).toBe(301);
  });

  it("the render cache renders a kept plan once, and again once it was pushed out", () => {
    const cache = new RenderCache<string>();
    const reply: Reply = { content: "x" };
    let rendered = 0;
    const render = (plan: Plan): string => (rendered++, plan.reuse?.key ?? "");
    const plan = (key: string) => ({ reuse: { reply, key } }) as Plan;
    cache.get(plan("first"), render);
    for (let i = 0; i < 256; i++) cache.get(plan(`k${i}`), render);
    expect(rendered).toBe(257);
    cache.get(plan("k255"), render);
    expect(rendered).toBe(257);
    cache.get(plan("first"), render);
    expect(rendered).toBe(258);
  });
});
