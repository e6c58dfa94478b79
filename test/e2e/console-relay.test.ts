/**
 * The whole loop, service and workers running: a resident files a tip in the web chat, it
 * appears on an open console stream, an officer claims it and writes to the reporter, the
 * reporter reads it in the web chat and answers, and the answer lands in the tip's thread.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadyOfficer } from "../support/officers.ts";
import { chat, payloadOf, startTestService, WebchatVisitor, type TestService } from "../support/service.ts";
import { openSse, type SseClient } from "../support/sse.ts";

let svc: TestService;
const PASSWORD = "mat-khau-du-dai-2024";

beforeAll(async () => {
  svc = await startTestService();
  await svc.ctx.db.policeUnit.create({ data: { id: "CAX-KHAC", name: "Công an xã khác", kind: "commune", provinceCode: "51" } });
  await createReadyOfficer(svc.ctx, { username: "truc.ban", displayName: "Trực ban Hà", role: "duty", password: PASSWORD });
  await createReadyOfficer(svc.ctx, { username: "xa.khac", displayName: "Cán bộ xã khác", role: "officer", unitId: "CAX-KHAC", password: PASSWORD });
});
afterAll(async () => svc?.close());

async function signIn(username: string) {
  const res = await fetch(`${svc.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrfToken };
}

async function fileTip(v: WebchatVisitor, description: string): Promise<string> {
  const say = (body: Record<string, unknown>) => chat(svc, v, body);
  await v.open();
  await say({ text: "xin chào" });
  await say({ button: "lang:vi" });
  await say({ button: "menu:report" });
  let bot = await say({ button: "cat:drugs" });
  bot = await say({ text: description });
  bot = await say({ button: payloadOf(bot, "Bỏ qua") });
  bot = await say({ text: "Quán nước đầu thôn 3" });
  bot = await say({ button: payloadOf(bot, "Hôm qua") });
  bot = await say({ button: payloadOf(bot, "Giữ kín tên") });
  const before = (await v.messages()).length;
  await say({ button: payloadOf(bot, "Gửi tin báo") });
  const receipt = (await v.messages()).slice(before).find((m) => m.text?.includes("Mã tin báo"));
  return receipt!.text!.match(/QN-[A-Z0-9]{5,6}/)![0];
}

describe("the console and the reporter, live", () => {
  let duty: { cookie: string; csrfToken: string };
  let dutyStream: SseClient;
  let otherStream: SseClient;

  beforeAll(async () => {
    duty = await signIn("truc.ban");
    dutyStream = await openSse(`${svc.url}/api/tips/stream`, { cookie: duty.cookie });
    otherStream = await openSse(`${svc.url}/api/tips/stream`, { cookie: (await signIn("xa.khac")).cookie });
  });
  afterAll(() => {
    dutyStream?.close();
    otherStream?.close();
  });

  it("streams server-sent events to a signed-in officer and refuses a stranger", async () => {
    expect(dutyStream.status).toBe(200);
    expect(dutyStream.contentType).toContain("text/event-stream");
    expect((await fetch(`${svc.url}/api/tips/stream`)).status).toBe(401);
  });

  it("shows a new tip at once, relays the officer's question, and brings the reporter's answer back", async () => {
    const v = new WebchatVisitor(svc.url);
    const reference = await fileTip(v, "Có người bán ma túy ở quán nước đầu thôn 3 mỗi tối");
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference } });
    await dutyStream.waitFor((e) => e.event === "tip" && JSON.parse(e.data).id === tip.id && JSON.parse(e.data).kind === "created");

    const headers = { cookie: duty.cookie, "x-csrf-token": duty.csrfToken, "content-type": "application/json" };
    const detail = (await (await fetch(`${svc.url}/api/tips/${tip.id}`, { headers })).json()) as { version: number; replyWindow: { open: boolean } };
    expect(detail.replyWindow.open).toBe(true);
    expect((await fetch(`${svc.url}/api/tips/${tip.id}/claim`, { method: "POST", headers, body: JSON.stringify({ version: detail.version }) })).status).toBe(200);
    const sent = await fetch(`${svc.url}/api/tips/${tip.id}/messages`, { method: "POST", headers, body: JSON.stringify({ body: "Người bán đi xe máy màu gì?" }) });
    expect(sent.status).toBe(200);
    await svc.settle();

    const question = await v.lastBotMessage();
    expect(question?.text).toBe(`Công an gửi bạn về tin báo ${reference}:\nNgười bán đi xe máy màu gì?`);
    expect(question?.buttons?.flat().map((b) => b.label)).toEqual(["Trả lời"]);
    // The resident simply answers (the chat is in the tip's thread now).
    const reply = await chat(svc, v, { text: "Xe Wave màu đỏ, biển số 76" });
    expect(reply?.text).toContain("Đã gửi thêm cho công an");

    const after = (await (await fetch(`${svc.url}/api/tips/${tip.id}`, { headers })).json()) as { messages: { direction: string; body: string; delivery: string | null }[]; events: { type: string }[] };
    expect(after.messages.map((m) => [m.direction, m.body])).toEqual([
      ["out", "Người bán đi xe máy màu gì?"],
      ["in", "Xe Wave màu đỏ, biển số 76"],
    ]);
    expect(after.messages[0]!.delivery).toBe("sent");
    expect(after.events.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "claimed", "officer_message", "reporter_message"]));
    // The reporter's answer reached the open console as a change, and the queue says there is a new reply.
    const changes = dutyStream.events.filter((e) => e.event === "tip" && JSON.parse(e.data).id === tip.id && JSON.parse(e.data).kind === "changed");
    expect(changes.length).toBeGreaterThanOrEqual(3);
    // Each change carries the tip's version then: the claim raised it, the messages did not.
    const claimed = (await svc.ctx.db.tip.findUniqueOrThrow({ where: { id: tip.id } })).version;
    expect(claimed).toBe(detail.version + 1);
    expect(JSON.parse(changes.at(-1)!.data).version).toBe(claimed);
    const queue = (await (await fetch(`${svc.url}/api/tips?q=${encodeURIComponent("xe wave")}`, { headers })).json()) as { items: { id: string; reporterActivityAt: string | null }[] };
    expect(queue.items.map((t) => t.id)).toEqual([tip.id]);
    expect(queue.items[0]!.reporterActivityAt).toEqual(expect.any(String));
    // An officer of another unit saw nothing of it.
    expect(otherStream.events.filter((e) => e.event === "tip")).toEqual([]);
  });

  it("takes the reporter back to the thread when they press “Trả lời” later, from anywhere in the menu", async () => {
    const v = new WebchatVisitor(svc.url);
    const reference = await fileTip(v, "Có đối tượng tàng trữ ma túy trong nhà kho");
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference } });
    const headers = { cookie: duty.cookie, "x-csrf-token": duty.csrfToken, "content-type": "application/json" };
    await fetch(`${svc.url}/api/tips/${tip.id}/messages`, { method: "POST", headers, body: JSON.stringify({ body: "Nhà kho ở đâu?" }) });
    await svc.settle();
    const question = await v.lastBotMessage();
    // The resident wanders off to the menu first…
    await chat(svc, v, { text: "menu" });
    let bot = await chat(svc, v, { button: payloadOf(question, "Trả lời") });
    expect(bot?.text).toContain(`Bạn gõ câu trả lời cho công an về tin báo ${reference}`);
    bot = await chat(svc, v, { text: "Sau chợ, cạnh cây xăng" });
    expect(bot?.text).toContain("Đã gửi thêm cho công an");
    const messages = await svc.ctx.db.tipMessage.findMany({ where: { tipId: tip.id, direction: "in" } });
    expect(messages.map((m) => m.body)).toEqual(["Sau chợ, cạnh cây xăng"]);
  });

  it("ignores a reply button for a tip that is not the resident's", async () => {
    const owner = new WebchatVisitor(svc.url);
    const reference = await fileTip(owner, "Có người bán ma túy gần trường học");
    const tip = await svc.ctx.db.tip.findUniqueOrThrow({ where: { reference } });
    const stranger = new WebchatVisitor(svc.url);
    await stranger.open();
    await chat(svc, stranger, { text: "xin chào" });
    await chat(svc, stranger, { button: "lang:vi" });
    const bot = await chat(svc, stranger, { button: `tipreply:${tip.id}` });
    expect(bot?.text).not.toContain(reference);
    await chat(svc, stranger, { text: "Tôi muốn xem tin này" });
    expect(await svc.ctx.db.tipMessage.count({ where: { tipId: tip.id } })).toBe(0);
  });
});
