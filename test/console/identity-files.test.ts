/**
 * A name or phone the reporter read aloud (issue 14: Hre and Co speakers answer the report by voice) is part of their
 * identity, not evidence: it is not in the tip's attachments, its count, or the evidence download; the console says it
 * exists; it opens only for an account that may reveal the identity, after the audited reveal, and each opening of the
 * file is audited again (`tip.identity_file`). An anonymous tip never serves one.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSentence } from "../../src/officers/audit-sentences.ts";
import { addOfficer, insertTip, postJson, signIn, startApi, type ApiHarness, type SignedIn } from "./support.ts";

const UNIT = "CAX-DANHTINH";
const SPOKEN = "(trả lời bằng tin nhắn thoại)";
let api: ApiHarness;
let officer: SignedIn;
let officerId: string;
let viewer: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  api = await startApi();
  officerId = (await addOfficer(api.ctx, "thu.ly.dt", "officer", { unitId: UNIT })).id;
  await addOfficer(api.ctx, "chi.xem.dt", "viewer", { unitId: UNIT });
  await addOfficer(api.ctx, "quan.tri.dt", "admin");
  officer = await signIn(api.base, "thu.ly.dt");
  viewer = await signIn(api.base, "chi.xem.dt");
  admin = await signIn(api.base, "quan.tri.dt");
});
afterAll(async () => {
  await api?.close();
});

async function addFile(tipId: string, kind: string, mime: string, bytes: Buffer, identityStep: string | null) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const storageKey = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  const file = path.join(api.ctx.config.mediaDir, storageKey);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return api.ctx.db.attachment.create({
    data: { tipId, sourceKey: `test:${sha256}:${identityStep}`, kind, mime, size: bytes.length, sha256, storageKey, status: "stored", identityStep },
  });
}

/** A named Hre reporter who told the story and read their name and phone aloud. */
async function spokenTip(anonymous = false) {
  const tip = await insertTip(api.ctx, { unitId: UNIT, description: "(tin nhắn thoại)", anonymous, ...(anonymous ? {} : { reporterName: SPOKEN, reporterPhone: SPOKEN }) });
  const story = await addFile(tip.id, "voice", "audio/ogg", Buffer.from(`OggS cau chuyen ${tip.id}`), null);
  const name = await addFile(tip.id, "voice", "audio/ogg", Buffer.from(`OggS ho ten ${tip.id}`), "name");
  const phone = await addFile(tip.id, "voice", "audio/ogg", Buffer.from(`OggS so dien thoai ${tip.id}`), "phone");
  return { tip, story, name, phone };
}

const get = (who: SignedIn, url: string) => fetch(`${api.base}${url}`, { headers: who.cookie });
const audits = (action: string, targetId: string) => api.ctx.db.auditLog.count({ where: { action, targetId } });

describe("a name and phone read aloud", () => {
  it("are not evidence: not in the tip's attachments, not counted in the queue, not served as an attachment, to anyone", async () => {
    const { tip, story, name, phone } = await spokenTip();
    for (const who of [officer, viewer, admin]) {
      const detail = await (await get(who, `/api/tips/${tip.id}`)).json();
      expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([story.id]);
      expect(JSON.stringify(detail)).not.toContain(name.id);
      expect(detail.reporter.identityFiles).toEqual([{ step: "name", kind: "voice" }, { step: "phone", kind: "voice" }]);
      for (const clip of [name, phone]) {
        const res = await get(who, `/api/tips/${tip.id}/attachments/${clip.id}`);
        expect(res.status).toBe(404);
        expect((await res.json()).error.message).toBe("Không tìm thấy tệp đính kèm này.");
      }
    }
    const queue = await (await get(officer, `/api/tips?statusGroup=all&q=${encodeURIComponent(tip.reference)}`)).json();
    expect(queue.items.find((t: { id: string }) => t.id === tip.id)).toMatchObject({ attachments: 1 });
    // The evidence route does not serve the identity file to anyone: no attachment.read was written for it.
    expect(await audits("attachment.read", name.id)).toBe(0);
  });

  it("an account that may not reveal the identity gets neither the file nor the reveal (403), and is told why", async () => {
    const { tip, name } = await spokenTip();
    for (const who of [viewer, admin]) {
      const detail = await (await get(who, `/api/tips/${tip.id}`)).json();
      expect(detail.allowed.reveal).toBe(false);
      const file = await get(who, `/api/tips/${tip.id}/identity/files/${name.id}`);
      expect(file.status).toBe(403);
      expect((await file.json()).error.message).toBe("Tài khoản của bạn không được xem danh tính người báo tin.");
      expect((await postJson(api.base, `/api/tips/${tip.id}/identity`, {}, { ...who.cookie, "x-csrf-token": who.csrfToken })).status).toBe(403);
    }
    expect(await audits("tip.identity_file", name.id)).toBe(0);
    expect(await audits("tip.identity_reveal", tip.id)).toBe(0);
  });

  it("an officer who may reveal hears them after the audited reveal, each opening audited in Vietnamese", async () => {
    const { tip, story, name, phone } = await spokenTip();
    const detail = await (await get(officer, `/api/tips/${tip.id}`)).json();
    expect(detail.allowed.reveal).toBe(true);

    const reveal = await postJson(api.base, `/api/tips/${tip.id}/identity`, {}, { ...officer.cookie, "x-csrf-token": officer.csrfToken });
    expect(reveal.status).toBe(200);
    const identity = await reveal.json();
    expect(identity).toEqual({
      name: SPOKEN,
      phone: SPOKEN,
      files: [
        { id: name.id, step: "name", kind: "voice", mime: "audio/ogg", url: `/api/tips/${tip.id}/identity/files/${name.id}` },
        { id: phone.id, step: "phone", kind: "voice", mime: "audio/ogg", url: `/api/tips/${tip.id}/identity/files/${phone.id}` },
      ],
    });
    expect(await audits("tip.identity_reveal", tip.id)).toBe(1);

    const res = await get(officer, identity.files[0].url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/ogg");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe(`OggS ho ten ${tip.id}`);
    const row = await api.ctx.db.auditLog.findFirstOrThrow({ where: { action: "tip.identity_file", targetId: name.id } });
    expect(row.officerId).toBe(officerId);
    const names = { officers: new Map([[officerId, "Lan"]]), tips: new Map([[tip.id, tip.reference]]), units: new Map(), campaigns: new Map(), faqs: new Map() };
    expect(auditSentence({ ...row, data: JSON.parse(row.data) }, new Date("2026-12-03T02:42:00Z"), names)).toBe(`Cán bộ Lan nghe, xem tệp danh tính người báo tin ${tip.reference} lúc 09:42 ngày 03/12/2026.`);

    // The identity route serves identity files only: the story is evidence, opened by the evidence route.
    expect((await get(officer, `/api/tips/${tip.id}/identity/files/${story.id}`)).status).toBe(404);
  });

  it("an anonymous tip never serves one, even to an account that may reveal identities", async () => {
    // (The report never files one with an anonymous tip: test/conversation/voice-answers.test.ts. This is the last guard.)
    const { tip, name } = await spokenTip(true);
    const detail = await (await get(officer, `/api/tips/${tip.id}`)).json();
    expect(detail.reporter).toMatchObject({ anonymous: true, identityAvailable: false, identityFiles: [] });
    const res = await get(officer, `/api/tips/${tip.id}/identity/files/${name.id}`);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe("Người báo tin chọn ẩn danh: danh tính không được hiển thị.");
  });
});
