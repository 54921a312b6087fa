// The surface contract for Azure OpenAI's legacy completions, on the deployment route and the v1 route.
import { countTokens } from "../support/tokens.js";
import { type AzureFamily, azurePath, azureSpecBase, azureSurface } from "./azure-spec.js";
import { completionsReader } from "./readers.js";
import { runContract } from "./run-contract.js";
import { http } from "./wire.js";

for (const family of ["deployment", "v1"] as const satisfies readonly AzureFamily[]) {
  runContract({
    ...completionsReader,
    ...azureSpecBase(family),
    name: `Azure completions (${family} route)`,
    path: "/openai/v1/completions",
    pathFor: azurePath(family, "completions"),
    transport: http,
    modes: ["json", "stream"],
    surface: azureSurface(azurePath(family, "completions")),
    request: ({ model, text, stream, stop, maxTokens, n }) => ({
      model,
      prompt: text,
      // Without max_tokens the endpoint stops at 16 tokens; the cases' replies are longer than that.
      max_tokens: maxTokens ?? 64,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...(stop ? { stop } : {}),
      ...(n === undefined ? {} : { n }),
    }),
    maxTokens: { param: "max_tokens", min: 0 },
    finish: { stop: "stop", length: "length" },
    inBandErrors: false,
    // A raw prompt is counted as it is: no per-message framing.
    promptTokens: (model, text) => countTokens(model, text),
  });
}
