// Remembers the pipeline's outcome for request bodies seen before, so a load test that sends the same
// request again and again is answered without parsing, validating, matching and planning it each time.
// Which outcomes may be kept and used is the pipeline's verdict (`cacheable`); the memo only keeps them.
import { BoundedCache } from "./core/bounded-cache.js";
import type { IdSource } from "./core/ids.js";
import type { FixtureSet } from "./fixtures/index.js";
import { cacheable, type Outcome, type PipelineState } from "./pipeline.js";
import type { Surface } from "./protocols/types.js";

type Reply = Extract<Outcome, { kind: "reply" }>;

/** A remembered request: its parsed body (for the journal) and the reply it got. */
export interface MemoHit {
  body: unknown;
  outcome: Reply;
}

/** What one body text was answered with, on one surface and variant. */
interface Kept extends MemoHit {
  surface: Surface;
  variant: string;
}

/** Bodies above this size are not remembered: load tests send small ones, and keys are kept whole. */
const MAX_BODY_CHARS = 8192;
/** Distinct bodies kept (a test's traffic rarely has this many); past it the oldest goes (see BoundedCache). */
const MAX_BODIES = 512;
/**
 * Answers kept per body, over its surfaces and variants: one in practice (a body is sent to one
 * endpoint, with one Accept); past it the body's list starts again.
 */
const MAX_PER_BODY = 8;

export class PipelineMemo {
  /**
   * By body text as it came (the key exists already, so a lookup builds no string), then a short list
   * told apart by surface and variant: one Map lookup and a comparison or two per request.
   */
  private readonly bodies = new BoundedCache<string, Kept[]>(MAX_BODIES);
  private version = -1;

  constructor(
    private readonly fixtures: FixtureSet,
    private readonly ids: IdSource,
  ) {}

  /** Whether outcomes may be looked up and kept now: the pipeline's cacheable verdict for the surface. */
  usable(state: PipelineState, surface: Surface): boolean {
    if (!cacheable(state, surface)) return false;
    // Fixtures added or cleared since: every remembered match may be stale.
    if (this.version !== this.fixtures.version) {
      this.bodies.clear();
      this.version = this.fixtures.version;
    }
    return true;
  }

  /** `variant`: everything besides the surface and body that shapes the outcome (request timing, Accept). */
  get(surface: Surface, variant: string, text: string): MemoHit | undefined {
    const kept = this.bodies.get(text);
    if (kept === undefined) return undefined;
    for (let i = 0; i < kept.length; i++) {
      const hit = kept[i];
      if (hit.surface !== surface || hit.variant !== variant) continue;
      if (!surface.replay) return hit;
      const { outcome } = hit;
      return { body: hit.body, outcome: { ...outcome, conversation: surface.replay(outcome.conversation, this.ids) } };
    }
    return undefined;
  }

  /** Keeps a reply the pipeline judged cacheable (see Outcome's `cacheable`), unless its body is large. */
  remember(surface: Surface, variant: string, text: string, body: unknown, outcome: Outcome): void {
    if (outcome.kind !== "reply" || !outcome.cacheable || text.length > MAX_BODY_CHARS) return;
    const kept = this.bodies.get(text);
    const entry: Kept = { surface, variant, body, outcome };
    if (kept === undefined) return this.bodies.set(text, [entry]);
    const at = kept.findIndex((hit) => hit.surface === surface && hit.variant === variant);
    if (at !== -1) kept[at] = entry;
    else if (kept.length < MAX_PER_BODY) kept.push(entry);
    else this.bodies.set(text, [entry]);
  }
}
