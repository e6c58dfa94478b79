/**
 * Residents' data is for the service's user only: the SQLite database and its -wal/-shm, the key
 * file and every evidence file are 0600, their folders 0700 — as created, after a file is stored, and
 * after a start on files an older version left readable by everyone. (SQLite, whatever TEST_DATABASE says.)
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, startTestService, TINY_PNG, WebchatVisitor, type TestService } from "../support/service.ts";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe("file modes of the database, the key and the evidence", () => {
  let root: string;
  let data: string;
  let svc: TestService;
  const env = () => ({ DATABASE_URL: `file:${path.join(data, "tinbao.db")}`, MEDIA_DIR: path.join(data, "media"), DATA_ENCRYPTION_KEY: "" });

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "tinbao-modes-"));
    data = path.join(root, "data");
    svc = await startTestService(env());
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the data folder 0700 and the database, its -wal/-shm and the key file 0600", () => {
    expect(mode(data)).toBe("700");
    for (const file of ["tinbao.db", "tinbao.db-wal", "tinbao.db-shm", "encryption.key"]) {
      expect(existsSync(path.join(data, file)), file).toBe(true);
      expect(mode(path.join(data, file)), file).toBe("600");
    }
  });

  it("stores a resident's photo 0600 in folders 0700", async () => {
    const v = new WebchatVisitor(svc.url);
    await v.open();
    for (const step of [{ text: "xin chào" }, { button: "lang:vi" }, { button: "menu:report" }, { button: "cat:theft" }]) await chat(svc, v, step);
    await chat(svc, v, { text: "Kẻ gian lấy trộm xe máy trước cổng chợ." });
    expect((await v.upload(new Blob([TINY_PNG], { type: "image/png" }), "anh.png")).status).toBe(202);
    await svc.settle();
    const attachment = await svc.ctx.db.attachment.findFirstOrThrow({ where: { status: "stored" } });
    const media = path.join(data, "media");
    const [a, b] = attachment.storageKey!.split("/");
    for (const folder of [media, path.join(media, "tmp"), path.join(media, a!), path.join(media, a!, b!)]) expect(mode(folder), folder).toBe("700");
    expect(mode(path.join(media, attachment.storageKey!))).toBe("600");
    expect(readdirSync(path.join(media, "tmp"))).toEqual([]);
  });

  it("makes files an older version left world-readable private again at start", async () => {
    expect(svc.ctx.config.encryptionKey).toBeUndefined(); // the key comes from the key file
    await svc.close();
    for (const file of ["tinbao.db", "tinbao.db-wal", "tinbao.db-shm", "encryption.key"]) {
      if (existsSync(path.join(data, file))) chmodSync(path.join(data, file), 0o644);
    }
    svc = await startTestService(env(), {}, { dir: root, url: `file:${path.join(data, "tinbao.db")}`, key: "" });
    for (const file of ["tinbao.db", "encryption.key"]) expect(mode(path.join(data, file)), file).toBe("600");
    for (const file of ["tinbao.db-wal", "tinbao.db-shm"]) if (existsSync(path.join(data, file))) expect(mode(path.join(data, file)), file).toBe("600");
  });
});
