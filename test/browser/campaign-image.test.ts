/**
 * A campaign's image in the editor, in real Chromium against the real service: an outreach editor picks a file
 * that is too big and is told the limit; picks a PNG, sees its thumbnail (loaded from the public address residents
 * use), saves, and finds the image in every preview bubble; then removes it with "Bỏ ảnh" and saves again.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, SCREENSHOTS } from "../support/browser.ts";
import { openConsoleDesk, type ConsoleDesk } from "../support/console-browser.ts";
import { tinyPng } from "../support/images.ts";

describe.runIf(browserAvailable)("a campaign image in the editor", () => {
  let desk: ConsoleDesk;
  beforeAll(async () => {
    desk = await openConsoleDesk([["tt.anh", "outreach", null]]);
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("uploads a picture, shows its thumbnail and the preview with it, and removes it", async () => {
    const page = await desk.signIn("tt.anh", "/console/campaigns/new");
    await page.getByRole("heading", { name: "Soạn chiến dịch mới" }).waitFor();
    await page.getByLabel("Tên chiến dịch (chỉ cán bộ thấy)").fill("Cảnh báo có ảnh");
    await page.getByLabel("Nội dung tiếng Việt (bắt buộc)").fill("Xem ảnh: đây là cách kẻ gian giả danh công an.");
    const input = page.getByLabel("Ảnh (JPG hoặc PNG, tối đa 1 MB)");

    await input.setInputFiles({ name: "to.png", mimeType: "image/png", buffer: tinyPng(2, 2, 1024 * 1024) });
    await page.getByText("Ảnh lớn quá: tối đa 1 MB (giới hạn của Zalo). Hãy thu nhỏ ảnh rồi chọn lại.").waitFor();
    await input.setInputFiles({ name: "ghi-chu.txt", mimeType: "text/plain", buffer: Buffer.from("không phải ảnh") });
    await page.getByText("Chỉ nhận ảnh JPG hoặc PNG. Hãy chọn ảnh khác.").waitFor();

    await input.setInputFiles({ name: "canh-bao.png", mimeType: "image/png", buffer: tinyPng(40, 30) });
    await page.getByText("Đã tải ảnh lên. Ảnh được gửi trước nội dung.").waitFor();
    const thumb = page.locator(".camp-image-pick img");
    await thumb.waitFor();
    expect(await thumb.getAttribute("alt")).toBe("Ảnh của chiến dịch");
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
    await page.screenshot({ path: path.join(SCREENSHOTS, "campaign-image-1-editor.png"), fullPage: true });
    await page.getByRole("button", { name: "Lưu bản nháp" }).click();

    await page.getByRole("heading", { name: "Cảnh báo có ảnh" }).waitFor();
    const row = await desk.svc.ctx.db.campaign.findFirstOrThrow({ where: { title: "Cảnh báo có ảnh" } });
    expect(row.imageId).toMatch(/^[0-9a-f]{64}\.png$/);
    // Three channels × three languages, each with the picture first.
    const shown = page.locator(".camp-preview img.camp-image");
    await expect.poll(() => shown.count()).toBe(9);
    await expect.poll(() => shown.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalHeight)).toBe(30);
    await page.screenshot({ path: path.join(SCREENSHOTS, "campaign-image-2-preview.png"), fullPage: true });

    await page.getByRole("button", { name: "Sửa nội dung" }).click();
    await page.locator(".camp-image-pick img").waitFor();
    await page.getByRole("button", { name: "Bỏ ảnh" }).click();
    expect(await page.locator(".camp-image-pick img").count()).toBe(0);
    await page.getByRole("button", { name: "Lưu thay đổi" }).click();
    await page.getByRole("heading", { name: "Cảnh báo có ảnh" }).waitFor();
    await expect.poll(async () => (await desk.svc.ctx.db.campaign.findUniqueOrThrow({ where: { id: row.id } })).imageId).toBeNull();
    await expect.poll(() => page.locator(".camp-preview .camp-bubble").count()).toBeGreaterThan(0);
    expect(await page.locator(".camp-preview img.camp-image").count()).toBe(0);
  });
});
