import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "@": fileURLToPath(new URL(".", import.meta.url)) };
const ignore = ["node_modules/**", ".next/**", ".data/**", "e2e/**"];

// Three tiers (see docs/testing.md): pure units, integration against real
// PostgreSQL/Redis/Mosquitto, and data-plane tests that need root and the kernel's eBPF.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...ignore, "**/*.int.test.ts", "**/*.bpf.test.ts"],
          // A hang detector only: CPU-bound units (a 1,000-backend Maglev rebuild) take
          // several times their idle time on CI's 2 shared cores; 5 s failed them there.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: ignore,
          globalSetup: ["./testkit/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "bpf",
          include: ["**/*.bpf.test.ts"],
          exclude: ignore,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
