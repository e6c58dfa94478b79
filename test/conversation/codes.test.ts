/**
 * Issue 11, "Seen" 4 and 5 on the turn harness: a tip's two codes typed in one message, in any case
 * and spacing, on any channel; and the chat that opened the tip with them receives the officers'
 * messages from then on (as well as the chat that filed it: ARCHITECTURE.md, decision on followers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnHarness, type Resident, type TurnHarness } from "../support/turns.ts";
import { createReadyOfficer } from "../support/officers.ts";
import { sendOfficerMessage } from "../../src/tips/message-reporter.ts";
import { findCodes } from "../../src/tips/reference-code.ts";

let h: TurnHarness;
beforeAll(async () => {
  h = await createTurnHarness({ realUnits: false });
}, 120_000);
afterAll(async () => h?.close());

async function fileTip(r: Resident) {
  await r.press("menu:report");
  await r.press("cat:gambling");
  await r.say("co song bac o nha van hoa thon 5, dong nguoi lam");
  for (const p of ["nav:skip", "nav:skip", "when:earlier", "id:anon", "report:send"]) await r.press(p);
  const receipt = r.last.find((m) => m.receipt)!;
  expect(receipt.text).toContain(receipt.receipt!.reference);
  return receipt.receipt!;
}

describe("codes typed in one message", () => {
  it("finds them as people type them, and not in ordinary words or phone numbers", () => {
    for (const typed of ["QN-4N3JC 41233910", "qn 4n3jc 41233910", "Mã QN4N3JC, mã bí mật 4123 3910", "qn-4n3jc\n41233910", "ma tin QN 4N3JC ma bi mat 41 23 39 10"]) {
      expect(findCodes(typed), typed).toEqual({ reference: "QN-4N3JC", secret: "41233910" });
    }
    for (const typed of ["thanh 12345678", "QN-4N3JC", "goi 0912345678", "QN-4N3JC 412339101"]) expect(findCodes(typed), typed).toBeUndefined();
  });

  for (const channel of ["zalo", "telegram", "webchat"] as const) {
    it(`open the tip from another chat on ${channel}, wherever the resident is, and the officer's message reaches both chats`, async () => {
      const first = await h.resident("webchat", "vi");
      const codes = await fileTip(first);
      const second = await h.resident(channel, "vi");
      await second.press("menu:question"); // in the middle of something else
      await second.say(`${codes.reference.toLowerCase().replace("-", " ")}   ${codes.secret.slice(0, 4)} ${codes.secret.slice(4)}`);
      expect(second.text()).toContain(`Đã mở tin báo ${codes.reference} bằng mã`);
      expect(second.text()).toContain("tin nhắn của công an về tin này sẽ gửi đến cả chat này và chat đã gửi tin");
      expect(second.text()).toContain(`Tin báo ${codes.reference}`);
      await second.say("Toi nay ho lai tu tap khoang 10 nguoi");
      expect(second.text()).toContain("Đã gửi thêm");

      const tip = await h.ctx.db.tip.findUniqueOrThrow({ where: { reference: codes.reference }, include: { messages: true, events: true } });
      expect(tip.messages.map((m) => m.body)).toContain("Toi nay ho lai tu tap khoang 10 nguoi");
      expect(tip.events.find((e) => e.type === "reporter_reopened")?.data).toContain('"otherChat":true');

      const { officer } = await createReadyOfficer(h.ctx, { username: `lan-${channel}`, displayName: "Lan", role: "duty", unitId: null });
      await sendOfficerMessage(h.ctx, { tipId: tip.id, body: "Bạn cho biết thêm giờ họ hay tụ tập?", officer });
      const rows = await h.ctx.db.outboxMessage.findMany({ where: { tipId: tip.id, dedupeKey: { startsWith: "tipmsg:" } } });
      expect(rows.map((r) => r.contactId).sort()).toEqual([first.contactId, second.contactId].sort());
      for (const row of rows) expect(JSON.parse(h.ctx.vault.decrypt(row.payload)).text).toContain("Bạn cho biết thêm giờ họ hay tụ tập?");
      // "Trả lời" under it opens the thread in the second chat too.
      await second.press(`tipreply:${tip.id}`);
      expect(second.text()).toContain(`về tin báo ${codes.reference}`);
      // And "my reports" there lists it.
      await second.press("nav:menu");
      await second.press("menu:mine");
      expect(second.buttons().some((b) => b.label.startsWith(codes.reference))).toBe(true);
    });
  }

  it("a wrong secret in one message counts as a try and asks for the secret again; the reporter's own codes open it without following", async () => {
    const first = await h.resident("telegram", "vi");
    const codes = await fileTip(first);
    const stranger = await h.resident("zalo", "vi");
    await stranger.say(`${codes.reference} 00000000`);
    expect(stranger.text()).toContain("Mã bí mật chưa đúng. Bạn còn 4 lần thử.");
    expect((await stranger.session())?.step).toBe("secret");
    await first.say(`${codes.reference} ${codes.secret}`);
    expect(first.text()).toContain(`Tin báo ${codes.reference}`);
    expect(first.text()).not.toContain("gửi đến cả chat này");
    expect(await h.ctx.db.tipFollower.count({ where: { tip: { reference: codes.reference } } })).toBe(0);
  });
});
