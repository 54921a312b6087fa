// The issue-6 scale targets for `npm run bench:scale`: what each measures, at which size, against which threshold.
// `quick` overrides the sizes (and the title where it names them) for a smoke run (--quick); the thresholds stay,
// and scale.mjs marks every quick result as such: a smoke run's figures do not judge the targets.

/** The paced model of the stream targets: every answer is 30 tokens, the first after 200 ms, then 50 per second. */
export const PACE = { ttft: 200, tps: 50, tokens: 30 };
/** The 5k target's timing thresholds, which the capacity scan applies at every size. */
const TTFT_P99 = { ms: PACE.ttft, within: 60 }; // p99 time to first token within 60 ms of 200 ms
const ITL_MEDIAN = { ms: 1000 / PACE.tps, within: 0.1 }; // median inter-token gap within 10% of 20 ms
export const TARGETS = {
  "streams-5k": {
    title: "5,000 paced streams",
    // Connections open at connectRate (in batches of `batch`), then every one streams back to back for durationS;
    // the streams requested in that steady phase are the ones timed.
    streams: 5000,
    connectRate: 1000,
    batch: 50,
    durationS: 10,
    quick: { title: "500 paced streams", streams: 500, durationS: 3 },
    ttftP99: TTFT_P99,
    itlMedian: ITL_MEDIAN,
    maxRssMB: 300, // server peak RSS
  },
  "streams-10k": {
    title: "10,000 paced streams",
    streams: 10000,
    connectRate: 1000,
    batch: 50,
    durationS: 5,
    quick: { title: "1,000 paced streams", streams: 1000, durationS: 2 },
  },
  capacity: {
    title: "paced-stream capacity",
    // Not an issue target: the largest step at which each server (Understudy, then the bare paced server,
    // alternating) still meets the 5k timing thresholds. Each step is a short run: the connections open (in
    // batches of `batch`) over one stream's length (780 ms), or over whole multiples of it when rampMsPer1000 per
    // thousand takes longer, then stream for durationS. A server's scan stops at its first failing step (a step
    // fails when two runs of it fail that other processes and the hypervisor took under 0.2 cores from).
    steps: [100, 250, 500, 750, 1000, 1500, 2000, 3000],
    rampMsPer1000: 300,
    batch: 10,
    durationS: 5,
    quick: { steps: [100, 250, 500], durationS: 2 },
    ttftP99: TTFT_P99,
    itlMedian: ITL_MEDIAN,
  },
  workers: {
    title: "--workers 2 vs 1, non-streaming",
    // Short alternating runs, many of them: this VM's cores change speed over seconds, and a slow spell that
    // hits one run of a pair moves that round's ratio (3 rounds of 10 s gave 1.89, 1.47 and 1.22 in one run).
    rounds: 7,
    durationS: 5,
    warmupS: 2,
    connections: 50,
    quick: { rounds: 1, durationS: 3, warmupS: 1 },
    minRatio: 1.6,
  },
  memory: {
    title: "RSS after 100,000 requests vs 1,000",
    checkpoints: [1000, 10000, 50000, 100000],
    connections: 50,
    settleS: 2,
    quick: { title: "RSS after 10,000 requests vs 1,000", checkpoints: [1000, 10000] },
    maxGrowth: 0.2,
  },
  paused: {
    title: "paused readers",
    // On Linux loopback a paused connection's kernel buffers take ~4 MB (the send buffer autotunes). At 4,000
    // tokens/s (~0.9 MB/s of SSE) they fill in ~4.5 s, and a 32,000-token stream (Understudy's ceiling is 32,768
    // generated tokens a request) is still being generated at the end of the hold: a server that ignores
    // backpressure would still be adding memory then.
    clients: 10,
    holdS: 8,
    maxTokens: 32000,
    tps: 4000,
    quick: { clients: 5, holdS: 7 },
    allowance: { baseMB: 2, perClientKB: 64 },
  },
};

/** A target's settings for this run: the full sizes, or with --quick the quick ones over them. */
export const settingsFor = (id, quick) => {
  const { quick: smaller, ...full } = TARGETS[id];
  return quick ? { ...full, ...smaller } : full;
};
