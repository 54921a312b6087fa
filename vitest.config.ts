import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import the package by its public names, resolved to the sources so no build is needed first.
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^understudy-llm\/server$/, replacement: src("server.ts") },
      { find: /^understudy-llm$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
