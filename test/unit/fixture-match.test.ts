// FixtureSet.match on its own: first match wins, the endpoint's filter, the nearest misses and what
// they say, and sequence counters, which only commit advances and release gives back.
import { describe, expect, it } from "vitest";
import { isGenerationReply, type Reply } from "../../src/core/reply.js";
import { FixtureSet, type Fixture } from "../../src/fixtures/index.js";
import { answered, conversation, fixture, misses, setOf, user } from "./match-helpers.js";

describe("FixtureSet.match", () => {
  it("the first match wins, in the order fixtures were added, with its label and options", () => {
    const set = setOf(fixture({ userMessage: "nope" }, "zero"), fixture({ userMessage: "hello" }, "one"), {
      match: {},
      response: { content: "two" },
      chunkSize: 3,
    });
    expect(set.match(conversation()).hit).toMatchObject({ reply: { content: "one" }, label: '#1 userMessage="hello"' });
    expect(set.match(conversation({ messages: [user("other")] })).hit).toMatchObject({
      reply: { content: "two" },
      label: "#2 (matches anything)",
      options: { chunkSize: 3 },
    });
  });

  it("the endpoint's filter skips replies it cannot send: they neither answer nor count", () => {
    const embedding: Fixture = { match: { userMessage: "hello" }, response: { embedding: [0.1, 0.2] } };
    const set = setOf(embedding, fixture({ userMessage: "hello" }, "text"));
    expect(answered(set.match(conversation(), isGenerationReply))).toBe("text");
    expect(set.match(conversation(), (reply: Reply) => reply.embedding !== undefined).hit?.reply.embedding).toEqual([
      0.1, 0.2,
    ]);
    expect(misses(setOf(embedding).match(conversation({ messages: [user("x")] }), isGenerationReply))).toEqual([]);
  });

  describe("nearest misses", () => {
    it("the three closest, by how many fields failed, ties in the order added", () => {
      const set = setOf(
        fixture({ userMessage: "a", model: "m", toolName: "t" }),
        fixture({ userMessage: "b", model: "m" }),
        fixture({ userMessage: "c" }),
        fixture({ model: "m" }),
        fixture({ userMessage: "d", model: "m" }),
      );
      expect(misses(set.match(conversation())).map((miss) => [miss.label, miss.failures.length])).toEqual([
        ['#2 userMessage="c"', 1],
        ['#3 model="m"', 1],
        ['#1 userMessage="b" model="m"', 2],
      ]);
    });

    it("a sequence fixture whose fields hold says which number this request was", () => {
      const set = setOf(fixture({ userMessage: "hello", sequenceIndex: 1 }));
      expect(misses(set.match(conversation()))).toEqual([
        {
          label: '#0 userMessage="hello" sequenceIndex=1',
          failures: ["sequenceIndex is 1, but this request was number 0 for this match"],
        },
      ]);
    });

    it("with no fixtures there is nothing near", () => {
      expect(new FixtureSet().match(conversation())).toEqual({ hit: null, nearest: [], claim: null });
    });
  });

  describe("sequences", () => {
    const steps = () =>
      setOf(
        fixture({ userMessage: "step", sequenceIndex: 0 }, "zero"),
        fixture({ userMessage: "step", sequenceIndex: 1 }, "one"),
        fixture({ userMessage: "step" }, "after"),
      );
    const step = conversation({ messages: [user("step")] });

    it("matching advances nothing; commit does, one number per answered request", () => {
      const set = steps();
      const first = set.match(step);
      expect(answered(first)).toBe("zero");
      expect(answered(set.match(step))).toBe("zero");
      set.commit(first.claim);
      const second = set.match(step);
      expect(answered(second)).toBe("one");
      set.commit(second.claim);
      // Past the sequence, the next fixture that matches answers.
      expect(answered(set.match(step))).toBe("after");
      expect(setOf(fixture({ userMessage: "other" })).match(step).claim).toBeNull();
    });

    it("release gives a refused request's number back to the next request", () => {
      const set = steps();
      const first = set.match(step);
      set.commit(first.claim);
      const second = set.match(step);
      set.commit(second.claim);
      set.release(first.claim);
      // Number 0 was handed back while 1 was still held: it goes out next, then the sequence carries on past 1.
      const again = set.match(step);
      expect(answered(again)).toBe("zero");
      set.commit(again.claim);
      expect(answered(set.match(step))).toBe("after");
      set.release(second.claim);
      expect(answered(set.match(step))).toBe("one");
    });

    it("a request's earlier parts count before it (a prompt list is several generations)", () => {
      const set = steps();
      const first = set.match(step);
      expect(answered(set.match(step, undefined, first.claim))).toBe("one");
    });

    it("fixtures whose matches differ only in field order share one counter", () => {
      const set = setOf(
        { match: { userMessage: "step", model: "gpt-4o-mini", sequenceIndex: 0 }, response: { content: "zero" } },
        { match: { model: "gpt-4o-mini", sequenceIndex: 1, userMessage: "step" }, response: { content: "one" } },
      );
      set.commit(set.match(step).claim);
      expect(answered(set.match(step))).toBe("one");
    });

    it("resetSequences starts again from 0, and a claim from before neither commits nor releases", () => {
      const set = steps();
      const stale = set.match(step);
      set.commit(set.match(step).claim);
      set.resetSequences();
      set.commit(stale.claim);
      expect(answered(set.match(step))).toBe("zero");
      set.release(stale.claim);
      expect(answered(set.match(step))).toBe("zero");
    });
  });
});
