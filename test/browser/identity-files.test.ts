/**
 * In real Chromium: a Hre reporter read their name and phone aloud (issue 14). The tip's file says so plainly, keeps
 * the clips out of the evidence, and plays them only after "Xem danh tính người báo tin" (confirmed, audited) for an
 * officer who may reveal; an account that may not is told so and gets no player.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { storeStream } from "../../src/media/store.ts";
import { insertTip } from "../console/support.ts";

const BATO = "DEMO-CAX-BATO";
const SPOKEN = "(trả lời bằng tin nhắn thoại)";
const SHOTS = "/tmp/shots-identity";
mkdirSync(SHOTS, { recursive: true });
const NOTE = "Người báo đọc họ tên và số điện thoại bằng tin nhắn thoại — bấm Xem danh tính để nghe.";

/** A one-second OGG/Opus tone (a different pitch per clip). */
function tone(frequency: number): Buffer {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tone-")), "tone.ogg");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=1`, "-c:a", "libopus", file]);
  return readFileSync(file);
}

describe.runIf(browserAvailable)("a name and phone read aloud, in the console", () => {
  let desk: ConsoleDesk;

  beforeAll(async () => {
    desk = await openConsoleDesk([
      ["ca.bato.dt", "officer", BATO],
      ["chi.xem.dt", "viewer", BATO],
    ]);
  });
  afterAll(async () => {
    await desk?.close();
  });

  async function spokenTip() {
    const tip = await insertTip(desk.ctx, { unitId: BATO, description: "(tin nhắn thoại)", anonymous: false, reporterName: SPOKEN, reporterPhone: SPOKEN });
    await desk.ctx.db.tip.update({ where: { id: tip.id }, data: { language: "hre" } });
    const ids: Record<string, string> = {};
    for (const [step, frequency] of [["story", 330], ["name", 440], ["phone", 550]] as const) {
      const clip = await storeStream(desk.ctx.config.mediaDir, Readable.from([tone(frequency)]), 1_000_000);
      const row = await desk.ctx.db.attachment.create({
        data: {
          tipId: tip.id,
          sourceKey: `test:${randomBytes(6).toString("hex")}`,
          kind: "voice",
          mime: "audio/ogg",
          size: clip.size,
          sha256: clip.sha256,
          storageKey: clip.storageKey,
          status: "stored",
          identityStep: step === "story" ? null : step,
        },
      });
      ids[step] = row.id;
    }
    const voiceAnswers = [{ step: "description", attachmentId: ids.story }, { step: "name", attachmentId: ids.name }, { step: "phone", attachmentId: ids.phone }];
    await desk.ctx.db.tipEvent.create({ data: { tipId: tip.id, type: "created", actor: "resident", data: JSON.stringify({ channel: "telegram", voiceAnswers }) } });
    return { tip, ids };
  }

  it("says plainly that the name and phone are in voice messages, and plays them only after the audited reveal", async () => {
    const { tip, ids } = await spokenTip();

    // A read-only account: told the clips exist and that it may not hear them; no player, no link, one piece of evidence.
    const viewer = await desk.signIn("chi.xem.dt", `/console/tips/${tip.id}`);
    await viewer.getByRole("heading", { name: new RegExp(tip.reference) }).waitFor();
    await viewer.getByText("Người báo đọc họ tên và số điện thoại bằng tin nhắn thoại. Tài khoản của bạn không được nghe.").waitFor();
    expect(await viewer.getByRole("heading", { name: "Chứng cứ, tệp đính kèm (1)" }).count()).toBe(1);
    expect(await viewer.locator(`[src*="${ids.name}"], [href*="${ids.name}"], [src*="${ids.phone}"], [href*="${ids.phone}"]`).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: "Xem danh tính người báo tin" }).count()).toBe(0);

    // The officer handling it: the sentence, then the reveal (confirmed), then the two clips play.
    const page = await desk.signIn("ca.bato.dt", `/console/tips/${tip.id}`);
    await page.getByRole("heading", { name: new RegExp(tip.reference) }).waitFor();
    await page.getByText(NOTE).waitFor();
    expect(await page.getByRole("heading", { name: "Chứng cứ, tệp đính kèm (1)" }).count()).toBe(1);
    expect(await page.locator(`[src*="${ids.name}"], [src*="${ids.phone}"]`).count()).toBe(0);
    expect(await page.locator("#timeline, body").first().innerText()).toContain(
      "Trả lời bằng tin nhắn thoại (nghe trong tệp gửi kèm): nội dung. Đọc họ tên, số điện thoại bằng tin nhắn thoại (nghe bằng nút «Xem danh tính người báo tin»).",
    );
    expect(await desk.ctx.db.auditLog.count({ where: { action: "tip.identity_file" } })).toBe(0);
    await page.locator("section[aria-labelledby='h-reporter']").screenshot({ path: `${SHOTS}/before-reveal.png` });

    await page.getByRole("button", { name: "Xem danh tính người báo tin" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Xem và ghi nhật ký" }).click();
    const files = page.getByRole("list", { name: "Tệp danh tính người báo tin" });
    await files.waitFor();
    const name = files.getByLabel("Tin nhắn thoại: họ tên");
    expect(await name.getAttribute("src")).toBe(`/api/tips/${tip.id}/identity/files/${ids.name}`);
    expect(await files.getByLabel("Tin nhắn thoại: số điện thoại").count()).toBe(1);
    // The phone read aloud is words, not a number to call.
    expect(await page.locator('a[href^="tel:"]').count()).toBe(0);
    // The browser really loads and decodes the clip through the identity route.
    const seconds = await name.evaluate(
      (audio: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
          audio.addEventListener("error", () => reject(new Error(`audio error ${audio.error?.code}`)), { once: true });
          audio.load();
        }),
    );
    expect(seconds).toBeGreaterThan(0.5);
    await page.locator("section[aria-labelledby='h-reporter']").screenshot({ path: `${SHOTS}/after-reveal.png` });
    expect(await desk.ctx.db.auditLog.count({ where: { action: "tip.identity_reveal", targetId: tip.id } })).toBe(1);
    expect(await desk.ctx.db.auditLog.count({ where: { action: "tip.identity_file", targetId: ids.name } })).toBeGreaterThan(0);
    expect(desk.problems).toEqual([]);
  });
});
