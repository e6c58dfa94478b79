import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, payloadOf, startTestService, TINY_PNG as PNG, WebchatVisitor, type TestService } from "../support/service.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

const say = (v: WebchatVisitor, body: Record<string, unknown>) => chat(svc, v, body);

describe("a resident reports a tip through the web chat", () => {
  it("goes from greeting to a receipt code, with a photo kept as evidence, and officers can read the tip", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    let bot = await say(v, { text: "xin chào" });
    expect(bot?.text).toContain("Bạn muốn dùng tiếng nào?");
    expect(bot?.buttons?.flat().map((b) => b.label)).toEqual(["Tiếng Việt", "Tiếng Hrê", "Tiếng Co (Cor)"]);
    bot = await say(v, { button: payloadOf(bot, "Tiếng Việt") });
    expect(bot?.text).toContain("Bạn cần gì?");
    bot = await say(v, { button: payloadOf(bot, "Báo tin") });
    expect(bot?.text).toContain("Bạn muốn báo về việc gì?");
    bot = await say(v, { button: payloadOf(bot, "Ma túy") });
    expect(bot?.text).toContain("Chuyện gì đã xảy ra?");
    bot = await say(v, { text: "Có nhóm thanh niên bán ma túy ở quán nước đầu thôn 3." });
    expect(bot?.text).toContain("ảnh, video");

    const up = await v.upload(new Blob([PNG], { type: "image/png" }), "anh-hien-truong.png");
    expect(up.status).toBe(202);
    await svc.settle();
    bot = await v.lastBotMessage();
    expect(bot?.text).toContain("Đã nhận tệp");
    bot = await say(v, { button: payloadOf(bot, "Xong") });
    expect(bot?.text).toContain("xảy ra ở đâu");
    bot = await say(v, { text: "Quán nước đầu thôn 3, gần trường tiểu học" });
    expect(bot?.text).toContain("khi nào");
    bot = await say(v, { button: payloadOf(bot, "Hôm qua") });
    expect(bot?.text).toContain("giữ kín tên");
    bot = await say(v, { button: payloadOf(bot, "Giữ kín tên") });
    expect(bot?.text).toContain("Bạn xem lại tin báo");
    expect(bot?.text).toContain("Tệp gửi kèm: 1");
    const all = await v.messages();
    await say(v, { button: payloadOf(bot, "Gửi tin báo") });
    const receipt = (await v.messages()).slice(all.length).find((m) => m.text?.includes("Mã tin báo"));
    const reference = receipt?.text?.match(/QN-[A-Z0-9]{5,6}/)?.[0];
    const secret = receipt?.text?.match(/Mã bí mật: (\d{8})/)?.[1];
    expect(reference).toBeTruthy();
    expect(secret).toBeTruthy();
    // The same two codes travel as data, for the page's card; the text stays whole for any other reader.
    expect(receipt?.receipt).toEqual({ reference, secret });

    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference: reference! }, include: { attachments: true } });
    expect(tip).toMatchObject({ category: "drugs", anonymous: true, urgent: false, channel: "webchat", language: "vi", status: "new" });
    expect(tip.descriptionFolded).toContain("ban ma tuy");
    expect(tip.placeText).toContain("thôn 3");
    expect(tip.attachments).toHaveLength(1);
    expect(tip.attachments[0]).toMatchObject({ kind: "photo", mime: "image/png", size: PNG.length, status: "stored" });
    expect(tip.attachments[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(tip.secretHash).not.toContain(secret!);
    // "Hôm qua" is the whole of yesterday in Vietnam, never a clock time made up for it.
    expect(tip.occurredText).toBe("yesterday");
    expect(tip.occurredAt).toBeNull();
    expect(tip.occurredTo!.getTime() - tip.occurredFrom!.getTime()).toBe(24 * 3600_000);
    expect((tip.occurredFrom!.getTime() + 7 * 3600_000) % (24 * 3600_000)).toBe(0);
    expect(tip.occurredTo!.getTime()).toBeLessThanOrEqual(tip.createdAt.getTime());

    const login = await fetch(`${svc.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(await adminCredentials()),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const list = (await (await fetch(`${svc.url}/api/tips?q=ma tuy`, { headers: { cookie } })).json()) as { items: { reference: string }[] };
    expect(list.items.map((i) => i.reference)).toContain(reference);
  });

  it("gives the emergency numbers at once when a tip says a knife fight is happening now, and marks it urgent", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    await say(v, { text: "xin chào" });
    await say(v, { button: "lang:vi" });
    await say(v, { button: "menu:report" });
    await say(v, { button: "cat:violence" });
    await v.send({ text: "Có hai người đang cầm dao đánh nhau trước chợ" });
    await svc.settle();
    const emergency = (await v.messages()).find((m) => m.text?.includes("113"));
    expect(emergency?.text).toContain("114");
    expect(emergency?.text).toContain("115");
    expect(emergency?.phones).toEqual(expect.arrayContaining([expect.objectContaining({ number: "113" })]));
    // "đang" already says when: it is proposed back (one tap), and not asked again.
    for (const step of ["facts:yes", "nav:skip", "nav:skip", "id:anon", "report:send"]) await say(v, { button: step });
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { category: "violence" }, orderBy: { createdAt: "desc" } });
    expect(tip.urgent).toBe(true);
    expect(tip.urgentReason).toContain("dao");
  });

  it("takes a free-text first message as the start of a report, keeps the text and proposes what it says", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    let bot = await say(v, { text: "Nhà tôi vừa bị mất trộm xe máy" });
    expect(bot?.text).toContain("Báo về Trộm, cướp");
    expect(bot?.text).toContain("đúng không?");
    bot = await say(v, { button: "facts:yes" });
    expect(bot?.text).toContain("ảnh, video");
  });

  it("accepts the same message posted twice (a retried request) only once", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    const id = v.nextId();
    for (let i = 0; i < 5; i++) expect((await v.send({ text: "xin chào" }, id)).status).toBe(202);
    await svc.settle();
    const mine = (await v.messages()).filter((m) => m.direction === "in");
    expect(mine).toHaveLength(1);
  });

  it("refuses a file that is not what it claims to be, tells the resident, and the flow continues", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:fraud"]) await say(v, { button: b });
    await say(v, { text: "Có người gọi điện giả danh công an đòi chuyển tiền." });
    const res = await v.upload(new Blob([Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00])], { type: "image/jpeg" }), "anh.jpg");
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain("không mở được");
    const bot = await say(v, { button: "nav:skip" });
    expect(bot?.text).toContain("xảy ra ở đâu");
  });

  it("lets the reporter reopen a tip from another chat with the code and secret, and add to it", async () => {
    const a = new WebchatVisitor(svc.url);
    await a.open();
    for (const b of ["lang:vi", "menu:report", "cat:gambling"]) await say(a, { button: b });
    await say(a, { text: "Có sòng bạc ở nhà văn hóa thôn 5, đông người lắm." });
    for (const b of ["nav:skip", "nav:skip", "when:earlier", "id:anon"]) await say(a, { button: b });
    const before = (await a.messages()).length;
    await say(a, { button: "report:send" });
    const receipt = (await a.messages()).slice(before).find((m) => m.text?.includes("Mã tin báo"))!.text!;
    const reference = receipt.match(/QN-[A-Z0-9]+/)![0];
    const secret = receipt.match(/Mã bí mật: (\d{8})/)![1]!;

    const b = new WebchatVisitor(svc.url);
    await b.open();
    await say(b, { button: "lang:vi" });
    await say(b, { button: "menu:code" });
    await say(b, { text: reference.toLowerCase().replace("-", " ") });
    let bot = await say(b, { text: "00000000" });
    expect(bot?.text).toContain("chưa đúng");
    bot = await say(b, { text: secret });
    expect(bot?.text).toContain(reference);
    expect(bot?.text).toContain("đang chờ xem");
    bot = await say(b, { text: "Tối nay họ lại tụ tập, khoảng 10 người." });
    expect(bot?.text).toContain("Đã gửi thêm");
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference }, include: { messages: true } });
    expect(tip.messages.map((m) => m.body)).toContain("Tối nay họ lại tụ tập, khoảng 10 người.");

    // In the chat it was sent from, "my reports" lists it with its status.
    await say(a, { button: "nav:menu" });
    const list = await say(a, { button: "menu:mine" });
    expect(list?.text).toContain("Các tin bạn đã báo");
    const entry = list?.buttons?.flat().find((x) => x.label.startsWith(reference));
    expect(entry?.label).toBe(`${reference} · Công an đã nhận, đang chờ xem`);
    const opened = await say(a, { button: entry!.payload });
    expect(opened?.text).toContain(`Tin báo ${reference}`);
  });

  it("understands cancel, back and menu words typed without diacritics", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:traffic"]) await say(v, { button: b });
    let bot = await say(v, { text: "quay lai" });
    expect(bot?.text).toContain("Bạn muốn báo về việc gì?");
    bot = await say(v, { text: "dung lai" });
    const recent = (await v.messages()).slice(-2).map((m) => m.text);
    expect(recent[0]).toContain("Đã hủy");
    expect(bot?.text).toContain("Bạn cần gì?");
  });
});

async function adminCredentials() {
  const { createReadyOfficer } = await import("../support/officers.ts");
  const username = `duty${Date.now()}`;
  const created = await createReadyOfficer(svc.ctx, { username, displayName: "Trực ban", role: "duty" });
  return { username, password: created.password };
}

describe("the place of a tip", () => {
  it("recognises a commune typed without diacritics and asks the resident to confirm it", async () => {
    const { importUnits } = await import("../../src/units/import-units.ts");
    // A small fixture of our own in the public list format: real commune names, placeholder codes (not the reference data files).
    const wards = [
      { Code: "22915", FullName: "Xã Ba Tơ" },
      { Code: "22918", FullName: "Xã Ba Vinh" },
      { Code: "21460", FullName: "Xã Sơn Hà" },
    ];
    const list = [{ Code: "51", FullName: "Tỉnh Quảng Ngãi", Wards: wards.map((w) => ({ ...w, ProvinceCode: "51" })) }];
    await importUnits(svc.ctx.db, { bytes: Buffer.from(JSON.stringify(list)), file: "communes.json" });
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const b of ["lang:vi", "menu:report", "cat:forest"]) await say(v, { button: b });
    await say(v, { text: "Có người chặt gỗ trái phép trong rừng phòng hộ." });
    await say(v, { button: "nav:skip" });
    let bot = await say(v, { text: "xa ba to" });
    expect(bot?.text).toBe("Xã Ba Tơ, tỉnh Quảng Ngãi — đúng không?");
    // Typed, not tapped: "đúng" (yes) folds like "dừng" (stop) and must not cancel the report.
    bot = await say(v, { text: "đúng" });
    expect((await v.messages()).at(-2)?.text).toContain("Đã ghi nơi xảy ra: Xã Ba Tơ");
    expect(bot?.text).toContain("khi nào");
    for (const b of ["when:today", "id:anon", "report:send"]) await say(v, { button: b });
    const tip = await svc.ctx.db.tip.findFirstOrThrow({ where: { category: "forest" } });
    expect(tip.communeCode).toBe("22915");
  });
});
