// Conversations and fixture sets for the FixtureSet.match tests, built by hand: the match stage sees
// only the canonical conversation, whatever surface it came from.
import { DEFAULT_PARAMS, type Conversation, type Message } from "../../src/core/conversation.js";
import { FixtureSet, type Fixture, type FixtureMatch, type MatchResult } from "../../src/fixtures/index.js";

export interface Shape {
  messages?: Message[];
  model?: string;
  tools?: string[];
  format?: string;
  body?: Record<string, unknown>;
}

export function conversation(shape: Shape = {}): Conversation {
  return {
    api: "chat.completions",
    model: shape.model ?? "gpt-4o-mini",
    messages: shape.messages ?? [{ role: "user", content: "hello there" }],
    tools: (shape.tools ?? []).map((name) => ({ name })),
    stream: false,
    params: { ...DEFAULT_PARAMS, responseFormat: shape.format ? { type: shape.format } : null },
    body: shape.body ?? {},
  };
}

export const fixture = (match: FixtureMatch, content = "answer"): Fixture => ({ match, response: { content } });

export function setOf(...fixtures: Fixture[]): FixtureSet {
  const set = new FixtureSet();
  set.add(fixtures);
  return set;
}

export const answered = (result: MatchResult): string | undefined => result.hit?.reply.content;
export const misses = (result: MatchResult) => (result.hit ? [] : result.nearest);

export const user = (content: string): Message => ({ role: "user", content });
export const assistant = (content: string): Message => ({ role: "assistant", content });
export const toolResult = (toolCallId: string): Message => ({ role: "tool", content: "42", toolCallId });
