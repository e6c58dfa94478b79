/**
 * A resident asks the web chat where their commune police is, its phone, its hours: the demo set's
 * units (sample contact data, said so), "which commune?" when none is named, and 113 with the duty
 * desk for a commune whose police has no contact data here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { ensureDemoSetup } from "../../src/routing/ensure-demo-setup.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  expect(await ensureDemoSetup(svc.ctx)).not.toBeNull();
  // Trà Bồng's police is turned off: the commune is known, its police has no contact data here.
  await svc.ctx.db.policeUnit.update({ where: { id: "DEMO-CAX-TRABONG" }, data: { disabledAt: new Date() } });
});
afterAll(async () => svc?.close());

const say = (v: WebchatVisitor, body: Record<string, unknown>) => chat(svc, v, body);

/** The bot's messages after the resident's next one, joined. */
async function replyTo(v: WebchatVisitor, body: Record<string, unknown>) {
  const before = (await v.messages()).length;
  await say(v, body);
  const out = (await v.messages()).slice(before).filter((m) => m.direction === "out");
  return { text: out.map((m) => m.text ?? "").join("\n"), last: out.at(-1) };
}

async function visitor(): Promise<WebchatVisitor> {
  const v = new WebchatVisitor(svc.url);
  await v.open();
  await say(v, { button: "lang:vi" });
  return v;
}

describe("finding your police in the web chat", () => {
  it("answers 'cong an xa ba to o dau' typed at the menu with the Ba Tơ unit's address, phone and hours, marked as sample data", async () => {
    const v = await visitor();
    const { text, last } = await replyTo(v, { text: "cong an xa ba to o dau" });
    expect(text).toContain("Công an xã Ba Tơ (dữ liệu mẫu)");
    expect(text).not.toContain("[DEMO]");
    expect(text).toContain("Địa chỉ: Trụ sở Công an xã Ba Tơ (địa chỉ mẫu)");
    expect(text).toContain("Điện thoại trực ban: 0000 000 001");
    expect(text).toContain("Giờ làm việc: Thứ Hai đến thứ Sáu");
    expect(text).toContain("gọi ngay 113");
    expect(last?.text).toContain("Câu trả lời có giúp bạn không?");
  });

  it("answers 'sdt cong an son ha' asked in Hỏi đáp with the Sơn Hà unit, not the knowledge base's general answer", async () => {
    const v = await visitor();
    await say(v, { button: "menu:question" });
    const { text } = await replyTo(v, { text: "sdt cong an son ha" });
    expect(text).toContain("Công an xã Sơn Hà (dữ liệu mẫu)");
    expect(text).toContain("Điện thoại trực ban: 0000 000 002");
    expect(text).not.toContain("Công an xã Ba Tơ");
  });

  it("asks which commune when none is named, and the next message naming one answers", async () => {
    const v = await visitor();
    let { last } = await replyTo(v, { text: "so dien thoai cong an xa" });
    expect(last?.text).toBe("Bạn hỏi Công an xã, phường nào? Bạn gõ tên xã, phường, ví dụ: Ba Tơ.");
    expect(last?.buttons?.flat().map((b) => b.label)).toEqual(["Về menu"]);
    ({ last } = await replyTo(v, { text: "xyz abc" }));
    expect(last?.text).toContain("Chưa tìm thấy xã, phường “xyz abc”");
    const answer = await replyTo(v, { text: "cẩm thành" });
    expect(answer.text).toContain("Công an phường Cẩm Thành (dữ liệu mẫu)");
    expect(answer.text).toContain("Điện thoại trực ban: 0000 000 004");
    expect(answer.last?.text).toContain("Câu trả lời có giúp bạn không?");
  });

  it("says so, and gives 113 and the duty desk, for a commune whose police has no contact data here", async () => {
    const v = await visitor();
    const { text } = await replyTo(v, { text: "dia chi cong an xa tra bong" });
    expect(text).toContain("Chưa có địa chỉ, số điện thoại của Công an xã Trà Bồng ở đây.");
    expect(text).toContain("gọi ngay 113");
    expect(text).toContain("Việc không gấp, bạn liên hệ Trực ban Công an tỉnh Quảng Ngãi:");
    expect(text).toContain("Điện thoại trực ban: 0000 000 000");
    expect(text).toContain("Ủy ban nhân dân xã");
  });

  it("still answers the emergency-number question with 113 when no commune is meant", async () => {
    const v = await visitor();
    const { text } = await replyTo(v, { text: "số điện thoại công an là bao nhiêu" });
    expect(text).toContain("113");
    expect(text).not.toContain("Bạn hỏi Công an xã, phường nào?");
  });
});
