// The server's models, as every provider's models list and model check read them: which are served, an
// alias's target, and the order a list shows them in (a provider's catalogue, or the configured models,
// then the fixtures' models).
import { describe, expect, it } from "vitest";
import { FixtureSet } from "../../src/fixtures/index.js";
import { ModelRegistry } from "../../src/protocols/model-registry.js";

function fixturesNaming(...models: string[]): FixtureSet {
  const fixtures = new FixtureSet();
  fixtures.add(models.map((model) => ({ match: { model }, response: { content: model } })));
  return fixtures;
}

describe("ModelRegistry", () => {
  it("without a list serves every model and lists the catalogue, then the fixtures' models it lacks", () => {
    const models = new ModelRegistry([], fixturesNaming("b", "own", "own", "c"));
    expect(models.hasList()).toBe(false);
    expect(models.resolve("anything")).toBe("anything");
    expect(models.listedIds(["a", "b"])).toEqual(["a", "b", "own", "c"]);
  });

  it("without a list keeps only the fixtures' models the provider lists beside its catalogue", () => {
    const models = new ModelRegistry([], fixturesNaming("claude-own", "gpt-4o"));
    expect(models.listedIds(["claude-x"], (id) => id.startsWith("claude"))).toEqual(["claude-x", "claude-own"]);
  });

  it("with a list serves its models (an alias as its target) and the fixtures', and lists them in that order", () => {
    const models = new ModelRegistry(["m1", { id: "alias", aliasOf: "m1", ownedBy: "me" }], fixturesNaming("f", "m1"));
    expect(models.hasList()).toBe(true);
    expect(models.resolve("alias")).toBe("m1");
    expect(models.resolve("f")).toBe("f");
    expect(models.resolve("other")).toBeUndefined();
    expect(models.configuredModel("alias")?.ownedBy).toBe("me");
    // The catalogue and the provider's filter only apply without a list.
    expect(models.listedIds(["catalogued"], () => false)).toEqual(["m1", "alias", "f"]);
  });
});
