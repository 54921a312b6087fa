// A pipeline state built in a test from the parts createServer wires (fixtures, models, rate limits,
// seeded ids, a fixed clock), so the pure stages run without a socket.
import { createIdSource } from "../../src/core/ids.js";
import { TokenCache } from "../../src/core/plan.js";
import { NO_DELAY } from "../../src/core/timing.js";
import { FixtureSet, type FixtureEntry } from "../../src/fixtures/index.js";
import type { PipelineState } from "../../src/pipeline.js";
import { ModelRegistry, type ModelConfig } from "../../src/protocols/model-registry.js";
import type { RenderContext } from "../../src/protocols/types.js";
import { createPolicies, type QueuedErrors, type RateLimitConfig } from "../../src/policies/index.js";

export interface TestStateOptions {
  fixtures?: readonly FixtureEntry[];
  /** The served models; without them any model is accepted. */
  models?: readonly (string | ModelConfig)[];
  rateLimit?: RateLimitConfig;
  chunkSize?: number;
}

/** 2023-11-14T22:13:20Z: a fixed clock, so `created` fields are known. */
export const TEST_NOW = 1_700_000_000_000;

/** A pipeline state, with the queue its `nextError` would fill. */
export type TestState = PipelineState & { queued: QueuedErrors };

export function testState(options: TestStateOptions = {}): TestState {
  const fixtures = new FixtureSet();
  fixtures.add(options.fixtures ?? []);
  const clock = { now: () => TEST_NOW };
  const policies = createPolicies({
    keys: { configured: new Set(), fromFixtures: fixtures.apiKeys },
    rateLimit: options.rateLimit,
    now: clock.now,
  });
  return {
    fixtures,
    models: new ModelRegistry(options.models ?? [], fixtures),
    policies: policies.list,
    queued: policies.queued,
    ids: createIdSource(7),
    clock,
    tokens: new TokenCache(),
    chunkSize: options.chunkSize ?? 0,
    timing: NO_DELAY,
  };
}

/** What a surface renders with: the state's ids and clock. */
export const renderContext = (state: PipelineState): RenderContext => ({ ids: state.ids, clock: state.clock });
