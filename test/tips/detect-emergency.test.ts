/**
 * The emergency detector fires on danger (weapons, violence, fire, someone hurt, happening now) and
 * not on a category word or an everyday word that looks like one without diacritics. The phrasings
 * here were written with the word list; `emergency-dev.json` and `emergency-heldout.json` were written
 * by people who never saw it: the first grew the lists, the second was only measured against.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectEmergency } from "../../src/tips/detect-emergency.ts";

const FIRES: [string, string][] = [
  ["co nguoi dang danh nhau co dao", "fight now, knife, no diacritics"],
  ["Có người cầm dao đứng trước cổng trường", "knife with marks"],
  ["thằng đó có súng hoa cải", "gun"],
  ["nha ben canh bi chay", "fire, no diacritics"],
  ["Cháy nhà ở thôn 2 xã Ba Tơ", "fire with marks"],
  ["nghe tieng no lon o bai da", "explosion"],
  ["anh ay bi dam chay mau nhieu lam", "stabbed, bleeding"],
  ["cứu với, chồng tôi đang đánh tôi", "help, beaten now"],
  ["co dua be bi bat coc", "kidnapped child"],
  ["chúng nó dọa giết cả nhà tôi", "threat to kill"],
  ["mot nguoi bat tinh ben duong", "unconscious"],
  ["dang co song bac o nha van hoa thon 5", "gambling, but happening now"],
  ["Hoả hoạn ở chợ", "tone placement oả"],
  ["Hỏa hoạn ở chợ", "tone placement ỏa"],
  ["bị đánh hội đồng trước cổng trường", "beaten by a group"],
];

const SILENT: [string, string][] = [
  ["Ở thôn 3 có đánh bạc mỗi tối", "gambling, a category word"],
  ["danh bac o nha ong Tu", "gambling, no diacritics"],
  ["có người chơi nổ hũ lừa tiền", "online slot scam"],
  ["toi bi lua qua mang mat 5 trieu tuan truoc", "past online fraud"],
  ["làm sao để đăng ký tạm trú", "registering"],
  ["dang ky tam tru o dau", "registering, no diacritics"],
  ["xe máy của tôi bị trộm hôm qua", "past theft"],
  ["người ta bom hàng không nhận", "refused delivery"],
  ["mấy ông đó ngồi chém gió cả ngày", "chatting"],
  ["tôi theo đạo Thiên Chúa", "religion"],
  ["dạo này hay có người lạ đi qua thôn", "'lately'"],
  ["tôi nợ tiền ngân hàng", "debt"],
  ["hien mau nhan dao o xa", "blood donation"],
  ["Nhà tôi bị đánh cắp con bò", "stolen cow"],
  ["cán bộ Đảng ủy xã trả lời chậm", "the Party committee"],
  ["cho hỏi thủ tục bổ sung hồ sơ", "'bổ sung' contains 'sung'"],
];

describe("the emergency detector", () => {
  for (const [text, why] of FIRES) {
    it(`fires: ${why} — "${text}"`, () => expect(detectEmergency(text).urgent).toBe(true));
  }
  for (const [text, why] of SILENT) {
    it(`stays silent: ${why} — "${text}"`, () => expect(detectEmergency(text)).toEqual({ urgent: false, child: false }));
  }

  it("adds the child line only when a child is at risk", () => {
    expect(detectEmergency("có người đánh trẻ em ở xóm tôi")).toMatchObject({ urgent: true, child: true });
    expect(detectEmergency("co nguoi danh nhau o cho")).toMatchObject({ urgent: true, child: false });
    expect(detectEmergency("học sinh trường tôi bị bắt nạt tháng trước")).toMatchObject({ urgent: false, child: false });
  });

  it("tells the officer which words made it urgent", () => {
    expect(detectEmergency("co nguoi dang danh nhau co dao").reason).toBe("đánh nhau, có dao, đang, đánh");
  });
});

interface Labelled {
  text: string;
  urgent: boolean;
  child: boolean;
}

/** Recall on the urgent ones, silence on the others, and what was missed (printed for the closing note). */
function measure(name: string, file: string) {
  const set = JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")) as Labelled[];
  const urgent = set.filter((s) => s.urgent);
  const calm = set.filter((s) => !s.urgent);
  const missed = urgent.filter((s) => !detectEmergency(s.text).urgent);
  const falseAlarms = calm.filter((s) => detectEmergency(s.text).urgent);
  const recall = 1 - missed.length / urgent.length;
  const quiet = 1 - falseAlarms.length / calm.length;
  console.info(
    `${name}: ${urgent.length} urgent, ${calm.length} not; recall ${(recall * 100).toFixed(1)}%, silent on ${(quiet * 100).toFixed(1)}% of the others` +
      `\n  missed: ${missed.map((s) => s.text).join(" | ")}\n  false alarms: ${falseAlarms.map((s) => s.text).join(" | ")}`,
  );
  return { recall, quiet };
}

describe("the emergency detector on phrasings by people who never saw its word list", () => {
  // Two sets written blind, then used to grow the lists: they now guard against regressions.
  it("keeps catching the development phrasings", () => {
    const { recall, quiet } = measure("development set", "./emergency-dev.json");
    expect(recall).toBeGreaterThanOrEqual(0.97);
    expect(quiet).toBeGreaterThanOrEqual(0.95);
  });
});

describe("the emergency detector on a held-out set nobody tuned on", () => {
  // Measured once when the lists were final (recall 87.1%, silent on 88.9%; the detector before it: 57.0% / 68.7%).
  // Never grow the lists from this file's misses: write a new held-out set instead, and move this one to the dev set.
  it("catches most urgent messages and stays silent on most others", () => {
    const { recall, quiet } = measure("held-out set", "./emergency-heldout.json");
    expect(recall).toBeGreaterThanOrEqual(0.85);
    expect(quiet).toBeGreaterThanOrEqual(0.85);
  });
});
