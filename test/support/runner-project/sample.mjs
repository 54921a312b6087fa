// The sample test file a real Vitest run executes (test/testing-vitest.test.ts copies it into a project
// of its own). The same tests as sample.cjs, which Jest runs. Tests 4 and 5 are meant to fail.
import { expect, it } from "vitest";
import { useLLMock } from "understudy-llm/vitest";

const mock = useLLMock({
  fixtures: [{ match: { userMessage: "hello" }, response: { content: "Hello from the file's set" } }],
  strict: true,
  failOnUnused: true,
});

async function ask(text) {
  const res = await fetch(`${mock.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: text }] }),
  });
  return { status: res.status, body: await res.json() };
}

it("answers from the file's fixtures", async () => {
  const { status, body } = await ask("hello");
  expect(status).toBe(200);
  expect(body.choices[0].message.content).toBe("Hello from the file's set");
  expect(body.usage.prompt_tokens).toBe(8);
});

it("puts a per-test fixture in front of the file's", async () => {
  mock.use({ match: { userMessage: "hello" }, response: { content: "per-test hello" } });
  const { body } = await ask("hello");
  expect(body.choices[0].message.content).toBe("per-test hello");
  expect(mock.requests).toHaveLength(1);
});

it("starts the next test from the file's set with an empty journal", async () => {
  expect(mock.requests).toHaveLength(0);
  const { body } = await ask("hello");
  expect(body.choices[0].message.content).toBe("Hello from the file's set");
});

it("fails when a request matches no fixture", async () => {
  const { status } = await ask("nobody answers this");
  expect(status).toBe(400);
});

it("fails when a per-test fixture answers nothing", () => {
  mock.use({ match: { userMessage: "never sent" }, response: { content: "unused" } });
});

it("runs clean after the failures", async () => {
  const { status, body } = await ask("hello");
  expect(status).toBe(200);
  expect(body.choices[0].message.content).toBe("Hello from the file's set");
  expect(mock.requests).toHaveLength(1);
});
