import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficer, insertTip, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

let api: ApiHarness;
let officer: SignedIn;
let officerId: string;

beforeAll(async () => {
  api = await startApi();
  officerId = (await addOfficer(api.ctx, "dieu.tra", "officer", { unitId: "CAX-BATO" })).id;
  officer = await signIn(api.base, "dieu.tra");
});
afterAll(async () => {
  await api?.close();
});

async function storeFile(storageKey: string, bytes: Buffer) {
  const file = path.join(api.ctx.config.mediaDir, storageKey);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

async function addAttachment(tipId: string, a: { kind: string; mime: string; name?: string; storageKey?: string | null; status?: string; bytes?: Buffer }) {
  const bytes = a.bytes ?? Buffer.from("noi dung tep");
  const storageKey = a.storageKey === undefined ? `${tipId}/${Math.random().toString(36).slice(2)}` : a.storageKey;
  if (storageKey && a.status !== "rejected") await storeFile(storageKey, bytes);
  return api.ctx.db.attachment.create({
    data: {
      tipId,
      sourceKey: `test:${Math.random()}`,
      kind: a.kind,
      mime: a.mime,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      storageKey,
      originalName: a.name ?? null,
      status: a.status ?? "stored",
      rejectReason: a.status === "rejected" ? "too_large" : null,
    },
  });
}

function getTip(id: string, session = officer) {
  return fetch(`${api.base}/api/tips/${id}`, { headers: session.cookie });
}

describe("one tip's file", () => {
  it("shows every fact, the evidence, the thread and the timeline", async () => {
    const tip = await insertTip(api.ctx, {
      unitId: "CAX-BATO",
      description: "Nhóm thanh niên đang đánh nhau bằng dao trước cổng trường",
      category: "violence",
      urgent: true,
      urgentReason: "dao",
      placeText: "Trường THCS Ba Tơ",
      communeCode: "21394",
    });
    await api.ctx.db.tip.update({
      where: { id: tip.id },
      data: { latitude: 14.77, longitude: 108.72, adminDataVersion: "2025-07", occurredText: "vừa xong" },
    });
    const photo = await addAttachment(tip.id, { kind: "photo", mime: "image/jpeg", name: "ảnh.jpg" });
    const rejected = await addAttachment(tip.id, { kind: "video", mime: "video/mp4", status: "rejected", storageKey: null });
    await api.ctx.db.tipMessage.create({ data: { tipId: tip.id, direction: "in", body: "Có 5 người" } });
    await api.ctx.db.tipEvent.create({ data: { tipId: tip.id, type: "created", actor: "reporter", data: JSON.stringify({ channel: "telegram" }) } });

    const res = await getTip(tip.id);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: tip.id,
      reference: tip.reference,
      category: "violence",
      description: "Nhóm thanh niên đang đánh nhau bằng dao trước cổng trường",
      status: "new",
      urgent: true,
      urgentReason: "dao",
      language: "vi",
      channel: "telegram",
      occurredFrom: null,
      occurredTo: null,
      occurredLabel: null,
      occurredText: "vừa xong",
      location: { latitude: 14.77, longitude: 108.72, communeCode: "21394", placeText: "Trường THCS Ba Tơ", adminDataVersion: "2025-07" },
      deadlines: { ackDueAt: tip.ackDueAt.toISOString(), settleDueAt: tip.settleDueAt.toISOString() },
      reporter: { anonymous: true },
      messages: [{ direction: "in", body: "Có 5 người", createdAt: expect.any(String) }],
      events: [{ type: "created", actor: "reporter", data: { channel: "telegram" }, createdAt: expect.any(String) }],
    });
    expect(body.attachments).toEqual([
      {
        id: photo.id,
        kind: "photo",
        mime: "image/jpeg",
        size: photo.size,
        sha256: photo.sha256,
        originalName: "ảnh.jpg",
        downloadName: `bang-chung-${photo.sha256!.slice(0, 8)}.jpg`,
        status: "stored",
        rejectReason: null,
        url: `/api/tips/${tip.id}/attachments/${photo.id}`,
      },
      expect.objectContaining({ id: rejected.id, status: "rejected", rejectReason: "too_large", url: null }),
    ]);
  });

  it("shows when it happened as the range the resident confirmed, beside their words", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Trộm xe máy ở chợ" });
    await api.ctx.db.tip.update({
      where: { id: tip.id },
      data: { occurredText: "toi qua khoang 8 gio", occurredFrom: new Date("2026-12-01T19:30:00+07:00"), occurredTo: new Date("2026-12-01T20:30:00+07:00") },
    });
    const body = await (await getTip(tip.id)).json();
    expect(body).toMatchObject({
      occurredFrom: "2026-12-01T12:30:00.000Z",
      occurredTo: "2026-12-01T13:30:00.000Z",
      occurredLabel: "khoảng 19:30–20:30 ngày 01/12/2026",
      occurredText: "toi qua khoang 8 gio",
    });
    expect(body).not.toHaveProperty("occurredAt");
  });

  it("shows a tip filed before ranges with its button's range, not the clock time once invented for it", async () => {
    const filed = new Date("2026-11-20T09:41:00+07:00");
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Đánh bạc", createdAt: filed });
    // What the report flow used to store for "Hôm qua": exactly 24 hours before filing.
    const invented = new Date(filed.getTime() - 24 * 3600_000);
    await api.ctx.db.tip.update({ where: { id: tip.id }, data: { occurredText: "yesterday", occurredAt: invented } });
    const res = await getTip(tip.id);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      occurredFrom: "2026-11-18T17:00:00.000Z",
      occurredTo: "2026-11-19T17:00:00.000Z",
      occurredLabel: "cả ngày 19/11/2026",
      occurredText: "yesterday",
    });
    expect(text).not.toContain(invented.toISOString());
    expect(text).not.toContain("09:41");
  });

  it("never reveals who a named reporter is", async () => {
    const name = "Nguyễn Thị Hoa";
    const phone = "0905123456";
    const contact = await api.ctx.db.contact.create({
      data: {
        channel: "telegram",
        platformIdHash: api.ctx.vault.hash("777001"),
        platformIdEnc: api.ctx.vault.encrypt("777001"),
        displayNameEnc: api.ctx.vault.encrypt(name),
        phoneEnc: api.ctx.vault.encrypt(phone),
      },
    });
    const tip = await insertTip(api.ctx, {
      unitId: "CAX-BATO",
      description: "Bán ma túy ở bến xe",
      anonymous: false,
      reporterName: name,
      reporterPhone: phone,
      contactId: contact.id,
    });
    const res = await getTip(tip.id);
    const text = await res.text();
    expect(res.status).toBe(200);
    // The file only says a name exists and that this officer may open it (an explicit, audited POST).
    expect(JSON.parse(text).reporter).toEqual({ anonymous: false, identityAvailable: true, identityFiles: [] });
    for (const secret of [name, phone, "777001", contact.id, tip.reporterNameEnc!, tip.reporterPhoneEnc!, tip.secretHash, tip.sourceKey]) {
      expect(text).not.toContain(secret);
    }
    expect(api.ctx.logs()).not.toContain(name);
  });

  it("records every read in the audit log", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Cờ bạc" });
    await getTip(tip.id);
    await getTip(tip.id);
    const reads = await api.ctx.db.auditLog.findMany({ where: { action: "tip.read", targetType: "tip", targetId: tip.id } });
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({ officerId, ip: expect.any(String) });
  });

  it("answers an unknown tip with 404 in the one error shape", async () => {
    const res = await getTip("00000000-0000-4000-8000-000000000000");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "Không tìm thấy tin báo." } });
  });

  it("is closed to outreach editors", async () => {
    await addOfficer(api.ctx, "bien.tap", "outreach");
    const outreach = await signIn(api.base, "bien.tap");
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Trộm chó" });
    const res = await getTip(tip.id, outreach);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(await api.ctx.db.auditLog.count({ where: { action: "tip.read", targetId: tip.id } })).toBe(0);
  });
});

describe("evidence downloads", () => {
  it("streams a photo inline with its type, a name from its real type (not the resident's) and nosniff, and audits it", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Ảnh hiện trường" });
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const photo = await addAttachment(tip.id, { kind: "photo", mime: "image/jpeg", name: "hiện trường.jpg", bytes });
    const res = await fetch(`${api.base}/api/tips/${tip.id}/attachments/${photo.id}`, { headers: officer.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const name = `bang-chung-${photo.sha256!.slice(0, 8)}.jpg`;
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${name}"; filename*=UTF-8''${name}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    const audit = await api.ctx.db.auditLog.findFirst({ where: { action: "attachment.read", targetId: photo.id } });
    expect(audit).toMatchObject({ officerId, targetType: "attachment" });
    expect(JSON.parse(audit!.data)).toEqual({ tipId: tip.id });
  });

  it("makes documents and SVG pictures download instead of opening in the browser", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Tài liệu" });
    for (const mime of ["application/pdf", "image/svg+xml", "text/html"]) {
      const a = await addAttachment(tip.id, { kind: "document", mime });
      const res = await fetch(`${api.base}/api/tips/${tip.id}/attachments/${a.id}`, { headers: officer.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(mime);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    }
  });

  it("supports range requests so video can be scrubbed", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Video" });
    const a = await addAttachment(tip.id, { kind: "video", mime: "video/mp4", bytes: Buffer.from("0123456789") });
    const res = await fetch(`${api.base}/api/tips/${tip.id}/attachments/${a.id}`, { headers: { ...officer.cookie, range: "bytes=2-5" } });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe("2345");
  });

  it("answers 404 for another tip's attachment, a rejected one, a missing file or a path outside the media folder", async () => {
    const tip = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Một" });
    const other = await insertTip(api.ctx, { unitId: "CAX-BATO", description: "Hai" });
    const elsewhere = await addAttachment(other.id, { kind: "photo", mime: "image/png" });
    const rejected = await addAttachment(tip.id, { kind: "video", mime: "video/mp4", status: "rejected", storageKey: null });
    const missing = await api.ctx.db.attachment.create({
      data: { tipId: tip.id, sourceKey: "t:missing", kind: "photo", mime: "image/png", storageKey: "khong/co.png", status: "stored" },
    });
    writeFileSync(path.join(api.ctx.dir, "bi-mat.txt"), "bí mật");
    const escape = await api.ctx.db.attachment.create({
      data: { tipId: tip.id, sourceKey: "t:escape", kind: "document", mime: "text/plain", storageKey: "../bi-mat.txt", status: "stored" },
    });
    for (const id of [elsewhere.id, rejected.id, missing.id, escape.id, "khong-ton-tai"]) {
      const res = await fetch(`${api.base}/api/tips/${tip.id}/attachments/${id}`, { headers: officer.cookie });
      expect(res.status, id).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    }
  });
});
