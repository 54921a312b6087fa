// Remembers the pipeline's outcome for request bodies seen before, so a load test that sends the same
// request again and again is answered without parsing, validating, matching and planning it each time.
// Only outcomes that nothing but the request decides are kept; see `usable` and `remember`.
import type { IdSource } from "./core/ids.js";
import type { FixtureSet } from "./fixtures/index.js";
import type { Outcome, PipelineState } from "./pipeline.js";
import type { Surface } from "./protocols/types.js";

type Reply = Extract<Outcome, { kind: "reply" }>;

/** A remembered request: its parsed body (for the journal) and the reply it got. */
export interface MemoHit {
  body: unknown;
  outcome: Reply;
}

/** Bodies above this size are not remembered: load tests send small ones, and keys are kept whole. */
const MAX_BODY_CHARS = 8192;
/** Distinct requests kept; beyond this the memo starts again (a test's traffic rarely has this many). */
const MAX_ENTRIES = 512;

export class PipelineMemo {
  /**
   * By surface, then variant, then body text: keys that exist already (the body is hashed as it came),
   * so a lookup builds no string.
   */
  private readonly tables = new Map<Surface, Map<string, Map<string, MemoHit>>>();
  private size = 0;
  private version = -1;

  constructor(
    private readonly fixtures: FixtureSet,
    private readonly ids: IdSource,
  ) {}

  /**
   * Whether outcomes may be looked up and kept now: not when answers depend on more than the request,
   * that is, with rate limits, queued errors, sequence counters or predicates (user code that may keep
   * state of its own), or on a surface whose parse reads server state (see Surface.memoizable).
   */
  usable(state: PipelineState, surface: Surface): boolean {
    if (!surface.memoizable || state.limiter.enabled || state.queuedErrors.length > 0 || !this.fixtures.stateless) return false;
    // Fixtures added or cleared since: every remembered match may be stale.
    if (this.version !== this.fixtures.version) {
      this.clear();
      this.version = this.fixtures.version;
    }
    return true;
  }

  /** `variant`: everything besides the surface and body that shapes the outcome (request timing, Accept). */
  get(surface: Surface, variant: string, text: string): MemoHit | undefined {
    const hit = this.tables.get(surface)?.get(variant)?.get(text);
    if (hit === undefined || !surface.replay) return hit;
    const { outcome } = hit;
    return { body: hit.body, outcome: { ...outcome, conversation: surface.replay(outcome.conversation, this.ids) } };
  }

  /**
   * Keeps a reply whose plan holds no ids made for its request alone (a plan that does is rendered
   * afresh each time, and so is planned afresh), when its surface says the conversation may be kept.
   * A reply that counted in a sequence is never kept: its body's next copy is the sequence's next number
   * (`usable` already refuses while sequence fixtures exist; this holds even if a caller skipped it).
   */
  remember(surface: Surface, variant: string, text: string, body: unknown, outcome: Outcome): void {
    if (outcome.kind !== "reply" || outcome.sequences !== null || outcome.plan.reuse === null || text.length > MAX_BODY_CHARS) return;
    if (typeof surface.memoizable === "function" && !surface.memoizable(outcome.conversation)) return;
    if (this.size >= MAX_ENTRIES) this.clear();
    let variants = this.tables.get(surface);
    if (!variants) this.tables.set(surface, (variants = new Map()));
    let table = variants.get(variant);
    if (!table) variants.set(variant, (table = new Map()));
    if (!table.has(text)) this.size++;
    table.set(text, { body, outcome });
  }

  private clear(): void {
    this.tables.clear();
    this.size = 0;
  }
}
