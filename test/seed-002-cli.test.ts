// Seed 002 beyond the single examples, through the CLI: the weather-tool flow with `reply: next` run by
// an agent loop (Chat Completions and Responses), a flow file's apiKey and port, and validation errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { FunctionTool, Response, ResponseInputItem } from "openai/resources/responses/responses";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { root, runCli, serveCli, startCli, stopAllClis, type RunningCli } from "./support/cli.js";
import { chatUsage } from "./support/tokens.js";

const fixture = (name: string) => join(root, "test/fixtures/seed-002", name);
const clientOf = (cli: RunningCli, apiKey = "test") => new OpenAI({ baseURL: `${cli.url}/v1`, apiKey, maxRetries: 0 });

const QUESTION = "What's the weather in San Francisco?";
const ANSWER = "It's currently 72°F and sunny in San Francisco!";
const WEATHER_PARAMETERS = { type: "object", properties: { location: { type: "string" } }, required: ["location"] };

/** The agent's local tool. The flow's tool turn is an exact matcher, so it returns the flow's text. */
function weatherTool() {
  const calls: unknown[] = [];
  const run = (name: string, args: string): string => {
    if (name !== "get_weather") throw new Error(`unknown tool ${name}`);
    calls.push(JSON.parse(args));
    return '{"temperature": 72, "condition": "sunny"}';
  };
  return { calls, run };
}

describe("tool-loop.yaml (weather-tool with reply: next) run by an agent loop", () => {
  const cli = serveCli(["-f", fixture("tool-loop.yaml")]);

  it("over Chat Completions: tool_calls, the tool runs once, the tool result is sent back, the final answer", async () => {
    const client = clientOf(cli);
    const tool = weatherTool();
    const tools: ChatCompletionTool[] = [
      {
        type: "function",
        function: { name: "get_weather", description: "Current weather for a city", parameters: WEATHER_PARAMETERS },
      },
    ];
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: QUESTION }];
    const completions: ChatCompletion[] = [];
    for (let step = 0; step < 5; step++) {
      const sent = [...messages];
      const completion = await client.chat.completions.create({ model: "gpt-4o", messages, tools });
      completions.push(completion);
      const { message, finish_reason } = completion.choices[0];
      expect(completion.id).toBe("chatcmpl-weather-tool");
      const reply = message.tool_calls?.length
        ? message.tool_calls.map((c) => (c.type === "function" ? c.function.arguments : "")).join("")
        : message.content;
      expect(completion.usage).toMatchObject(chatUsage("gpt-4o", sent, reply, tools));
      if (!message.tool_calls?.length) {
        expect(finish_reason).toBe("stop");
        break;
      }
      expect(finish_reason).toBe("tool_calls");
      messages.push(message);
      for (const call of message.tool_calls) {
        if (call.type !== "function") throw new Error(`unexpected ${call.type} tool call`);
        messages.push({
          role: "tool",
          tool_call_id: call.id,
          content: tool.run(call.function.name, call.function.arguments),
        });
      }
    }
    expect(completions).toHaveLength(2);
    expect(completions[0].choices[0].message.content).toBeNull();
    expect(completions[0].choices[0].message.tool_calls).toEqual([
      {
        id: "call_abc123",
        type: "function",
        function: { name: "get_weather", arguments: '{"location": "San Francisco"}' },
      },
    ]);
    expect(tool.calls).toEqual([{ location: "San Francisco" }]);
    expect(completions[1].choices[0].message.content).toBe(ANSWER);
  });

  it("over the Responses API: function_call, then function_call_output with previous_response_id, the final answer", async () => {
    const client = clientOf(cli);
    const tool = weatherTool();
    const tools: FunctionTool[] = [
      {
        type: "function",
        name: "get_weather",
        description: "Current weather for a city",
        parameters: WEATHER_PARAMETERS,
        strict: false,
      },
    ];
    const responses: Response[] = [];
    let response = await client.responses.create({ model: "gpt-4o", input: QUESTION, tools });
    for (let step = 0; step < 5; step++) {
      responses.push(response);
      expect(response.id).toBe("resp_weather-tool");
      expect(response.status).toBe("completed");
      const calls = response.output.filter((item) => item.type === "function_call");
      if (calls.length === 0) break;
      const outputs: ResponseInputItem[] = calls.map((call) => ({
        type: "function_call_output",
        call_id: call.call_id,
        output: tool.run(call.name, call.arguments),
      }));
      response = await client.responses.create({
        model: "gpt-4o",
        previous_response_id: response.id,
        input: outputs,
        tools,
      });
    }
    expect(responses).toHaveLength(2);
    expect(responses[0].output).toEqual([
      expect.objectContaining({
        type: "function_call",
        call_id: "call_abc123",
        name: "get_weather",
        arguments: '{"location": "San Francisco"}',
        status: "completed",
      }),
    ]);
    expect(tool.calls).toEqual([{ location: "San Francisco" }]);
    expect(responses[1].previous_response_id).toBe("resp_weather-tool");
    expect(responses[1].output_text).toBe(ANSWER);
    // Usage as on Chat Completions: the chain so far (question, call, result) and the tool definition.
    const counted = [
      {
        type: "function",
        function: { name: "get_weather", description: tools[0].description!, parameters: WEATHER_PARAMETERS },
      },
    ];
    const question = { role: "user", content: QUESTION };
    const call = {
      role: "assistant",
      content: "",
      tool_calls: [{ type: "function", function: { name: "get_weather", arguments: '{"location": "San Francisco"}' } }],
    };
    const first = chatUsage("gpt-4o", [question], '{"location": "San Francisco"}', counted);
    const second = chatUsage(
      "gpt-4o",
      [question, call, { role: "tool", content: '{"temperature": 72, "condition": "sunny"}' }],
      ANSWER,
      counted,
    );
    expect(responses[0].usage).toMatchObject({
      input_tokens: first.prompt_tokens,
      output_tokens: first.completion_tokens,
      total_tokens: first.total_tokens,
    });
    expect(responses[1].usage).toMatchObject({
      input_tokens: second.prompt_tokens,
      output_tokens: second.completion_tokens,
      total_tokens: second.total_tokens,
    });
  });

  it("streams the first step's tool call", async () => {
    const stream = await clientOf(cli).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: QUESTION }],
      stream: true,
    });
    let args = "";
    const names: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.id).toBe("chatcmpl-weather-tool");
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (call.function?.name) names.push(call.function.name);
        args += call.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(names).toEqual(["get_weather"]);
    expect(args).toBe('{"location": "San Francisco"}');
    expect(finish).toBe("tool_calls");
  });
});

describe("a flow file's apiKey and port", () => {
  let dir: string;
  const greeting = readFileSync(fixture("greeting.yaml"), "utf8");
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "understudy-seed-002-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(stopAllClis);
  const ask = (client: OpenAI) =>
    client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello, how are you?" }] });

  it("apiKey: 401 invalid_api_key without a key or with a wrong one, 200 with it; /health stays open", async () => {
    const file = join(dir, "keyed.yaml");
    writeFileSync(file, `apiKey: 'sk-seed-002-secret'\n${greeting}`);
    const cli = await startCli(["-f", file]);
    expect(cli.lines).toContain(
      "  requests need a key: Authorization: Bearer <key> (or x-api-key, x-goog-api-key, api-key as each provider sends it)",
    );

    const noKey = await clientOf(cli)
      .chat.completions.create(
        { model: "gpt-4o", messages: [{ role: "user", content: "Hello, how are you?" }] },
        { headers: { Authorization: null } },
      )
      .catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(noKey).toMatchObject({ status: 401, code: "invalid_api_key", type: "invalid_request_error" });
    expect((noKey as Error).message).toContain("You didn't provide an API key.");

    const wrong = await ask(clientOf(cli, "sk-wrong-key-1234")).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((wrong as Error).message).toContain("Incorrect API key provided: sk-**********1234.");

    const right = await ask(clientOf(cli, "sk-seed-002-secret"));
    expect(right.id).toBe("chatcmpl-greeting");
    expect(right.choices[0].message.content).toBe("Hello! I am doing well, thank you for asking.");

    const health = await fetch(`${cli.url}/health`);
    expect(health.status).toBe(200);
  });

  it("port: the CLI listens on the file's port when started without -p", async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
      probe.on("error", reject);
    });
    const file = join(dir, "ported.yaml");
    writeFileSync(file, `port: ${port}\n${greeting}`);
    const cli = await startCli(["-f", file], { port: null });
    expect(cli.url).toBe(`http://127.0.0.1:${port}`);
    expect((await ask(clientOf(cli))).id).toBe("chatcmpl-greeting");
  });
});

describe("flow file validation through the CLI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "understudy-seed-002-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 1 naming the file, each flow's index and id, and the message index", () => {
    const broken = join(dir, "flows.yaml");
    writeFileSync(
      broken,
      `responses:
  - id: 'greeting'
    messages:
      - { role: 'user', content: 'Hello', matcher: 'similar' }
      - { role: 'assistant', content: 'Hi' }
  - id: 'help-guide'
    messages:
      - { role: 'user', content: 'I need help', matcher: 'fuzzy', threshold: 2 }
      - { role: 'assistant', content: 'Sure' }
  - id: 'bad-regex'
    messages:
      - { role: 'user', content: '(unclosed', matcher: 'regex' }
      - { role: 'assistant', content: 'never' }
  - id: 'silent'
    messages:
      - { role: 'user', content: 'Say nothing' }
      - { role: 'assistant' }
  - id: 'help-guide'
    messages:
      - { role: 'user', content: 'help' }
      - { role: 'assistant', content: 'Again' }
`,
    );
    const run = runCli(["-p", "0", "-f", broken]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      `understudy: ${broken}:`,
      `  responses[0] (id "greeting").messages[0].matcher: expected one of "exact", "contains", "regex", "fuzzy", "any"`,
      `  responses[1] (id "help-guide").messages[0].threshold: expected a number from 0 to 1`,
      `  responses[2] (id "bad-regex").messages[0].content: invalid regular expression (Invalid regular expression: /(unclosed/i: Unterminated group)`,
      `  responses[3] (id "silent").messages[1].content: an assistant turn needs content or tool_calls`,
      `  responses[4] (id "help-guide").id: "help-guide" is also the id of responses[1]; flow ids must be unique`,
    ]);
  });
});
