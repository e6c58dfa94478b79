/**
 * The FAQ matcher as residents meet it: questions typed with or without diacritics, with
 * abbreviations, teen-code and slips, and messages that are not questions at all. Timing is
 * measured by `npm run faq:eval`, not asserted here.
 */
import { describe, expect, it } from "vitest";
import {
  accentKey,
  analyzeText,
  classifyFreeText,
  createFaqIndex,
  decideFaq,
  explainFreeText,
  loadMatcherOptions,
  loadStarterEntries,
  matchFaq,
  pickAnswer,
  rankFaq,
  rankFaqQuery,
  type DecisionThresholds,
  type FaqEntry,
} from "../../src/faq/index.ts";
import { editDistance, spellingKey } from "../../src/faq/spelling.ts";

const options = loadMatcherOptions();
const starter = loadStarterEntries();
const index = createFaqIndex(starter, options);

function answerTo(text: string): string | undefined {
  const decision = matchFaq(index, text);
  return decision.kind === "answer" ? decision.candidates[0]?.entryId : undefined;
}

function entry(id: string, questions: string[], answer = "Câu trả lời."): FaqEntry {
  return { id, version: 1, tags: [], questions, answer: { vi: answer, hre: null, cua: null }, reviewedBy: "test", reviewedAt: "2026-01-01" };
}

describe("matching residents' questions", () => {
  it("matches 'ko co cccd thi lam sao' to the lost ID entry", () => {
    expect(answerTo("ko co cccd thi lam sao")).toBe("mat-can-cuoc");
  });

  it("answers the same question typed with diacritics, without them, and in capitals", () => {
    for (const text of ["Làm sao để báo tin cho công an?", "lam sao de bao tin cho cong an", "LAM SAO DE BAO TIN CHO CONG AN"]) {
      expect(answerTo(text), text).toBe("cach-bao-tin");
    }
  });

  it("reads teen-code and abbreviations: 'e mun bit sdt ca xa' asks for the commune police", () => {
    const words = analyzeText("e mun bit sdt ca xa", index.lookup, index.settings.limits).words.map((w) => w.typed);
    expect(words.join(" ")).toBe("em muốn biết số điện thoại công an xa");
    expect(answerTo("e mun bit sdt ca xa")).toBe("cong-an-xa-o-dau");
  });

  it("reads 'bj lừa đảo r, fai lm j' as 'bị lừa đảo rồi, phải làm gì'", () => {
    expect(answerTo("bj lừa đảo r, fai lm j")).toBe("bi-lua-phai-lam-gi");
  });

  it("finds permanent residence when 'trú' is typed 'chu' as it is spoken ('dang ky thuong chu')", () => {
    expect(rankFaq(index, "dang ky thuong chu", 1)[0]?.entryId).toBe("dang-ky-thuong-tru");
  });

  it("tolerates run-together words and doubled letters ('dangky tam tru', 'khoong co can cuoc')", () => {
    expect(rankFaq(index, "dangky tam tru", 1)[0]?.entryId).toBe("dang-ky-tam-tru");
    expect(rankFaq(index, "khoong co can cuoc", 1)[0]?.entryId).toBe("mat-can-cuoc");
  });

  it("treats NFD, NFC and mixed NFD/NFC input the same", () => {
    const nfc = "Mất căn cước làm lại ở đâu";
    const nfd = nfc.normalize("NFD");
    const mixed = nfc.split(" ").map((w, i) => (i % 2 === 0 ? w : w.normalize("NFD"))).join(" ");
    expect(mixed).not.toBe(nfc);
    const ranked = [nfc, nfd, mixed].map((t) => rankFaq(index, t, 3));
    expect(ranked[1]).toEqual(ranked[0]);
    expect(ranked[2]).toEqual(ranked[0]);
    expect(ranked[0]![0]?.entryId).toBe("mat-can-cuoc");
  });

  it("agrees on old and new tone placement ('ma tuý' and 'ma túy', 'hoà' and 'hòa')", () => {
    expect(accentKey("hoà")).toBe(accentKey("hòa"));
    expect(accentKey("tuý")).toBe(accentKey("túy"));
    expect(accentKey("hoa")).toBeNull();
    expect(rankFaq(index, "báo ma tuý", 3)).toEqual(rankFaq(index, "báo ma túy", 3));
  });

  it("lets the accents typed decide between phrasings that fold alike ('cháy' fire, 'chạy' run)", () => {
    const small = createFaqIndex(
      [entry("chay-no", ["cháy ở đâu", "nhà cháy"]), entry("chay-tron", ["chạy ở đâu", "chạy trốn"])],
      options,
    );
    expect(rankFaq(small, "cháy ở đâu", 1)[0]?.entryId).toBe("chay-no");
    expect(rankFaq(small, "chạy ở đâu", 1)[0]?.entryId).toBe("chay-tron");
  });

  it("answers 'goi cong an khan cap so nao vay' instead of offering buttons: every close entry's answer gives 113", () => {
    const decision = matchFaq(index, "goi cong an khan cap so nao vay");
    expect(decision.kind).toBe("answer");
    expect(index.byId.get(decision.candidates[0]!.entryId)!.answer.vi).toContain("113");
  });

  it("answers a bare emergency number with what it is for ('113')", () => {
    expect(answerTo("113")).toBe("goi-113");
  });

  it("offers buttons when a message fits several entries ('ma túy': report it, or help a relative)", () => {
    const decision = matchFaq(index, "ma túy");
    expect(decision.kind).toBe("clarify");
    expect(decision.reason).toBe("ambiguous");
    expect(decision.candidates.map((c) => c.entryId)).toEqual(expect.arrayContaining(["bao-tin-ma-tuy", "nguoi-than-nghien-ma-tuy"]));
    expect(decision.candidates.length).toBeLessThanOrEqual(index.settings.thresholds.maxCandidates);
  });

  it("does not answer a question the knowledge base does not cover ('giá vàng hôm nay bao nhiêu')", () => {
    for (const text of ["giá vàng hôm nay bao nhiêu", "cach nau canh chua", "lịch thi đấu bóng đá tối nay"]) {
      expect(matchFaq(index, text).kind, text).not.toBe("answer");
    }
  });

  it("abstains on emoji only and asks to rephrase", () => {
    for (const text of ["👍", "😡😡😡", "🇻🇳", "🙏 🙏"]) {
      expect(matchFaq(index, text), text).toEqual({ kind: "clarify", reason: "no-words", candidates: [] });
    }
  });

  it("asks to rephrase an empty message, white space or punctuation only", () => {
    for (const text of ["", "   ", "\n\t", "???", "...!!!"]) {
      expect(matchFaq(index, text), JSON.stringify(text)).toEqual({ kind: "clarify", reason: "no-words", candidates: [] });
    }
  });

  it("handles a 5,000-character message in under the time budget by matching only its beginning", () => {
    const long = "Cho em hỏi mất căn cước thì làm lại ở đâu ạ. ".repeat(120).slice(0, 5_000);
    const ranking = rankFaqQuery(index, long, 3);
    expect(long.length).toBe(5_000);
    expect(ranking.truncated).toBe(true);
    expect(ranking.candidates[0]?.entryId).toBe("mat-can-cuoc");
    const mash = "x".repeat(5_000);
    expect(matchFaq(index, mash).kind).not.toBe("answer");
  });

  it("never throws on odd input (control characters, lone surrogates, digits, other scripts)", () => {
    for (const text of ["\u0000\u0007", "\uD800abc", "0000000", "ʕ•ᴥ•ʔ", "مرحبا", "你好", "a".repeat(100_000)]) {
      const decision = matchFaq(index, text);
      expect(["answer", "clarify", "handoff"]).toContain(decision.kind);
    }
  });

  it("returns at most k candidates, best first, with confidences between 0 and 1", () => {
    const ranked = rankFaq(index, "bi lua chuyen tien", 4);
    expect(ranked.length).toBeLessThanOrEqual(4);
    for (const c of ranked) expect(c.confidence).toBeGreaterThanOrEqual(0);
    for (const c of ranked) expect(c.confidence).toBeLessThanOrEqual(1);
    expect(ranked.map((c) => c.confidence)).toEqual([...ranked.map((c) => c.confidence)].sort((a, b) => b - a));
  });

  it("gives the same answer every time: matching does not change the index or the entries", () => {
    const before = JSON.stringify(starter);
    const first = rankFaq(index, "cancuoc bi mat", 5);
    const second = rankFaq(index, "cancuoc bi mat", 5);
    expect(second).toEqual(first);
    expect(JSON.stringify(starter)).toBe(before);
  });

  it("builds with the shipped abbreviations and settings when given entries alone", () => {
    expect(createFaqIndex(starter).settings).toEqual(options.settings);
    expect(rankFaq(createFaqIndex(starter), "ko co cccd thi lam sao", 1)).toEqual(rankFaq(index, "ko co cccd thi lam sao", 1));
  });

  it("refuses two entries with the same id", () => {
    expect(() => createFaqIndex([entry("a", ["x"]), entry("a", ["y"])])).toThrow(/used twice/);
  });

  it("learns a new entry from data alone: an index built with it answers its questions", () => {
    const custom = entry("lich-tiep-dan", ["Lịch tiếp dân của công an tỉnh", "khi nào tiếp công dân"], "Bạn hỏi Công an xã.");
    const extended = createFaqIndex([...starter, custom], options);
    const decision = matchFaq(extended, "lich tiep dan cong an tinh");
    expect(decision.kind).toBe("answer");
    expect(decision.candidates[0]?.entryId).toBe("lich-tiep-dan");
    expect(answerTo("lich tiep dan cong an tinh")).toBeUndefined();
  });
});

describe("misspelling tools", () => {
  it("merges what residents mix up when typing as they speak", () => {
    expect(spellingKey("chu")).toBe(spellingKey("tru"));
    expect(spellingKey("xe")).toBe(spellingKey("se"));
    expect(spellingKey("dung")).toBe(spellingKey("dun"));
    expect(spellingKey("fai")).toBe(spellingKey("phai"));
    expect(spellingKey("khoong")).toBe(spellingKey("khong"));
    expect(spellingKey("khong")).not.toBe(spellingKey("cong"));
  });

  it("counts a swap of two letters as one slip and stops early past the bound", () => {
    expect(editDistance("cuoc", "cuco", 1)).toBe(1);
    expect(editDistance("nguoi", "ngoui", 1)).toBe(1);
    expect(editDistance("abc", "xyz", 1)).toBe(2);
    expect(editDistance("same", "same", 0)).toBe(0);
  });
});

describe("deciding what to do with a ranking", () => {
  const thresholds: DecisionThresholds = { answer: 0.55, margin: 0.05, answerWhenAhead: 0.4, aheadMargin: 0.15, clarify: 0.3, maxCandidates: 3, candidateSpread: 0.15 };
  const c = (entryId: string, confidence: number) => ({ entryId, score: confidence * 10, confidence });

  it("answers when the best entry is sure enough and clearly ahead", () => {
    expect(decideFaq([c("a", 0.8), c("b", 0.6)], thresholds)).toEqual({ kind: "answer", reason: "confident", candidates: [c("a", 0.8)] });
  });

  it("offers the close candidates as buttons when two are neck and neck", () => {
    const decision = decideFaq([c("a", 0.8), c("b", 0.78), c("c", 0.7), c("d", 0.4)], thresholds);
    expect(decision.kind).toBe("clarify");
    expect(decision.candidates.map((x) => x.entryId)).toEqual(["a", "b", "c"]);
  });

  it("offers buttons when the best entry is plausible but not sure enough", () => {
    expect(decideFaq([c("a", 0.45), c("b", 0.4)], thresholds)).toMatchObject({ kind: "clarify", reason: "ambiguous" });
    expect(decideFaq([c("a", 0.38)], thresholds)).toMatchObject({ kind: "clarify", reason: "ambiguous" });
  });

  it("answers a less sure best entry when it is far ahead of the runner-up", () => {
    expect(decideFaq([c("a", 0.47), c("b", 0.3)], thresholds)).toEqual({ kind: "answer", reason: "confident", candidates: [c("a", 0.47)] });
    expect(decideFaq([c("a", 0.47), c("b", 0.35)], thresholds).kind).toBe("clarify");
  });

  describe("when one entry's answer answers the others' questions too", () => {
    // "so-khan-cap" lists 113, 114, 115 and 111; "goi-113" says only 113.
    const covers = (a: string, b: string) => a === b || (a === "so-khan-cap" && ["goi-113", "goi-115"].includes(b));

    it("does not count it as a rival of the entries it answers", () => {
      const ranked = [c("so-khan-cap", 0.7), c("goi-113", 0.68), c("goi-115", 0.66), c("mat-trom", 0.4)];
      expect(decideFaq(ranked, thresholds).kind).toBe("clarify");
      expect(decideFaq(ranked, thresholds, { covers })).toEqual({ kind: "answer", reason: "confident", candidates: [c("so-khan-cap", 0.7)] });
    });

    it("answers with it when it is just behind a specific entry it answers", () => {
      const ranked = [c("goi-113", 0.7), c("so-khan-cap", 0.68), c("mat-trom", 0.5)];
      expect(decideFaq(ranked, thresholds, { covers })).toEqual({ kind: "answer", reason: "confident", candidates: [c("so-khan-cap", 0.68)] });
    });

    it("still asks between answers that differ", () => {
      const ranked = [c("goi-113", 0.7), c("goi-115", 0.69), c("so-khan-cap", 0.4)];
      // so-khan-cap is too far behind to stand in for both: the two specific answers are offered.
      expect(decideFaq(ranked, thresholds, { covers }).kind).toBe("clarify");
    });
  });

  it("passes the question to an officer, with its best guesses, when nothing fits", () => {
    expect(decideFaq([c("a", 0.2), c("b", 0.1)], thresholds)).toEqual({ kind: "handoff", reason: "low-confidence", candidates: [c("a", 0.2), c("b", 0.1)] });
    expect(decideFaq([], thresholds)).toEqual({ kind: "handoff", reason: "low-confidence", candidates: [] });
  });
});

describe("classifying free text as a tip or a question", () => {
  it.each([
    ["co nguoi ban ma tuy o thon 3 toi qua", "tip"],
    ["Có người bán ma túy ở thôn 3", "tip"],
    ["đang có đánh nhau ở quán karaoke", "tip"],
    ["tối qua nhà tôi bị trộm mất xe máy", "tip"],
    ["nó lừa tôi 5 triệu qua zalo", "tip"],
    ["có nhóm thanh niên bốc đầu ngoài đường mỗi tối", "tip"],
    ["2 thanh niên đi xe máy biển số 76 giật túi", "tip"],
    ["thằng Tèo ở xóm 2 hay chích hút ở bãi sông", "tip"],
    ["bao tin ma tuy o dau vay", "question"],
    ["làm căn cước ở đâu?", "question"],
    ["so dien thoai cong an xa son ha", "question"],
    ["địa chỉ công an phường Cẩm Thành", "question"],
    ["ko co cccd thi lam sao", "question"],
    ["bị lừa rồi phải làm sao", "question"],
    ["cho em hỏi thủ tục tạm trú", "question"],
    ["đăng ký tạm trú cần gì", "question"],
    ["công an có gọi điện bắt chuyển tiền không", "question"],
    ["có người gọi xưng công an bắt chuyển tiền, có phải lừa đảo không?", "question"],
    ["báo tin có mất tiền không ạ", "question"],
    ["số công an xã là bao nhiêu", "question"],
    ["ma túy", "unclear"],
    ["tôi muốn tố giác", "unclear"],
    ["", "unclear"],
    ["😡😡", "unclear"],
  ] as const)("%j looks like a %s", (text, kind) => {
    expect(classifyFreeText(text)).toBe(kind);
  });

  it("counts 'đang' (happening now) only as typed: 'dang ky' is a registration question, not an emergency", () => {
    expect(explainFreeText("đang có người đánh nhau").signals).toContain("t:đang");
    expect(explainFreeText("dang ky tam tru o dau").signals).not.toContain("t:đang");
    expect(classifyFreeText("dang ky tam tru o dau")).toBe("question");
  });

  it("does not read 'bốc đầu' (wheelies) as the question word 'đâu'", () => {
    expect(explainFreeText("nhóm thanh niên bốc đầu").signals).not.toContain("q:…đầu");
    expect(classifyFreeText("nhóm thanh niên bốc đầu")).toBe("tip");
  });

  it("stays fast and sane on a 5,000-character narrative", () => {
    const narrative = "Tối qua có mấy thanh niên tụ tập ở quán nước đầu thôn, đánh nhau. ".repeat(80).slice(0, 5_000);
    expect(classifyFreeText(narrative)).toBe("tip");
  });
});

describe("answers in the resident's language", () => {
  const lost = starter.find((e) => e.id === "mat-can-cuoc")!;

  it("sends Vietnamese to a Vietnamese speaker", () => {
    expect(pickAnswer(lost, "vi")).toEqual({ text: lost.answer.vi, language: "vi", fallback: false });
  });

  it("falls back to Vietnamese, and says so, while no Hre or Co text exists", () => {
    expect(pickAnswer(lost, "hre")).toEqual({ text: lost.answer.vi, language: "vi", fallback: true });
    expect(pickAnswer(lost, "cua")).toMatchObject({ language: "vi", fallback: true });
  });

  it("sends a native speaker's text once one is provided", () => {
    const withHre = { ...lost, answer: { ...lost.answer, hre: "[hre-test] fixture" } };
    expect(pickAnswer(withHre, "hre")).toEqual({ text: "[hre-test] fixture", language: "hre", fallback: false });
  });
});
