/**
 * Campaign tests: subscribers stored the way the subscribe flow stores them, officers who write and
 * approve through the console API, and waiting for what the fake platforms received.
 */
import { addOfficer, postJson, signIn, type SignedIn } from "../console/support.ts";
import type { TestContext } from "../support/context.ts";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startTestService, type TestService } from "../support/service.ts";
import { zaloServiceEnv, type FakeZaloApi } from "../fakes/zalo-api.ts";
import type { AppContext } from "../../src/context.ts";
import type { AudioClip } from "../../src/db/generated/sqlite/client.ts";
import { storeClip } from "../../src/audio/store-clip.ts";
import { makeRecording } from "../support/recordings.ts";

export interface SubscriberSpec {
  channel?: "telegram" | "zalo" | "webchat";
  language?: string | null;
  topics?: string[];
  communeCode?: string | null;
  /** When the resident last wrote (Zalo's window); default now. */
  lastInboundAt?: Date | null;
}

let batch = 0;

/** `n` subscribed residents; answers their chat ids in creation order (the order deliveries are made in). */
export async function addSubscribers(svc: TestService, n: number, spec: SubscriberSpec = {}): Promise<{ contactId: string; chatId: string }[]> {
  const { db, vault } = svc.ctx;
  const channel = spec.channel ?? "telegram";
  const b = ++batch;
  const people = Array.from({ length: n }, (_, i) => {
    const chatId =
      channel === "telegram" ? String(8_000_000_000 + b * 100_000 + i) : channel === "zalo" ? `2512523${String(b).padStart(3, "0")}${String(i).padStart(6, "0")}` : `${channel}-${b}-${i}`;
    // Ids sort like creation order, so deliveries (made in contact id order) follow it.
    const contactId = `c${String(b).padStart(3, "0")}-${String(i).padStart(6, "0")}-${channel}`;
    return { contactId, chatId };
  });
  const now = new Date();
  for (let i = 0; i < people.length; i += 500) {
    const slice = people.slice(i, i + 500);
    await db.contact.createMany({
      data: slice.map((p) => ({
        id: p.contactId,
        channel,
        platformIdHash: vault.hash(`contact:${channel}:${p.chatId}`),
        platformIdEnc: vault.encrypt(p.chatId),
        language: spec.language === undefined ? "vi" : spec.language,
        lastInboundAt: spec.lastInboundAt === undefined ? now : spec.lastInboundAt,
      })),
    });
    await db.subscription.createMany({
      data: slice.map((p) => ({ contactId: p.contactId, topics: (spec.topics ?? ["scam"]).join(","), communeCode: spec.communeCode ?? null, source: "menu", consentedAt: now })),
    });
  }
  return people;
}

export interface Editors {
  editor: SignedIn;
  lead: SignedIn;
}

let officers = 0;
export async function addEditors(svc: TestService): Promise<Editors> {
  const n = ++officers;
  await addOfficer(svc.ctx as TestContext, `bien.tap.${n}`, "outreach");
  await addOfficer(svc.ctx as TestContext, `truong.nhom.${n}`, "outreach_lead");
  return { editor: await signIn(svc.url, `bien.tap.${n}`), lead: await signIn(svc.url, `truong.nhom.${n}`) };
}

/**
 * A service talking to the fake Zalo OA, with an editor and a lead signed in: the hooks are registered in the
 * calling describe, and `ready` gets the service and editors once it runs.
 */
export function zaloCampaignDesk(fake: FakeZaloApi, ready: (desk: { svc: TestService; who: Editors }) => void, env: Record<string, string> = {}): void {
  let svc: TestService | undefined;
  beforeAll(async () => {
    const { url } = await fake.start();
    svc = await startTestService({ ...zaloServiceEnv(fake, url), ...env });
    ready({ svc, who: await addEditors(svc) });
  });
  afterAll(async () => {
    await svc?.close();
    await fake.close();
  });
  afterEach(() => fake.assertAllValid());
}

export const headers = (who: SignedIn) => ({ ...who.cookie, "x-csrf-token": who.csrfToken });

export async function api<T = Record<string, unknown>>(svc: TestService, who: SignedIn, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res =
    method === "POST" && body !== undefined
      ? await postJson(svc.url, `/api${path}`, body, headers(who))
      : await fetch(`${svc.url}/api${path}`, { method, headers: { ...headers(who), ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

export interface CampaignView {
  id: string;
  status: string;
  statusLabel: string;
  counts: { total: number; queued: number; sending: number; sent: number; failed: number; skipped: number; held: number; byReason: Record<string, number> };
}

/** Written by the editor, submitted, approved by the lead: sending starts at once (or at `scheduledAt`). */
export async function launch(svc: TestService, who: Editors, input: Record<string, unknown>): Promise<CampaignView> {
  const created = await api<CampaignView>(svc, who.editor, "POST", "/campaigns", {
    title: "Cảnh báo cuộc gọi giả danh công an",
    topic: "scam",
    variants: { vi: { text: "Công an không bao giờ gọi điện yêu cầu chuyển tiền. Gặp cuộc gọi như vậy, hãy báo ngay." } },
    ...input,
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const submitted = await api(svc, who.editor, "POST", `/campaigns/${created.body.id}/submit`);
  if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await api<CampaignView>(svc, who.lead, "POST", `/campaigns/${created.body.id}/approve`);
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body;
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the campaign has nothing left to send. */
export function finished(svc: TestService, who: SignedIn, id: string, timeoutMs = 60_000): Promise<CampaignView> {
  return waitFor(
    `campaign ${id} to finish`,
    async () => {
      const { body } = await api<CampaignView>(svc, who, "GET", `/campaigns/${id}`);
      return body.status === "done" || (body.counts.queued === 0 && body.counts.sending === 0 && body.counts.total > 0 && body.status !== "sending") ? body : undefined;
    },
    timeoutMs,
  );
}

/**
 * A recording of a campaign in Hre or Co, stored for real (ffmpeg converts a generated tone, as the workbench does)
 * and attached to the campaign's workbench entry, reviewed by a second speaker or still a draft. The workbench's own
 * routes are exercised in campaign-audio.test.ts; this is for tests about what a channel does with the clip.
 */
export async function recordCampaign(
  ctx: Pick<AppContext, "db" | "config" | "log">,
  campaignId: string,
  lang: "hre" | "cua",
  options: { state?: "reviewed" | "draft"; seconds?: number; text?: string | null } = {},
): Promise<AudioClip> {
  const { clip } = await storeClip(ctx, { id: "translator-test" }, makeRecording("webm", options.seconds ?? 3, lang === "hre" ? 440 : 523), "audio/webm");
  const state = options.state ?? "reviewed";
  const reviewed = state === "reviewed" ? { reviewedBy: "reviewer-test", reviewedAt: new Date() } : { reviewedBy: null, reviewedAt: null };
  const key = `campaign:${campaignId}`;
  const fields = { source: "(campaign text)", text: options.text ?? null, state, clipId: clip.id, draftedBy: "translator-test", ...reviewed };
  await ctx.db.translation.upsert({ where: { lang_key: { lang, key } }, create: { lang, key, ...fields }, update: { ...fields, version: { increment: 1 } } });
  return clip;
}
