// A large request through the pipeline without holding the event loop: its prompts' token counts are
// worked out in slices first (TokenCache.prepare), then the synchronous stages run with them in reach.
import { SLICED_TEXT_CHARS } from "./core/token-cache.js";
import type { TimingOptions } from "./core/timing.js";
import { parseRequest, runParsed, type Outcome, type PipelineState } from "./pipeline.js";
import type { Surface } from "./protocols/types.js";

/** Bodies larger than this take the sliced path, and the memo does not keep them. */
export const LARGE_BODY_BYTES = SLICED_TEXT_CHARS;

/** The outcome, as runPipeline's; null when the client left while its counts were prepared. */
export async function runSlicedPipeline(
  state: PipelineState,
  surface: Surface,
  body: unknown,
  client: string,
  requestTiming: TimingOptions | undefined,
  gone: () => boolean,
): Promise<Outcome | null> {
  const parsed = parseRequest(state, surface, body);
  if ("kind" in parsed) return parsed;
  const prepared = await state.tokens.prepare(surface.split?.(parsed) ?? [parsed], surface, gone);
  if (prepared === null) return null;
  return state.tokens.withPrepared(prepared, () => runParsed(state, surface, parsed, client, requestTiming));
}
