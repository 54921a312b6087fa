// A server's pacing: its one scheduler, and the timing of each answer (token due times, a
// non-streaming answer's total time) with jitter that is reproducible under the server's seed.
import { answerDuration, NO_DELAY, seededRandom, tokenTimes, type Random, type Timing } from "../core/timing.js";
import { PacingScheduler } from "./scheduler.js";
import type { StreamPacing } from "./stream-sender.js";

export class Pacer {
  readonly scheduler = new PacingScheduler();
  private answers = 0;

  /** `seed`: the server's seed; answer k's jitter then comes from a generator seeded with (seed, k). */
  constructor(private readonly seed?: number) {}

  private random(timing: Timing): Random {
    if (timing.jitterMs === 0 || this.seed === undefined) return Math.random;
    return seededRandom(Math.imul(this.seed ^ 0x5bd1e995, 0x27d4eb2d) + this.answers++);
  }

  /** How a stream's tokens are paced, or null when its timing sends everything at once. */
  stream(timing: Timing, promptTokens: number, start: number): StreamPacing | null {
    if (timing === NO_DELAY) return null;
    const random = this.random(timing);
    return { scheduler: this.scheduler, start, times: (steps) => tokenTimes(timing, steps, promptTokens, random) };
  }

  /** How long a non-streaming answer of `steps` tokens takes: what its stream would have taken. */
  duration(timing: Timing, steps: number, promptTokens: number): number {
    return timing === NO_DELAY ? 0 : answerDuration(timing, steps, promptTokens, this.random(timing));
  }
}
