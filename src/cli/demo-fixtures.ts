// The fixtures served when the CLI is started without -f, so a new user can curl it at once.
import type { Fixture } from "../fixtures/index.js";

export const DEMO_FIXTURES: Fixture[] = [
  {
    match: { userMessage: /\b(hello|hi|hey)\b/i },
    response: { content: "Hello! I'm Understudy, standing in for a real model. How can I help?" },
  },
  {
    match: { userMessage: /weather/i },
    response: { toolCalls: [{ name: "get_weather", arguments: { city: "San Francisco", unit: "celsius" } }] },
  },
  {
    match: { hasToolResult: true },
    response: { content: "It is 18°C and sunny in San Francisco." },
  },
  {
    match: {},
    response: {
      content: "This is Understudy's demo reply. Start it with -f <fixtures.json> to answer from your own fixtures.",
    },
  },
];
