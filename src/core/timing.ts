// The timing model: when each generated token of an answer is due, as a real model server would
// produce it: a time to first token that can grow with the prompt, then one token per interval.

/** Timing as configured on the server, a fixture or a request (request over fixture over server). */
export interface TimingOptions {
  /** Milliseconds from the request to the first content token. */
  ttft?: number;
  /** Tokens per second after the first; the same as `itl: 1000 / tps`. */
  tps?: number;
  /** Milliseconds between tokens (inter-token latency). Wins over `tps` when both are set at one level. */
  itl?: number;
  /** Spread in milliseconds: every gap moves by up to ± this much, deterministically under a seed. */
  jitter?: number;
  /** Milliseconds of prefill per prompt token, added to the time to first token. */
  prefillPerToken?: number;
}

/** The resolved model for one answer. All zero is "zero-latency mode": everything goes at once. */
export interface Timing {
  ttftMs: number;
  itlMs: number;
  jitterMs: number;
  prefillMsPerToken: number;
}

export const NO_DELAY: Timing = Object.freeze({ ttftMs: 0, itlMs: 0, jitterMs: 0, prefillMsPerToken: 0 });

/** The inter-token gap a level sets, if it sets one: `itl`, else `1000 / tps`. */
function gapOf(options: TimingOptions | undefined): number | undefined {
  if (options?.itl !== undefined) return options.itl;
  if (options?.tps !== undefined) return options.tps > 0 ? 1000 / options.tps : 0;
  return undefined;
}

/**
 * Each field from the most specific level that sets it. `levels` run from least to most specific; the
 * first may be an already resolved Timing (the server's), which the others refine.
 */
export function resolveTiming(levels: readonly (TimingOptions | Timing | undefined)[]): Timing {
  let ttftMs = 0;
  let itlMs = 0;
  let jitterMs = 0;
  let prefillMsPerToken = 0;
  for (const level of levels) {
    if (level === undefined) continue;
    if ("ttftMs" in level) {
      ({ ttftMs, itlMs, jitterMs, prefillMsPerToken } = level);
      continue;
    }
    if (level.ttft !== undefined) ttftMs = level.ttft;
    const gap = gapOf(level);
    if (gap !== undefined) itlMs = gap;
    if (level.jitter !== undefined) jitterMs = level.jitter;
    if (level.prefillPerToken !== undefined) prefillMsPerToken = level.prefillPerToken;
  }
  if (ttftMs === 0 && itlMs === 0 && jitterMs === 0 && prefillMsPerToken === 0) return NO_DELAY;
  return { ttftMs, itlMs, jitterMs, prefillMsPerToken };
}

/** Throws an error naming `where` and the field when a timing value is not a number >= 0. */
export function checkTimingOptions(options: TimingOptions | undefined, where: string): void {
  if (options === undefined) return;
  for (const [field, value] of Object.entries(options)) {
    if (!["ttft", "tps", "itl", "jitter", "prefillPerToken"].includes(field))
      throw new Error(`${where}.${field}: unknown timing field (expected ttft, tps, itl, jitter or prefillPerToken)`);
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0))
      throw new Error(`${where}.${field}: expected a number >= 0, got ${String(value)}`);
  }
}

/** A source of numbers in [0, 1): seeded per answer so jitter is reproducible. */
export type Random = () => number;

/** mulberry32: small, fast and good enough to spread gaps; one per answer, seeded from the server's seed. */
export function seededRandom(seed: number): Random {
  // int32, the same bits as mulberry32's uint32: a uint32 above 2^31 would be a new heap number per call.
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spread(ms: number, timing: Timing, random: Random): number {
  if (timing.jitterMs === 0) return ms;
  return Math.max(0, ms + (random() * 2 - 1) * timing.jitterMs);
}

/**
 * When each of `steps` tokens is due, in milliseconds from the request's arrival: the first after
 * ttft plus prefill for the prompt, each later one a (jittered) gap after the one before.
 */
export function tokenTimes(timing: Timing, steps: number, promptTokens: number, random: Random): number[] {
  // A plain array, not a Float64Array: a typed array's bytes live outside the JS heap (a malloc and an
  // ArrayBuffer for the garbage collector to track and free), per paced stream.
  const times: number[] = [];
  let at = spread(timing.ttftMs + timing.prefillMsPerToken * promptTokens, timing, random);
  for (let i = 0; i < steps; i++) {
    if (i > 0) at += spread(timing.itlMs, timing, random);
    times.push(at);
  }
  return times;
}

/** How long the whole answer takes: when its last token is due (the ttft when it has none). */
export function answerDuration(timing: Timing, steps: number, promptTokens: number, random: Random): number {
  if (timing === NO_DELAY) return 0;
  const times = tokenTimes(timing, Math.max(1, steps), promptTokens, random);
  return times[times.length - 1];
}

/** The headers with which one request sets its own timing, so one server can play fast and slow upstreams. */
const TIMING_HEADERS: Readonly<Record<string, keyof TimingOptions>> = {
  "x-understudy-ttft": "ttft",
  "x-understudy-tps": "tps",
  "x-understudy-itl": "itl",
  "x-understudy-jitter": "jitter",
  "x-understudy-prefill": "prefillPerToken",
};

/** The timing a request's headers set (undefined when none); a malformed value is an error naming the header. */
export function timingFromHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): TimingOptions | { error: string; header: string } | undefined {
  let options: TimingOptions | undefined;
  for (const header in TIMING_HEADERS) {
    const raw = headers[header];
    if (raw === undefined) continue;
    const text = Array.isArray(raw) ? raw[0] : raw;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 3_600_000) {
      return {
        header,
        error: `Invalid ${header} header: expected a number of ${header === "x-understudy-tps" ? "tokens per second" : "milliseconds"} from 0 to 3600000, got '${text}'.`,
      };
    }
    (options ??= {})[TIMING_HEADERS[header]] = value;
  }
  return options;
}
