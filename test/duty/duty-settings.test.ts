/** How duty chats are configured: the environment keys, and a unit's own chat set by an admin. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { addOfficer, signIn, startApi, type ApiHarness, type SignedIn } from "../console/support.ts";
import { importFixtures } from "../units/fixtures.ts";

describe("duty chat configuration", () => {
  it("batches ordinary alerts per minute and sends the digest at 7 unless told otherwise", () => {
    expect(loadConfig({}).duty).toEqual({ alertBatchSeconds: 60, digestHour: 7 });
    expect(loadConfig({ DUTY_ALERT_BATCH_SECONDS: "30", DUTY_DIGEST_HOUR: "0" }).duty).toEqual({ alertBatchSeconds: 30, digestHour: 0 });
  });

  it.each([
    [{ DUTY_ALERT_BATCH_SECONDS: "0" }, "DUTY_ALERT_BATCH_SECONDS"],
    [{ DUTY_ALERT_BATCH_SECONDS: "một phút" }, "DUTY_ALERT_BATCH_SECONDS"],
    [{ DUTY_DIGEST_HOUR: "24" }, "DUTY_DIGEST_HOUR"],
    [{ DUTY_DIGEST_HOUR: "7.5" }, "DUTY_DIGEST_HOUR"],
    [{ TELEGRAM_BOT_TOKEN: "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAA", TELEGRAM_DUTY_CHAT_ID: "nhóm trực ban" }, "TELEGRAM_DUTY_CHAT_ID"],
  ])("refuses %j naming %s", (env, key) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(key);
  });

  it("takes a group id or a @channel as the global duty chat", () => {
    const token = { TELEGRAM_BOT_TOKEN: "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    expect(loadConfig({ ...token, TELEGRAM_DUTY_CHAT_ID: "-1001234567890" }).telegram?.dutyChatId).toBe("-1001234567890");
    expect(loadConfig({ ...token, TELEGRAM_DUTY_CHAT_ID: "@trucban_quangngai" }).telegram?.dutyChatId).toBe("@trucban_quangngai");
  });
});

describe("a unit's own duty chat, set by an admin", () => {
  let api: ApiHarness;
  let admin: SignedIn;
  beforeAll(async () => {
    api = await startApi();
    await importFixtures(api.ctx.db);
    await addOfficer(api.ctx, "quan.tri", "admin");
    admin = await signIn(api.base, "quan.tri");
  });
  afterAll(async () => api?.close());

  const send = (method: "POST" | "PATCH", path: string, body: unknown) =>
    fetch(`${api.base}${path}`, { method, headers: { "content-type": "application/json", ...admin.cookie, "X-CSRF-Token": admin.csrfToken }, body: JSON.stringify(body) });

  it("is kept with the unit, shown in its view, changed and cleared, and audited", async () => {
    const created = await send("POST", "/api/units", { id: "CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", dutyChatId: "-1001234567890" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: "CAX-BATO", dutyChatId: "-1001234567890" });
    const changed = await send("PATCH", "/api/units/CAX-BATO", { dutyChatId: "@trucban_bato" });
    expect(await changed.json()).toMatchObject({ dutyChatId: "@trucban_bato" });
    const audit = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "unit.update", targetId: "CAX-BATO" } });
    expect(JSON.parse(audit.data)).toEqual({ dutyChatId: { from: "-1001234567890", to: "@trucban_bato" } });
    const cleared = await send("PATCH", "/api/units/CAX-BATO", { dutyChatId: null });
    expect(await cleared.json()).toMatchObject({ dutyChatId: null });
    const other = await send("POST", "/api/units", { id: "CAX-BATO2", name: "Công an xã Ba Tô", kind: "commune" });
    expect(await other.json()).toMatchObject({ dutyChatId: null });
  });

  it("refuses a chat that is not a Telegram chat id", async () => {
    for (const dutyChatId of ["nhóm trực ban", "-100abc", "@ab", "https://t.me/trucban"]) {
      const res = await send("PATCH", "/api/units/CAX-BATO", { dutyChatId });
      expect(res.status).toBe(400);
      expect((await res.json()).error.details.map((d: { path: string }) => d.path)).toEqual(["dutyChatId"]);
    }
  });
});
