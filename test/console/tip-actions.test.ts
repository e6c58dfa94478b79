/**
 * What officers do with a tip, over real HTTP and a real database: claim, assign, the status
 * workflow, merging duplicates, extending deadlines, writing to the reporter, internal notes,
 * opening a named reporter's identity; and stale forms refused with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebchatChannel } from "../../src/channels/webchat/channel.ts";
import { createZaloChannel } from "../../src/channels/zalo/index.ts";
import { addOfficer, insertTip, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let duty: SignedIn;
let lan: SignedIn;
let minh: SignedIn;
let viewer: SignedIn;
let admin: SignedIn;
let lanId: string;
let minhId: string;
let otherUnitOfficerId: string;

beforeAll(async () => {
  api = await startApi();
  api.ctx.channels.set("webchat", createWebchatChannel(api.ctx));
  api.ctx.channels.set(
    "zalo",
    createZaloChannel(
      { appId: "1", appSecret: "s", oaSecretKey: "k", apiBase: "http://127.0.0.1:9", oauthBase: "http://127.0.0.1:9", webhookMaxAgeSeconds: 7200 },
      { db: api.ctx.db, vault: api.ctx.vault, log: api.ctx.log, now: api.ctx.now },
    ),
  );
  await addOfficer(api.ctx, "truc.ban", "duty");
  await addOfficer(api.ctx, "quan.tri", "admin");
  lanId = (await addOfficer(api.ctx, "lan", "officer", { unitId: "CAX-BATO" })).id;
  minhId = (await addOfficer(api.ctx, "minh", "officer", { unitId: "CAX-BATO" })).id;
  otherUnitOfficerId = (await addOfficer(api.ctx, "hung", "officer", { unitId: "CAX-SONHA" })).id;
  await addOfficer(api.ctx, "xem", "viewer", { unitId: "CAX-BATO" });
  duty = await signIn(api.base, "truc.ban");
  admin = await signIn(api.base, "quan.tri");
  lan = await signIn(api.base, "lan");
  minh = await signIn(api.base, "minh");
  viewer = await signIn(api.base, "xem");
});
afterAll(async () => {
  await api?.close();
});

type Detail = Record<string, any>;

async function getTip(who: SignedIn, id: string): Promise<Detail> {
  const res = await fetch(`${api.base}/api/tips/${id}`, { headers: who.cookie });
  expect(res.status).toBe(200);
  return res.json();
}

function act(who: SignedIn, id: string, action: string, body: unknown = {}) {
  return postJson(api.base, `/api/tips/${id}/${action}`, body, { ...who.cookie, "x-csrf-token": who.csrfToken });
}

async function reporterContact(channel: "webchat" | "zalo", platformId: string, lastInboundAt = new Date()) {
  return api.ctx.db.contact.create({
    data: {
      channel,
      platformIdHash: api.ctx.vault.hash(`contact:${channel}:${platformId}`),
      platformIdEnc: api.ctx.vault.encrypt(platformId),
      language: "vi",
      lastInboundAt,
    },
  });
}

async function baTipWithReporter(description = "Có người bán ma túy ở bến xe") {
  const contact = await reporterContact("webchat", `visitor-${Math.random()}`);
  return insertTip(api.ctx, { unitId: "CAX-BATO", description, contactId: contact.id, channel: "webchat" });
}

describe("claiming and assigning", () => {
  it("lets an officer claim a new tip: it becomes received, theirs, and its clock moves to the settlement deadline", async () => {
    const tip = await baTipWithReporter();
    const res = await act(lan, tip.id, "claim", { version: 0 });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as Detail;
    expect(detail).toMatchObject({ status: "received", version: 1, assignedOfficer: { id: lanId, displayName: "Cán bộ lan" }, dueAt: tip.settleDueAt.toISOString() });
    expect(detail.acknowledgedAt).toEqual(expect.any(String));
    expect(detail.events.at(-1)).toMatchObject({ type: "claimed", actor: `officer:${lanId}`, data: { by: "Cán bộ lan", from: "new", to: "received" } });
    expect(detail.allowed.claim).toBe(false);
    const audit = await api.ctx.db.auditLog.findFirst({ where: { action: "tip.claimed", targetId: tip.id } });
    expect(audit).toMatchObject({ officerId: lanId });
    // The queue shows who has it.
    const list = await (await fetch(`${api.base}/api/tips?assignee=me`, { headers: lan.cookie })).json();
    expect(list.items.map((t: Detail) => t.id)).toContain(tip.id);
    expect(list.items.find((t: Detail) => t.id === tip.id)).toMatchObject({ assignedOfficerName: "Cán bộ lan", status: "received" });
  });

  it("assigns a tip to a colleague of the same unit, and refuses one from another unit with a reason to act on", async () => {
    const tip = await baTipWithReporter();
    const refused = await act(duty, tip.id, "assign", { version: 0, officerId: otherUnitOfficerId });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toContain("không thuộc đơn vị đang phụ trách");
    const res = await act(duty, tip.id, "assign", { version: 0, officerId: minhId, reason: "Địa bàn đồng chí Minh" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ assignedOfficer: { id: minhId }, status: "received" });
    const list = await (await fetch(`${api.base}/api/tips?assignee=${minhId}`, { headers: duty.cookie })).json();
    expect(list.items.map((t: Detail) => t.id)).toEqual([tip.id]);
  });

  it("lets a viewer read a tip but not work it", async () => {
    const tip = await baTipWithReporter();
    const detail = await getTip(viewer, tip.id);
    expect(Object.values(detail.allowed).every((v) => v === false)).toBe(true);
    expect(detail.next).toEqual([]);
    const res = await act(viewer, tip.id, "claim", { version: 0 });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain("chỉ được xem");
  });
});

describe("stale forms", () => {
  it("refuses a change made on an old copy of the tip, naming who changed it, and changes nothing", async () => {
    const tip = await baTipWithReporter();
    const seenByMinh = await getTip(minh, tip.id);
    expect((await act(lan, tip.id, "claim", { version: seenByMinh.version })).status).toBe(200);
    const res = await act(minh, tip.id, "status", { version: seenByMinh.version, status: "rejected", reason: "Không đủ căn cứ" });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe("stale");
    expect(body.error.message).toMatch(/Cán bộ lan thay đổi lúc \d{2}:\d{2} \(nhận xử lý\)/);
    expect(body.error.message).toContain("chưa được lưu");
    expect(await getTip(minh, tip.id)).toMatchObject({ status: "received", assignedOfficer: { id: lanId } });
  });

  it("refuses moving a tip to another unit from a stale form too, and a moved tip leaves its officer", async () => {
    const tip = await baTipWithReporter();
    await insertTip(api.ctx, { unitId: "CAX-SONHA", description: "Tin để đơn vị Sơn Hà tồn tại" });
    expect((await act(lan, tip.id, "claim", { version: 0 })).status).toBe(200);
    const stale = await act(duty, tip.id, "route", { unitId: "CAX-SONHA", reason: "Địa bàn Sơn Hà", version: 0 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toContain("Cán bộ lan");
    const moved = await act(duty, tip.id, "route", { unitId: "CAX-SONHA", reason: "Địa bàn Sơn Hà", version: 1 });
    expect(moved.status).toBe(200);
    expect(await getTip(duty, tip.id)).toMatchObject({ assignedOfficer: null, routing: { unitId: "CAX-SONHA" }, version: 2 });
  });

  it("lets exactly one of two officers win when both save the same version at once", async () => {
    const tip = await baTipWithReporter();
    const answers = await Promise.all([act(lan, tip.id, "claim", { version: 0 }), act(minh, tip.id, "claim", { version: 0 })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await api.ctx.db.tipEvent.count({ where: { tipId: tip.id, type: "claimed" } })).toBe(1);
  });
});

describe("the status workflow", () => {
  it("goes new → received → verifying → handled → closed with an outcome, and leaves the open queue", async () => {
    const tip = await baTipWithReporter();
    let v = 0;
    for (const step of [{ status: "received" }, { status: "verifying" }, { status: "handled" }, { status: "closed", outcome: "administrative", reason: "Đã xử phạt hành chính" }]) {
      const res = await act(lan, tip.id, "status", { version: v, ...step });
      expect(res.status, JSON.stringify(step)).toBe(200);
      v = ((await res.json()) as Detail).version;
    }
    const detail = await getTip(lan, tip.id);
    expect(detail).toMatchObject({ status: "closed", outcome: "administrative", overdue: null });
    expect(detail.closedAt).toEqual(expect.any(String));
    expect(detail.events.filter((e: Detail) => e.type === "status_changed").map((e: Detail) => e.data.to)).toEqual(["received", "verifying", "handled", "closed"]);
    expect(detail.next.map((n: Detail) => n.value)).toEqual(["verifying"]);
    const open = await (await fetch(`${api.base}/api/tips?statusGroup=open&q=${tip.reference}`, { headers: lan.cookie })).json();
    expect(open.items).toEqual([]);
    const closed = await (await fetch(`${api.base}/api/tips?statusGroup=closed&q=${tip.reference}`, { headers: lan.cookie })).json();
    expect(closed.items.map((t: Detail) => t.id)).toEqual([tip.id]);
  });

  it("explains a move the workflow does not allow, and what closing, rejecting and reopening need", async () => {
    const tip = await baTipWithReporter();
    const cases: [Record<string, unknown>, string][] = [
      [{ status: "closed", outcome: "prosecuted" }, "Không chuyển được tin báo từ “Mới” sang “Đã kết thúc”"],
      [{ status: "rejected" }, "cần ghi lý do"],
      [{ status: "duplicate" }, "Gộp tin trùng"],
    ];
    for (const [body, message] of cases) {
      const res = await act(lan, tip.id, "status", { version: 0, ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.message).toContain(message);
    }
    let res = await act(lan, tip.id, "status", { version: 0, status: "received" });
    res = await act(lan, tip.id, "status", { version: 1, status: "handled" });
    res = await act(lan, tip.id, "status", { version: 2, status: "closed" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("kết quả giải quyết");
    res = await act(lan, tip.id, "status", { version: 2, status: "rejected", reason: "Tin không có thật" });
    expect(res.status).toBe(400);
    res = await act(lan, tip.id, "status", { version: 2, status: "closed", outcome: "no_violation" });
    expect(res.status).toBe(200);
    res = await act(lan, tip.id, "status", { version: 3, status: "verifying" });
    expect((await res.json()).error.message).toContain("cần ghi lý do");
    res = await act(lan, tip.id, "status", { version: 3, status: "verifying", reason: "Có thêm chứng cứ mới" });
    expect(await res.json()).toMatchObject({ status: "verifying", outcome: null, closedAt: null });
  });

  it("tells the reporter the new status in their chat when the officer shares it", async () => {
    const tip = await baTipWithReporter();
    const res = await act(lan, tip.id, "status", { version: 0, status: "verifying", shareWithReporter: true });
    expect(res.status).toBe(200);
    const row = await api.ctx.db.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { startsWith: `tipstatus:${tip.id}:` } } });
    expect(row.channel).toBe("webchat");
    expect(JSON.parse(api.ctx.vault.decrypt(row.payload)).text).toBe(`Tin báo ${tip.reference} của bạn: Công an đang xác minh.`);
    const contact = await api.ctx.db.contact.findUniqueOrThrow({ where: { id: tip.contactId! } });
    expect(api.ctx.vault.decrypt(row.addressEnc)).toBe(api.ctx.vault.decrypt(contact.platformIdEnc));
    expect((await getTip(lan, tip.id)).events.at(-1).data).toMatchObject({ to: "verifying", shared: true });
  });

  it("says so when the reporter can no longer be reached, and changes nothing", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Tin gửi từ tài khoản đã xóa" });
    const res = await act(lan, tip.id, "status", { version: 0, status: "verifying", shareWithReporter: true });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain("Không còn liên lạc được với người báo tin");
    expect((await getTip(lan, tip.id)).status).toBe("new");
  });
});

describe("duplicates", () => {
  it("suggests the same category in the same commune close in time, and a description that says the same", async () => {
    const at = new Date(Date.now() - 3600_000);
    const original = await insertTip(api.ctx, { unitId: "CAX-BATO", category: "gambling", communeCode: "21484", description: "Sòng bạc ở nhà văn hóa thôn", createdAt: at });
    const samePlace = await insertTip(api.ctx, { unitId: "CAX-BATO", category: "gambling", communeCode: "21484", description: "Tối nào cũng có người tụ tập", createdAt: new Date(at.getTime() + 5 * 3600_000) });
    const sameText = await insertTip(api.ctx, { unitId: "CAX-BATO", category: "other", description: "Có sòng bạc ở nhà văn hóa thôn 3 mỗi tối", createdAt: new Date(at.getTime() + 9 * 3600_000) });
    await insertTip(api.ctx, { unitId: "CAX-SONHA", category: "gambling", communeCode: "21484", description: "Sòng bạc ở nhà văn hóa thôn", createdAt: at });
    const res = await fetch(`${api.base}/api/tips/${original.id}/duplicates`, { headers: lan.cookie });
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items.map((i: Detail) => [i.reference, i.why])).toEqual(
      expect.arrayContaining([
        [samePlace.reference, "same_place_time"],
        [sameText.reference, "similar_text"],
      ]),
    );
    // Only tips the officer can see: the other unit's identical tip is not offered.
    expect(items).toHaveLength(2);
  });

  it("merges a tip into its original by reference: closed as a duplicate, both timelines say so", async () => {
    const original = await baTipWithReporter("Xe tải chở gỗ lậu đi qua cầu lúc nửa đêm");
    const copy = await baTipWithReporter("Lại thấy xe tải chở gỗ lậu đi qua cầu");
    expect((await act(lan, copy.id, "merge", { version: 0, duplicateOf: copy.reference })).status).toBe(400);
    const res = await act(lan, copy.id, "merge", { version: 0, duplicateOf: original.reference.toLowerCase(), reason: "Cùng một xe" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "duplicate", duplicateOf: { id: original.id, reference: original.reference }, allowed: { merge: false } });
    const first = await getTip(lan, original.id);
    expect(first.duplicates).toEqual([{ id: copy.id, reference: copy.reference, status: "duplicate" }]);
    expect(first.events.at(-1)).toMatchObject({ type: "duplicate_added", data: { duplicateReference: copy.reference } });
    const again = await act(lan, original.id, "merge", { version: first.version, duplicateOf: copy.reference });
    expect((await again.json()).error.message).toContain("cũng là tin trùng");
  });

  it("does not merge into a tip the officer cannot see", async () => {
    const mine = await baTipWithReporter();
    const theirs = await insertTip(api.ctx, { unitId: "CAX-SONHA", description: "Tin của đơn vị khác" });
    const res = await act(lan, mine.id, "merge", { version: 0, duplicateOf: theirs.reference });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("trong các tin bạn được xem");
  });
});

describe("deadlines", () => {
  it("extends the settlement deadline with a reason and counts the extension", async () => {
    const tip = await baTipWithReporter();
    const res = await act(lan, tip.id, "deadline", { version: 0, days: 30, reason: "Chờ kết quả giám định" });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as Detail;
    expect(detail.deadlines.settleDueAt).toBe(new Date(tip.settleDueAt.getTime() + 30 * 86_400_000).toISOString());
    expect(detail.settleExtensions).toBe(1);
    expect(detail.events.at(-1)).toMatchObject({ type: "deadline_extended", data: { days: 30, reason: "Chờ kết quả giám định" } });
    expect((await act(lan, tip.id, "deadline", { version: 1, days: 61, reason: "Quá dài" })).status).toBe(400);
    expect((await act(lan, tip.id, "deadline", { version: 1, days: 5, reason: "" })).status).toBe(400);
  });

  it("lists overdue tips, acknowledgement and settlement alike, the longest overdue first", async () => {
    const late = await insertTip(api.ctx, { unitId: "CAX-QUAHAN", description: "Chưa ai xem", createdAt: new Date(Date.now() - 30 * 3600_000) });
    const lateSettle = await insertTip(api.ctx, { unitId: "CAX-QUAHAN", status: "verifying", description: "Xác minh lâu", createdAt: new Date(Date.now() - 21 * 86_400_000) });
    await insertTip(api.ctx, { unitId: "CAX-QUAHAN", description: "Mới đến", createdAt: new Date() });
    const res = await fetch(`${api.base}/api/tips?unitId=CAX-QUAHAN&overdue=true`, { headers: duty.cookie });
    const { items } = await res.json();
    // Settlement was due a day ago, acknowledgement six hours ago.
    expect(items.map((t: Detail) => [t.id, t.overdue])).toEqual([
      [lateSettle.id, "settle"],
      [late.id, "ack"],
    ]);
  });
});

describe("writing to the reporter", () => {
  it("queues the officer's message to the reporter's chat with a reply button, and shows it in the thread", async () => {
    const tip = await baTipWithReporter();
    const res = await act(lan, tip.id, "messages", { body: "Bạn cho biết thêm người bán đi xe gì?" });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as Detail;
    expect(detail.messages.at(-1)).toMatchObject({ direction: "out", body: "Bạn cho biết thêm người bán đi xe gì?", officerName: "Cán bộ lan", delivery: "queued" });
    const row = await api.ctx.db.outboxMessage.findFirstOrThrow({ where: { dedupeKey: `tipmsg:${detail.messages.at(-1).id}` } });
    const payload = JSON.parse(api.ctx.vault.decrypt(row.payload));
    expect(payload.text).toBe(`Công an gửi bạn về tin báo ${tip.reference}:\nBạn cho biết thêm người bán đi xe gì?`);
    expect(payload.buttons).toEqual([[{ label: "Trả lời", payload: `tipreply:${tip.id}` }]]);
    // The reporter's next words go to this tip's thread.
    const conversation = await api.ctx.db.conversation.findUniqueOrThrow({ where: { contactId: tip.contactId! } });
    expect([conversation.flow, conversation.step]).toEqual(["followUp", "open"]);
    // The thread is searchable without diacritics.
    const found = await (await fetch(`${api.base}/api/tips?q=${encodeURIComponent("xe gi")}`, { headers: lan.cookie })).json();
    expect(found.items.map((t: Detail) => t.id)).toContain(tip.id);
  });

  it("shows that Zalo's 7-day window has closed before the officer writes, and refuses to send", async () => {
    const contact = await reporterContact("zalo", "8437", new Date(Date.now() - 8 * 86_400_000));
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Báo qua Zalo", channel: "zalo", contactId: contact.id });
    const detail = await getTip(lan, tip.id);
    expect(detail.replyWindow).toMatchObject({ open: false, message: expect.stringContaining("Zalo không cho gửi nữa") });
    expect(detail.allowed.reply).toBe(false);
    const res = await act(lan, tip.id, "messages", { body: "Xin chào" });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain("Zalo không cho gửi nữa");
    expect(await api.ctx.db.outboxMessage.count({ where: { contactId: contact.id } })).toBe(0);
  });

  it("keeps internal notes out of every message to the reporter", async () => {
    const tip = await baTipWithReporter();
    const res = await act(lan, tip.id, "notes", { body: "Nghi là đối tượng Nguyễn Văn X, cần kín" });
    expect(res.status).toBe(200);
    expect((await res.json()).notes).toEqual([expect.objectContaining({ body: "Nghi là đối tượng Nguyễn Văn X, cần kín", officerName: "Cán bộ lan" })]);
    expect(await api.ctx.db.outboxMessage.count({ where: { contactId: tip.contactId } })).toBe(0);
    expect((await act(lan, tip.id, "notes", { body: "   " })).status).toBe(400);
  });
});

describe("a named reporter's identity", () => {
  it("opens only on an explicit, audited request by a role allowed to see it", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Tôi xin để lại tên", anonymous: false, reporterName: "Đinh Thị Hoa", reporterPhone: "0905123456" });
    expect((await getTip(lan, tip.id)).reporter).toEqual({ anonymous: false, identityAvailable: true, identityFiles: [] });
    const res = await act(lan, tip.id, "identity");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "Đinh Thị Hoa", phone: "0905123456", files: [] });
    expect(await api.ctx.db.auditLog.count({ where: { action: "tip.identity_reveal", targetId: tip.id, officerId: lanId } })).toBe(1);
    expect((await getTip(duty, tip.id)).events.at(-1)).toMatchObject({ type: "identity_revealed", data: { by: "Cán bộ lan" } });
    for (const who of [viewer, admin]) {
      expect((await getTip(who, tip.id)).reporter.identityAvailable).toBe(false);
      expect((await act(who, tip.id, "identity")).status).toBe(403);
    }
    expect(api.ctx.logs()).not.toContain("Đinh Thị Hoa");
  });

  it("never opens an anonymous tip's reporter", async () => {
    const tip = await baTipWithReporter();
    expect((await getTip(duty, tip.id)).reporter).toEqual({ anonymous: true, identityAvailable: false, identityFiles: [] });
    const res = await act(duty, tip.id, "identity");
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain("ẩn danh");
  });
});
