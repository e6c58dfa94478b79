import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let duty: SignedIn;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  api = await startApi();
  await addOfficer(api.ctx, "truc.ban", "duty");
  duty = await signIn(api.base, "truc.ban");
  await insertTip(api.ctx, { description: "Có người bán ma túy ở quán nước đầu cầu", category: "drugs", createdAt: minutesAgo(50), placeText: "Cầu Trà Khúc" });
  await insertTip(api.ctx, { description: "Đánh bạc ăn tiền mỗi tối", category: "gambling", createdAt: minutesAgo(40), channel: "zalo", placeText: "Thôn 3, xã Ba Tơ" });
  await insertTip(api.ctx, { description: "Trộm xe máy trước chợ", category: "theft", createdAt: minutesAgo(30), placeText: "Đường Quang Trung", status: "verifying" });
  await insertTip(api.ctx, { description: "Hai nhóm đang đánh nhau bằng dao", category: "violence", createdAt: minutesAgo(60), urgent: true, urgentReason: "dao, đang" });
  await insertTip(api.ctx, { description: "Lừa đảo qua điện thoại giả công an", category: "fraud", createdAt: minutesAgo(10), channel: "webchat" });
});
afterAll(async () => {
  await api?.close();
});

async function listTips(query = ""): Promise<{ items: Array<Record<string, unknown>>; nextCursor: string | null }> {
  const res = await fetch(`${api.base}/api/tips${query}`, { headers: duty.cookie });
  expect(res.status).toBe(200);
  return res.json();
}

describe("the tip queue", () => {
  it("shows urgent tips first, then the nearest deadline (a new tip's 24 hours before a received tip's 20 days)", async () => {
    const { items, nextCursor } = await listTips();
    expect(items.map((t) => t.category)).toEqual(["violence", "drugs", "gambling", "fraud", "theft"]);
    expect(nextCursor).toBeNull();
  });

  it("gives each tip its queue facts, a short excerpt and the number of attachments", async () => {
    const long = await insertTip(api.ctx, { description: "x".repeat(300), category: "long_text", createdAt: minutesAgo(500) });
    await api.ctx.db.attachment.create({ data: { tipId: long.id, sourceKey: `t:${long.id}`, kind: "photo", status: "stored" } });
    const { items } = await listTips("?category=long_text");
    expect(items).toEqual([
      {
        id: long.id,
        reference: long.reference,
        category: "long_text",
        status: "new",
        urgent: false,
        channel: "telegram",
        language: "vi",
        createdAt: long.createdAt.toISOString(),
        ackDueAt: long.ackDueAt.toISOString(),
        settleDueAt: long.settleDueAt.toISOString(),
        dueAt: long.ackDueAt.toISOString(),
        overdue: null,
        communeCode: null,
        communeName: null,
        placeText: null,
        unitId: null,
        unitName: null,
        routeRule: null,
        needsConfirmation: false,
        assignedOfficerId: null,
        assignedOfficerName: null,
        excerpt: "x".repeat(140),
        attachments: 1,
        version: 0,
        reporterActivityAt: null,
      },
    ]);
  });

  it("filters by status, category, channel and urgency", async () => {
    expect((await listTips("?status=verifying")).items.map((t) => t.category)).toEqual(["theft"]);
    expect((await listTips("?category=gambling")).items.map((t) => t.channel)).toEqual(["zalo"]);
    expect((await listTips("?channel=webchat")).items.map((t) => t.category)).toEqual(["fraud"]);
    expect((await listTips("?urgent=true")).items.map((t) => t.category)).toEqual(["violence"]);
    expect((await listTips("?urgent=false")).items.every((t) => t.urgent === false)).toBe(true);
  });

  it('finds "ma túy" when the officer types "ma tuy" without diacritics', async () => {
    const { items } = await listTips(`?q=${encodeURIComponent("ma tuy")}`);
    expect(items.map((t) => t.category)).toEqual(["drugs"]);
  });

  it('finds a place written "Đường Quang Trung" when searching "duong"', async () => {
    const { items } = await listTips("?q=duong");
    expect(items.map((t) => t.category)).toEqual(["theft"]);
  });

  it("matches every searched word across description and place", async () => {
    expect((await listTips(`?q=${encodeURIComponent("danh bac ba to")}`)).items.map((t) => t.category)).toEqual(["gambling"]);
    expect((await listTips(`?q=${encodeURIComponent("danh bac quang trung")}`)).items).toEqual([]);
  });

  it("searches closed tips too when asked for every status, and a code of an existing tip finds that tip alone", async () => {
    const closed = await insertTip(api.ctx, { description: "Vụ khai thác vàng trái phép đã xử lý", category: "other", status: "closed", createdAt: minutesAgo(2000) });
    const open = await insertTip(api.ctx, { description: "Lại thấy khai thác vàng ở suối", category: "other", createdAt: minutesAgo(20) });
    expect((await listTips(`?q=${encodeURIComponent("khai thac vang")}`)).items.map((t) => t.id)).toEqual([open.id]);
    const all = (await listTips(`?statusGroup=all&q=${encodeURIComponent("khai thác vàng")}`)).items.map((t) => t.id);
    expect(all.sort()).toEqual([closed.id, open.id].sort());
    expect((await listTips(`?statusGroup=all&q=${closed.reference}`)).items.map((t) => t.id)).toEqual([closed.id]);
  });

  it("records who searched for what in the audit log", async () => {
    await listTips(`?q=${encodeURIComponent("Nguyễn Văn Tâm")}`);
    const row = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "tip.search" }, orderBy: { id: "desc" } });
    expect(JSON.parse(row.data)).toEqual({ q: "Nguyễn Văn Tâm", results: 0 });
    expect(row.officerId).toEqual(expect.any(String));
  });

  it("finds a tip by its reference code", async () => {
    const tip = await insertTip(api.ctx, { description: "Khai thác cát trái phép", category: "sand", createdAt: minutesAgo(900) });
    const { items } = await listTips(`?q=${tip.reference.toLowerCase()}`);
    expect(items.map((t) => t.id)).toEqual([tip.id]);
  });

  it("pages through the queue with an opaque cursor, without repeats or gaps", async () => {
    const all = (await listTips()).items.map((t) => t.id);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listTips>> = await listTips(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it("rejects bad query parameters with 400 and the error shape", async () => {
    for (const query of ["?limit=0", "?limit=101", "?urgent=maybe", "?channel=facebook", "?cursor=khong-hop-le"]) {
      const res = await fetch(`${api.base}/api/tips${query}`, { headers: duty.cookie });
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(["error"]);
      expect(body.error).toMatchObject({ code: expect.stringMatching(/^(validation_failed|bad_request)$/), message: expect.any(String) });
    }
  });

  it("is closed to officers who are not signed in", async () => {
    const res = await fetch(`${api.base}/api/tips`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("is closed to outreach editors", async () => {
    await addOfficer(api.ctx, "tuyen.truyen", "outreach");
    const outreach = await signIn(api.base, "tuyen.truyen");
    const res = await fetch(`${api.base}/api/tips`, { headers: outreach.cookie });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "forbidden", message: expect.stringContaining("tin báo") } });
  });

  it("is open to unit officers and viewers", async () => {
    for (const [username, role] of [["can.bo.xa", "officer"], ["lanh.dao", "viewer"]] as const) {
      await addOfficer(api.ctx, username, role, { unitId: "CAX-BATO" });
      const session = await signIn(api.base, username);
      expect((await fetch(`${api.base}/api/tips`, { headers: session.cookie })).status).toBe(200);
    }
  });

  it("is never cached", async () => {
    const res = await fetch(`${api.base}/api/tips`, { headers: duty.cookie });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
