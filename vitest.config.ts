import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own database and servers; two cores, so two workers.
    pool: "forks",
    maxWorkers: 2,
    env: { TZ: "Asia/Ho_Chi_Minh" },
  },
});
