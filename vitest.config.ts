import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Each file runs in its own forked process: the embedded ClickHouse engine
    // allows one data path per process.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ["test/helpers/globalSetup.ts"],
    // CI shares two cores with every test process; a test that times out there is tried once
    // more (a real failure fails twice). Locally a failure is reported at once.
    retry: process.env["CI"] ? 1 : 0
  }
})
