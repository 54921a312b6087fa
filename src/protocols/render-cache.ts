// Remembers what a surface rendered for a plan, keyed by the fixture reply and the plan's reuse key,
// so identical plans (the common case in tests and load tests) are serialised once.
import { BoundedCache } from "../core/bounded-cache.js";
import type { Plan } from "../core/plan.js";
import type { Reply } from "../core/reply.js";

// Keys differ by model, prompt length and limits; a reply asked in many shapes keeps the newest ones
// (the oldest goes first: see BoundedCache).
const KEYS_PER_REPLY = 256;

export class RenderCache<T> {
  private readonly byReply = new WeakMap<Reply, BoundedCache<string, T>>();
  // The latest lookup, checked first: a load test asks for one rendering over and over, and two
  // comparisons are cheaper than a WeakMap and a Map lookup on every request.
  private lastReply: Reply | null = null;
  private lastKey = "";
  private lastRendered: T | undefined;

  /**
   * The cached rendering for this plan, or `render(plan, input)` (remembered when the plan allows it).
   * `input` is what the render reads besides the plan, handed over so a surface's render can be one
   * function made once rather than a closure made per request; the cache's owner keeps apart inputs
   * that render one plan differently (a cache per way of showing thinking, say).
   */
  get(plan: Plan, render: (plan: Plan) => T): T;
  get<I>(plan: Plan, render: (plan: Plan, input: I) => T, input: I): T;
  get<I>(plan: Plan, render: (plan: Plan, input?: I) => T, input?: I): T {
    const reuse = plan.reuse;
    if (reuse === null) return render(plan, input);
    if (reuse.reply === this.lastReply && reuse.key === this.lastKey) return this.lastRendered as T;
    let byKey = this.byReply.get(reuse.reply);
    if (!byKey) this.byReply.set(reuse.reply, (byKey = new BoundedCache(KEYS_PER_REPLY)));
    let rendered = byKey.get(reuse.key);
    if (rendered === undefined) byKey.set(reuse.key, (rendered = render(plan, input)));
    this.lastReply = reuse.reply;
    this.lastKey = reuse.key;
    this.lastRendered = rendered;
    return rendered;
  }
}
