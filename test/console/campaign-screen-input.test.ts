/**
 * What the campaign screen (public/console/campaigns.js) reads from the officer and from the API: dates typed
 * dd/mm/yyyy and times HH:MM, whatever the browser's language, and the API's validation details put in words
 * next to the form (the field named in Vietnamese, the validator's own English never shown).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ES module of the console (no types)
import { parseDay, parseTime, readableDetails } from "../../public/console/campaigns.js";
import { addOfficer, postJson, signIn, startApi, type ApiHarness } from "./support.ts";

describe("campaign screen input", () => {
  it("reads a day as written in Vietnam and refuses days that do not exist", () => {
    expect(parseDay("01/08/2027")).toBe("2027-08-01");
    expect(parseDay("1/8/2027")).toBe("2027-08-01");
    expect(parseDay(" 30-09-2027 ")).toBe("2027-09-30");
    expect(parseDay("29/02/2028")).toBe("2028-02-29");
    for (const bad of ["31/02/2027", "29/02/2027", "2027-08-01", "08/2027", "13/13/2027", ""]) expect(parseDay(bad)).toBeNull();
  });

  it("reads a time as officers write it", () => {
    expect(parseTime("08:00")).toBe("08:00");
    expect(parseTime("8:05")).toBe("08:05");
    expect(parseTime("7h30")).toBe("07:30");
    expect(parseTime("20h")).toBe("20:00");
    for (const bad of ["24:00", "8:60", "tám giờ", "8:5", ""]) expect(parseTime(bad)).toBeNull();
  });

  describe("the API's refusal", () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApi();
      await addOfficer(api.ctx, "bien.tap", "outreach");
    });
    afterAll(async () => api?.close());

    it("names each field in Vietnamese and keeps the project's own messages", async () => {
      const who = await signIn(api.base, "bien.tap");
      const res = await postJson(
        api.base,
        "/api/campaigns",
        { title: "Thử", topic: "scam", variants: { vi: { text: "   " } }, buttons: [{ kind: "link", label: "Xem", url: "http://congan.quangngai.gov.vn" }] },
        { ...who.cookie, "x-csrf-token": who.csrfToken },
      );
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string; details: unknown } };
      expect(error.message).toBe("Dữ liệu gửi lên không hợp lệ.");
      expect(readableDetails(error.details)).toEqual(["Nội dung tiếng Việt: Nội dung không được để trống.", "Nút bấm: Liên kết phải bắt đầu bằng https://"]);
      expect(readableDetails([{ path: "audience.communes.0", message: "Invalid string: must match pattern /^\\d{5}$/" }])).toEqual(["Xã, phường: chưa đúng, hãy xem lại."]);
    });
  });
});
