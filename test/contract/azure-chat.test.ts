// The surface contract for Azure OpenAI's chat completions, on the deployment route
// (/openai/deployments/{deployment}/chat/completions?api-version=...) and the v1 route, as JSON and streamed.
import { promptTokens } from "../support/tokens.js";
import { type AzureFamily, azurePath, azureSpecBase, azureSurface } from "./azure-spec.js";
import { chatReader } from "./readers.js";
import { runContract } from "./run-contract.js";
import { http } from "./wire.js";

for (const family of ["deployment", "v1"] as const satisfies readonly AzureFamily[]) {
  runContract({
    ...chatReader,
    ...azureSpecBase(family),
    name: `Azure chat.completions (${family} route)`,
    path: "/openai/v1/chat/completions",
    pathFor: azurePath(family, "chat/completions"),
    transport: http,
    modes: ["json", "stream"],
    surface: azureSurface(azurePath(family, "chat/completions")),
    request: ({ model, text, stream, stop, maxTokens, n }) => ({
      model,
      messages: [{ role: "user", content: text }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...(stop ? { stop } : {}),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
      ...(n === undefined ? {} : { n }),
    }),
    maxTokens: { param: "max_tokens", min: 1 },
    finish: { stop: "stop", length: "length" },
    inBandErrors: false,
    promptTokens: (model, text) => promptTokens(model, [{ role: "user", content: text }]),
  });
}
