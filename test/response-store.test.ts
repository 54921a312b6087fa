// The Responses store on its own: bounded, oldest evicted first, through re-saves and deletions, and
// from the outside, the evicted response is gone from GET /v1/responses/{id}.
import { createServer } from "understudy-llm/server";
import { describe, expect, it } from "vitest";
import { ResponseStore, StoredResponse } from "../src/protocols/openai/responses/store.js";

const stored = (id: string) => new StoredResponse(id, () => ({ id }), [], [], null);
const held = (store: ResponseStore, ids: string[]) => ids.filter((id) => store.find(id) !== undefined);

describe("ResponseStore", () => {
  it("keeps the newest `capacity` responses, evicting the oldest first", () => {
    const store = new ResponseStore(3);
    const ids = Array.from({ length: 10 }, (_, i) => `resp_${i}`);
    for (const id of ids) store.save(stored(id));
    expect(held(store, ids)).toEqual(["resp_7", "resp_8", "resp_9"]);
    expect(store.size).toBe(3);
  });

  it("counts a re-saved id as new, and skips ids deleted in between", () => {
    const store = new ResponseStore(3);
    for (const id of ["a", "b", "c"]) store.save(stored(id));
    store.save(stored("a")); // a is now the newest: b goes first
    store.save(stored("d"));
    expect(held(store, ["a", "b", "c", "d"])).toEqual(["a", "c", "d"]);
    expect(store.delete("c")).toBe(true);
    store.save(stored("e")); // room for it: nothing evicted
    expect(held(store, ["a", "c", "d", "e"])).toEqual(["a", "d", "e"]);
    store.save(stored("f")); // a is the oldest left
    expect(held(store, ["a", "d", "e", "f"])).toEqual(["d", "e", "f"]);
  });

  it("holds exactly what a plain list model holds, over thousands of saves, re-saves and deletes", () => {
    for (const capacity of [1, 2, 100]) {
      const store = new ResponseStore(capacity);
      const model: string[] = []; // oldest first
      const save = (id: string) => {
        store.save(stored(id));
        if (model.includes(id)) model.splice(model.indexOf(id), 1);
        model.push(id);
        while (model.length > capacity) model.shift();
      };
      const remove = (id: string) => {
        expect(store.delete(id)).toBe(model.includes(id));
        if (model.includes(id)) model.splice(model.indexOf(id), 1);
      };
      for (let i = 0; i < 5_000; i++) {
        save(`r${i}`);
        if (i % 7 === 0) remove(`r${i - 1}`);
        if (i % 11 === 0) save(`r${Math.max(0, i - capacity + 1)}`);
        if (i % 13 === 0) save(`r${Math.max(0, i - 2 * capacity)}`);
        if (i % 97 === 0)
          expect(held(store, [...new Set([...model, `r${i - capacity}`, `r${i - 1}`, `r${i - 50}`])]).sort()).toEqual(
            [...model].sort(),
          );
      }
      expect(store.size).toBe(model.length);
    }
  });

  it("keeps nothing at capacity 0", () => {
    const store = new ResponseStore(0);
    store.save(stored("a"));
    expect(store.size).toBe(0);
  });
});

describe("responseStoreSize", () => {
  it("bounds what GET /v1/responses/{id} can find: the oldest response is gone", async () => {
    const server = await createServer([{ match: { userMessage: "hi" }, response: { content: "hello" } }], {
      responseStoreSize: 2,
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${server.url}/v1/responses`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", input: "hi" }),
        });
        ids.push(((await res.json()) as { id: string }).id);
      }
      const statuses = await Promise.all(
        ids.map(async (id) => (await fetch(`${server.url}/v1/responses/${id}`)).status),
      );
      expect(statuses).toEqual([404, 200, 200]);
    } finally {
      await server.close();
    }
  });
});
