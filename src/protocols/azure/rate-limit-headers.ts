// Azure OpenAI's rate-limit headers: OpenAI's x-ratelimit-remaining-requests and -tokens (sent by every
// Azure deployment), with -limit- and -reset- beside them as newer deployments send them, the reset in
// whole seconds rather than OpenAI's "6m0s".
import type { RateLimitState } from "../../core/rate-limit-state.js";
import { xRateLimitHeaders } from "../openai/rate-limit-headers.js";

const wholeSeconds = (ms: number): string => String(Math.ceil(ms / 1000));

export const azureRateLimitHeaders = (limits: RateLimitState): Record<string, string> =>
  xRateLimitHeaders(limits, wholeSeconds);
