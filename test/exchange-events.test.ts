// Exchange events as users see them: started, matched, unmatched and ended, in that order, on HTTP and
// on the WebSocket; onExchange as an "ended" listener; listeners that throw or reject are reported once
// and change no answer; LLMock's events survive a restart.
import { LLMock, type ExchangeInfo, type JournalEntry } from "understudy-llm";
import { createServer, type ServerInstance } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it, vi } from "vitest";

const MODEL = "gpt-4o-mini";
const FIXTURES = [{ match: { userMessage: "hello" }, response: { content: "hi" } }];

const open: ServerInstance[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof createServer>): Promise<ServerInstance> {
  const server = await createServer(...args);
  open.push(server);
  return server;
}

const chat = (url: string, content: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content }] }),
  });

/** Every event of `server` as a line, with what it carried then (the view is live, so it is copied). */
function recordEvents(server: ServerInstance): string[] {
  const seen: string[] = [];
  const describe = (x: ExchangeInfo) =>
    `${x.transport} ${x.method} ${x.route} api=${x.api} model=${x.model} fixture=${x.fixture}`;
  server.on("started", (x) => seen.push(`started ${describe(x)}`));
  server.on("matched", (x) => seen.push(`matched ${describe(x)}`));
  server.on("unmatched", (x, error) => seen.push(`unmatched ${describe(x)} ${error.status} ${error.code}`));
  server.on("ended", (entry, x) => seen.push(`ended ${entry.status} ${x.requestId === entry.requestId}`));
  return seen;
}

/** Sends one response.create on a new WebSocket and resolves with its frames once the last has come. */
async function wsCreate(server: ServerInstance, body: Record<string, unknown>, last: string): Promise<any[]> {
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`);
  await new Promise((resolve) => ws.once("open", resolve));
  const frames: any[] = [];
  await new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (frame.type === last) resolve();
    });
    ws.send(JSON.stringify({ type: "response.create", ...body }));
  });
  ws.close();
  return frames;
}

describe("exchange events over HTTP", () => {
  it("announce a matched request as started, matched, then ended with its journal entry", async () => {
    const server = await serve(FIXTURES);
    const seen = recordEvents(server);
    const ended: JournalEntry[] = [];
    server.on("ended", (entry) => ended.push(entry));
    const res = await chat(server.url, "hello");
    expect(res.status).toBe(200);
    await res.text();
    const [journalled] = server.journal.all();
    expect(seen).toEqual([
      "started http POST chat.completions api=undefined model=undefined fixture=null",
      `matched http POST chat.completions api=chat.completions model=${MODEL} fixture=${journalled.fixture}`,
      "ended 200 true",
    ]);
    expect(ended).toEqual([journalled]);
    expect(ended[0].requestId).toBe(res.headers.get("x-request-id"));
  });

  it("announce a request no fixture answers as unmatched, with the error the client got", async () => {
    const server = await serve(FIXTURES);
    const seen = recordEvents(server);
    const res = await chat(server.url, "nothing matches this");
    const body = (await res.json()) as { error: { code: string } };
    expect([res.status, body.error.code]).toEqual([400, "no_match"]);
    expect(seen).toEqual([
      "started http POST chat.completions api=undefined model=undefined fixture=null",
      `unmatched http POST chat.completions api=chat.completions model=${MODEL} fixture=null 400 no_match`,
      "ended 400 true",
    ]);
  });

  it("announce /health and unknown URLs under their route labels, and never a /metrics scrape", async () => {
    const server = await serve(FIXTURES);
    const seen = recordEvents(server);
    await (await fetch(`${server.url}/health`)).text();
    await (await fetch(`${server.url}/metrics`)).text();
    await (await fetch(`${server.url}/v1/nowhere`)).text();
    expect(seen).toEqual([
      "started http GET health api=undefined model=undefined fixture=null",
      "ended 200 true",
      "started http GET other api=undefined model=undefined fixture=null",
      "ended 404 true",
    ]);
  });

  it("stop reaching a listener once its returned function is called", async () => {
    const server = await serve(FIXTURES);
    const ended: string[] = [];
    const stop = server.on("ended", (entry) => ended.push(entry.path));
    await (await fetch(`${server.url}/health`)).text();
    stop();
    await (await fetch(`${server.url}/health`)).text();
    expect(ended).toEqual(["/health"]);
    expect(server.journal.all()).toHaveLength(2);
  });
});

describe("exchange events over the WebSocket", () => {
  it("announce a response.create like a request: started, matched, ended", async () => {
    const server = await serve(FIXTURES);
    const seen = recordEvents(server);
    await wsCreate(server, { model: MODEL, input: "hello" }, "response.completed");
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    const [journalled] = server.journal.all();
    expect(seen).toEqual([
      "started websocket WS responses api=responses model=undefined fixture=null",
      `matched websocket WS responses api=responses model=${MODEL} fixture=${journalled.fixture}`,
      "ended 200 true",
    ]);
  });

  it("announce an unmatched response.create with the error frame's error", async () => {
    const server = await serve(FIXTURES);
    const seen = recordEvents(server);
    const frames = await wsCreate(server, { model: MODEL, input: "nothing matches this" }, "error");
    expect(frames.at(-1)).toMatchObject({ type: "error", status: 400, error: { code: "no_match" } });
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    expect(seen[1]).toBe(`unmatched websocket WS responses api=responses model=${MODEL} fixture=null 400 no_match`);
    expect(seen[2]).toBe("ended 400 true");
  });
});

describe("a listener that fails", () => {
  const failing = (server: ServerInstance) => {
    for (const event of ["started", "matched", "unmatched", "ended"] as const) {
      server.on(event, () => {
        throw new Error(`${event} listener broke`);
      });
    }
    server.on("ended", async () => {
      throw new Error("async listener broke");
    });
  };

  it("is reported on stderr once, and every answer and journal entry is as without it, on HTTP and WebSocket", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const server = await serve(FIXTURES);
    failing(server);
    for (let i = 0; i < 3; i++) expect((await chat(server.url, "hello")).status).toBe(200);
    expect((await chat(server.url, "nothing matches this")).status).toBe(400);
    const frames = await wsCreate(server, { model: MODEL, input: "hello" }, "response.completed");
    expect(frames.at(-1).response.output[0].content[0].text).toBe("hi");
    await vi.waitFor(() => expect(server.journal.all()).toHaveLength(5));
    await vi.waitFor(() =>
      expect(stderr.mock.calls.some(([line]) => String(line).includes("async listener broke"))).toBe(true),
    );
    const lines = stderr.mock.calls.map(([line]) => String(line));
    expect(lines.filter((line) => line.includes("listener broke"))).toEqual([
      'understudy: a "started" listener threw for POST /v1/chat/completions: started listener broke',
      'understudy: a "matched" listener threw for POST /v1/chat/completions: matched listener broke',
      'understudy: a "ended" listener threw for POST /v1/chat/completions: ended listener broke',
      'understudy: a "ended" listener threw for POST /v1/chat/completions: async listener broke',
      'understudy: a "unmatched" listener threw for POST /v1/chat/completions: unmatched listener broke',
    ]);
    expect(server.journal.all().map((entry) => entry.status)).toEqual([200, 200, 200, 400, 200]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("given as onExchange on a WebSocket server is reported and the process lives on", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const server = await serve(FIXTURES, {
      onExchange: () => {
        throw new Error("log sink broke");
      },
    });
    for (let i = 0; i < 2; i++) await wsCreate(server, { model: MODEL, input: "hello" }, "response.completed");
    await vi.waitFor(() => expect(server.journal.all()).toHaveLength(2));
    expect(stderr.mock.calls.map(([line]) => String(line))).toEqual([
      "understudy: the onExchange callback threw for WS /v1/responses: log sink broke",
    ]);
  });
});

describe("LLMock's events", () => {
  it("take listeners before start and keep them across a restart; the server's own (onExchange) leave with it", async () => {
    const logged: string[] = [];
    const mock = new LLMock({ onExchange: (entry) => logged.push(entry.path) });
    mock.on({ userMessage: "hello" }, { content: "hi" });
    const ended: number[] = [];
    mock.events.on("ended", (entry) => ended.push(entry.status));
    await mock.start();
    await (await chat(mock.url, "hello")).text();
    await mock.stop();
    await mock.start();
    try {
      await (await chat(mock.url, "nothing matches this")).text();
    } finally {
      await mock.stop();
    }
    expect(ended).toEqual([200, 400]);
    // Once per request: the first server's onExchange listener was removed when it closed.
    expect(logged).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
  });
});
