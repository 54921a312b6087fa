// GET /metrics: Prometheus text exposition of requests by route and status, streams in flight, queue
// depth and TTFT / inter-token latency histograms, one set of counts per server.
import OpenAI from "openai";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { ServerMetrics } from "../src/transport/metrics.js";
import { mergeSnapshots, renderExposition } from "../src/transport/metrics-text.js";

const MODEL = "gpt-4o-mini";
const KEY = "sk-metrics";
const fixtures = [
  { match: { userMessage: "hi" }, response: { content: "hello there" } },
  { match: { userMessage: "count" }, response: { content: "one two three four five six seven eight" } },
];

const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(options: ServerOptions = {}): Promise<ServerInstance> {
  const server = await createServer(fixtures, options);
  open.push(server);
  return server;
}

const sdk = (server: { url: string }, apiKey = KEY) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

// --- A small parser for the text exposition format 0.0.4, strict enough to catch malformed output. ---

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const label = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;
  while (label.lastIndex < text.length) {
    const start = label.lastIndex;
    const found = label.exec(text);
    if (!found) throw new Error(`malformed labels at ${start}: {${text}}`);
    if (found[1] in labels) throw new Error(`duplicate label ${found[1]}`);
    labels[found[1]] = found[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`bad value ${text}`);
  return Number(text);
}

/** The family a sample belongs to: a histogram's `_bucket`/`_sum`/`_count` lines belong to its base name. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  const base = name.replace(/_(bucket|sum|count)$/, "");
  const family = families.get(base);
  return family?.type === "histogram" ? family : undefined;
}

function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith("\n")).toBe(true);
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const [, name, help] = /^# HELP (\S+) (.*)$/.exec(line) ?? [];
      expect(name, line).toMatch(METRIC_NAME);
      expect(families.has(name), `HELP for ${name} after its TYPE or twice`).toBe(false);
      families.set(name, { type: "", help, samples: [] });
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [, name, type] = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line) ?? [];
      expect(name, line).toBeDefined();
      const family = families.get(name) ?? { type: "", help: "", samples: [] };
      expect(family.type, `TYPE for ${name} twice`).toBe("");
      expect(family.samples.length, `TYPE for ${name} after its samples`).toBe(0);
      family.type = type;
      families.set(name, family);
      current = family;
      continue;
    }
    expect(line.startsWith("#"), `unexpected comment ${line}`).toBe(false);
    const found = SAMPLE_LINE.exec(line);
    if (!found) throw new Error(`malformed sample line: ${line}`);
    const family = familyOf(found[1], families);
    expect(family?.type, `no TYPE for ${found[1]}`).toBeTruthy();
    // Samples of one family are grouped together, right under its TYPE.
    expect(family, `${found[1]} is not grouped under its TYPE`).toBe(current);
    family!.samples.push({ name: found[1], labels: parseLabels(found[2] ?? ""), value: parseValue(found[3]) });
  }
  for (const [name, family] of families) {
    expect(family.type, `${name} has HELP but no TYPE`).not.toBe("");
    if (family.type === "counter") expect(name).toMatch(/_total$/);
  }
  return families;
}

const labelKey = (labels: Record<string, string>, without = ""): string =>
  Object.entries(labels)
    .filter(([k]) => k !== without)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Every histogram series: buckets cumulative in `le` order, ending in +Inf, and `_count` equal to it. */
function checkHistograms(families: Map<string, Family>): void {
  for (const [name, family] of families) {
    if (family.type !== "histogram") continue;
    const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
    const of = (labels: Record<string, string>) => {
      const key = labelKey(labels, "le");
      if (!series.has(key)) series.set(key, { buckets: [] });
      return series.get(key)!;
    };
    for (const sample of family.samples) {
      if (sample.name === `${name}_bucket`)
        of(sample.labels).buckets.push([parseValue(sample.labels.le), sample.value]);
      else if (sample.name === `${name}_sum`) of(sample.labels).sum = sample.value;
      else if (sample.name === `${name}_count`) of(sample.labels).count = sample.value;
      else throw new Error(`unexpected sample ${sample.name} in histogram ${name}`);
    }
    for (const [key, { buckets, sum, count }] of series) {
      expect(buckets.length, `${name}{${key}}`).toBeGreaterThan(1);
      for (let i = 1; i < buckets.length; i++) {
        expect(buckets[i][0], `${name}{${key}} le ascending`).toBeGreaterThan(buckets[i - 1][0]);
        expect(buckets[i][1], `${name}{${key}} cumulative`).toBeGreaterThanOrEqual(buckets[i - 1][1]);
      }
      expect(buckets.at(-1)![0]).toBe(Infinity);
      expect(count, `${name}{${key}} _count equals the +Inf bucket`).toBe(buckets.at(-1)![1]);
      expect(sum, `${name}{${key}} _sum`).toBeGreaterThanOrEqual(0);
    }
  }
}

async function scrape(server: { url: string }): Promise<{ families: Map<string, Family>; text: string }> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  const families = parseExposition(text);
  checkHistograms(families);
  return { families, text };
}

/** The value of the one sample named `name` whose labels include `labels` (undefined when absent). */
function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = familyOf(name, families);
  const matches = (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(matches.length, `${name}${JSON.stringify(labels)} matches more than one sample`).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

function wsResponse(server: { url: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/v1/responses`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    ws.on("open", () => ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "hi" })));
    ws.on("message", (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === "response.completed") {
        ws.close();
        resolve();
      }
    });
    ws.on("error", reject);
  });
}

describe("GET /metrics", () => {
  it("counts requests exactly by route, transport and status, including 401s and 404s, and serves without a key", async () => {
    const server = await serve({ apiKeys: [KEY] });
    const client = sdk(server);
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    await client.responses.create({ model: MODEL, input: "hi" });
    for await (const _ of await client.responses.create({ model: MODEL, input: "hi", stream: true }));
    await client.models.list();
    await wsResponse(server);
    expect(
      (await fetch(`${server.url}/v1/no/such/thing/123`, { headers: { authorization: `Bearer ${KEY}` } })).status,
    ).toBe(404);
    const unauthorised = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unauthorised.status).toBe(401);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // No Authorization header: scrapers send none.
    const { families, text } = await scrape(server);
    const requests = (route: string, status: string, transport = "http") =>
      sampleValue(families, "understudy_requests_total", { route, status, transport });
    // Every API route's requests, its 401s included, are labelled with the provider whose API it is.
    const provider = (route: string, status: string, transport = "http") =>
      familyOf("understudy_requests_total", families)!.samples.find(
        (s) => s.labels.route === route && s.labels.status === status && s.labels.transport === transport,
      )?.labels.provider;
    expect(provider("chat.completions", "200")).toBe("openai");
    expect(provider("chat.completions", "401")).toBe("openai");
    expect(provider("responses", "200", "websocket")).toBe("openai");
    expect(provider("models", "200")).toBe("openai");
    expect(provider("health", "200")).toBeUndefined();
    expect(provider("other", "404")).toBeUndefined();
    expect(requests("chat.completions", "200")).toBe(3);
    expect(requests("chat.completions", "401")).toBe(1);
    expect(requests("responses", "200")).toBe(2);
    expect(requests("responses", "200", "websocket")).toBe(1);
    expect(requests("models", "200")).toBe(1);
    expect(requests("other", "404")).toBe(1);
    expect(requests("health", "200")).toBe(1);
    expect(familyOf("understudy_requests_total", families)!.samples).toHaveLength(7);
    // Raw paths never become labels, and scrapes count as no traffic.
    expect(text).not.toContain("/no/such");
    expect(text).not.toMatch(/route="metrics"/);
    expect(server.journal.all().some((e) => e.path.includes("metrics"))).toBe(false);

    expect(
      sampleValue(families, "understudy_request_duration_seconds_count", {
        route: "chat.completions",
        transport: "http",
      }),
    ).toBe(4);
    expect(
      sampleValue(families, "understudy_request_duration_seconds_bucket", {
        route: "chat.completions",
        transport: "http",
        le: "+Inf",
      }),
    ).toBe(4);
    expect(familyOf("understudy_requests_total", families)!.type).toBe("counter");
    expect(familyOf("understudy_streams_in_flight", families)!.type).toBe("gauge");
    expect(sampleValue(families, "understudy_streams_in_flight")).toBe(0);
    expect(sampleValue(families, "understudy_queue_depth")).toBe(0);
    expect(sampleValue(families, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
    expect(sampleValue(families, "understudy_uptime_seconds")).toBeGreaterThan(0);
    for (const name of [
      "understudy_time_to_first_token_seconds",
      "understudy_inter_token_latency_seconds",
      "understudy_request_duration_seconds",
    ]) {
      expect(familyOf(name, families)!.type).toBe("histogram");
    }
  });

  it("answers HEAD with the headers only, and other methods as an unknown URL", async () => {
    const server = await serve({ apiKeys: [KEY] });
    const head = await fetch(`${server.url}/metrics`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await head.text()).toBe("");
    const post = await fetch(`${server.url}/metrics`, { method: "POST", headers: { authorization: `Bearer ${KEY}` } });
    expect(post.status).toBe(404);
  });

  it("keeps each server's counts to itself", async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    for (let i = 0; i < 2; i++)
      await sdk(a).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    await sdk(b).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    const labels = { route: "chat.completions", status: "200", transport: "http" };
    expect(sampleValue((await scrape(a)).families, "understudy_requests_total", labels)).toBe(2);
    expect(sampleValue((await scrape(b)).families, "understudy_requests_total", labels)).toBe(1);
    expect(sampleValue((await scrape(await serve())).families, "understudy_requests_total", labels)).toBeUndefined();
  });
});

describe("ServerMetrics", () => {
  it("puts an observation equal to a bound in that bucket (le is inclusive) and beyond the last in +Inf", () => {
    const metrics = new ServerMetrics();
    metrics.firstToken(50); // exactly the 0.05 s bound
    metrics.firstToken(60_000); // past 30 s
    metrics.interToken(Number.NaN);
    const families = parseExposition(renderExposition(metrics.snapshot()));
    checkHistograms(families);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "0.025" })).toBe(0);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "0.05" })).toBe(1);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "30" })).toBe(1);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "+Inf" })).toBe(2);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_sum")).toBeCloseTo(60.05, 6);
    expect(sampleValue(families, "understudy_inter_token_latency_seconds_count")).toBe(1);
    expect(sampleValue(families, "understudy_inter_token_latency_seconds_sum")).toBe(0);
  });

  it("tracks the gauges and folds routes past its limit into 'other', escaping label values", () => {
    const metrics = new ServerMetrics();
    metrics.streamOpened();
    metrics.streamOpened();
    metrics.streamClosed();
    metrics.queueChanged(7);
    metrics.requestFinished('we"ird\\route\n', 200, 5);
    for (let i = 0; i < 100; i++) metrics.requestFinished(`route${i}`, 200, 1);
    const families = parseExposition(renderExposition(metrics.snapshot()));
    expect(sampleValue(families, "understudy_streams_in_flight")).toBe(1);
    expect(sampleValue(families, "understudy_queue_depth")).toBe(7);
    expect(sampleValue(families, "understudy_requests_total", { route: 'we"ird\\route\n' })).toBe(1);
    const routes = new Set(familyOf("understudy_requests_total", families)!.samples.map((s) => s.labels.route));
    expect(routes.size).toBe(33); // 32 distinct routes, then "other"
    expect(sampleValue(families, "understudy_requests_total", { route: "other" })).toBe(69);
  });

  it("sums several servers' snapshots (the workers of --workers): routes and statuses of either, histograms and gauges added", () => {
    const [a, b] = [new ServerMetrics(() => 0), new ServerMetrics(() => 0)];
    a.requestFinished("chat.completions", 200, 1);
    a.requestFinished("chat.completions", 404, 1);
    b.requestFinished("chat.completions", 200, 30);
    b.requestFinished("responses", 200, 1, "websocket");
    a.firstToken(50);
    b.firstToken(2000);
    a.streamOpened();
    b.streamOpened();
    b.queueChanged(3);
    const first = a.snapshot();
    const families = parseExposition(renderExposition(mergeSnapshots([first, b.snapshot()])));
    checkHistograms(families);
    const chat = { route: "chat.completions", transport: "http" };
    expect(sampleValue(families, "understudy_requests_total", { ...chat, status: "200" })).toBe(2);
    expect(sampleValue(families, "understudy_requests_total", { ...chat, status: "404" })).toBe(1);
    expect(
      sampleValue(families, "understudy_requests_total", { route: "responses", transport: "websocket", status: "200" }),
    ).toBe(1);
    expect(sampleValue(families, "understudy_request_duration_seconds_bucket", { ...chat, le: "0.001" })).toBe(2);
    expect(sampleValue(families, "understudy_request_duration_seconds_count", chat)).toBe(3);
    expect(sampleValue(families, "understudy_request_duration_seconds_sum", chat)).toBeCloseTo(0.032, 9);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "0.05" })).toBe(1);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_count")).toBe(2);
    expect(sampleValue(families, "understudy_streams_in_flight")).toBe(2);
    expect(sampleValue(families, "understudy_queue_depth")).toBe(3);
    // The snapshots merged are left as they were.
    expect(first.routes[0].byStatus).toEqual([
      [200, 1],
      [404, 1],
    ]);
    expect(first.routes[0].duration.count).toBe(2);
  });
});

// Depends on the stream writer calling firstToken / interToken / streamOpened / streamClosed (the
// timing work of issue 6). If these fail with zero observations, that side is not wired yet.
describe("latency as measured at the socket (needs the stream writer's hooks)", () => {
  it("observes a time to first token of ~50 ms and inter-token gaps of ~10 ms for a paced stream", async () => {
    const server = await serve({ timing: { ttft: 50, itl: 10 } });
    const stream = await sdk(server).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "count" }],
      stream: true,
    });
    let contentChunks = 0;
    let inFlightMidStream: number | undefined;
    for await (const chunk of stream) {
      if (!chunk.choices[0]?.delta.content) continue;
      if (contentChunks++ === 0)
        inFlightMidStream = sampleValue((await scrape(server)).families, "understudy_streams_in_flight");
    }
    expect(contentChunks).toBeGreaterThan(3);
    expect(inFlightMidStream).toBe(1);

    const { families } = await scrape(server);
    expect(sampleValue(families, "understudy_streams_in_flight")).toBe(0);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_count")).toBe(1);
    const ttft = sampleValue(families, "understudy_time_to_first_token_seconds_sum")!;
    expect(ttft).toBeGreaterThanOrEqual(0.045);
    expect(ttft).toBeLessThan(0.5);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_bucket", { le: "0.025" })).toBe(0);

    const gaps = sampleValue(families, "understudy_inter_token_latency_seconds_count")!;
    expect(gaps).toBe(contentChunks - 1);
    const meanGap = sampleValue(families, "understudy_inter_token_latency_seconds_sum")! / gaps;
    expect(meanGap).toBeGreaterThanOrEqual(0.008);
    expect(meanGap).toBeLessThan(0.1);
  });

  it("shows a request waiting for a slot under maxConcurrency in the queue depth, and 0 once all are done", async () => {
    const server = await serve({ maxConcurrency: 1, timing: { ttft: 300 } });
    const ask = () =>
      sdk(server)
        .chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true })
        .then(async (stream) => {
          for await (const _ of stream);
        });
    const answers = [ask(), ask()];
    let depth: number | undefined;
    for (
      const until = Date.now() + 250;
      Date.now() < until && depth !== 1;
      await new Promise((r) => setTimeout(r, 10))
    ) {
      depth = sampleValue((await scrape(server)).families, "understudy_queue_depth");
    }
    expect(depth).toBe(1);
    await Promise.all(answers);
    const { families } = await scrape(server);
    expect(sampleValue(families, "understudy_queue_depth")).toBe(0);
    expect(sampleValue(families, "understudy_streams_in_flight")).toBe(0);
    expect(sampleValue(families, "understudy_time_to_first_token_seconds_count")).toBe(2);
  });
});
