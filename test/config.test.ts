import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("runs on embedded defaults with nothing set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, dialect: "sqlite", databaseUrl: "file:./data/tinbao.db", mediaDir: "./data/media" });
    expect(config.telegram).toBeUndefined();
    expect(config.zalo).toBeUndefined();
    expect(config.encryptionKey).toBeUndefined();
  });

  it("treats an empty value in a .env file as not set", () => {
    expect(loadConfig({ PORT: "", PUBLIC_URL: "", TELEGRAM_BOT_TOKEN: " " }).port).toBe(3000);
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ DATABASE_URL: "mysql://localhost/x" }, "DATABASE_URL"],
    [{ DATA_ENCRYPTION_KEY: "too-short" }, "DATA_ENCRYPTION_KEY"],
    [{ DATABASE_URL: "postgresql://127.0.0.1/x" }, "DATA_ENCRYPTION_KEY"],
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, "TELEGRAM_BOT_TOKEN"],
    [{ TELEGRAM_BOT_TOKEN: "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAA", TELEGRAM_MODE: "webhook" }, "PUBLIC_URL"],
    [{ TELEGRAM_MODE: "push" }, "TELEGRAM_MODE"],
  ])("refuses %j naming %s", (env, key) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(key);
  });

  it("polls Telegram unless there is a public https address to receive webhooks", () => {
    const token = { TELEGRAM_BOT_TOKEN: "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    expect(loadConfig(token).telegram?.mode).toBe("polling");
    expect(loadConfig({ ...token, PUBLIC_URL: "https://tinbao.example.vn" }).telegram?.mode).toBe("webhook");
  });

  it("stops npm start with a message naming the bad variable", () => {
    const run = spawnSync("node_modules/.bin/tsx", ["src/main.ts"], { env: { ...process.env, PORT: "abc", CI: "" }, encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain("PORT");
    expect(run.stderr).toContain(".env.example");
  });
});
