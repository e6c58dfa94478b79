import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createVault } from "../../src/security/crypto.ts";

describe("vault", () => {
  const vault = createVault(randomBytes(32));

  it("gets back what it sealed, Vietnamese included", () => {
    const plain = "Tôi muốn báo tin: có người bán ma túy ở thôn 3";
    const sealed = vault.encrypt(plain);
    expect(sealed).not.toContain("ma túy");
    expect(vault.decrypt(sealed)).toBe(plain);
  });

  it("never uses an IV twice, across many refills of its pool", () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 5_000; i++) ivs.add(vault.encrypt("0912345678").split(".")[1]!);
    expect(ivs.size).toBe(5_000);
    // The same text sealed twice does not look the same.
    expect(vault.encrypt("0912345678")).not.toBe(vault.encrypt("0912345678"));
  });

  it("refuses a sealed value that was tampered with or sealed under another key", () => {
    const sealed = vault.encrypt("Nguyễn Văn A");
    const [v, iv, body, tag] = sealed.split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => vault.decrypt([v, iv, flipped.toString("base64url"), tag].join("."))).toThrow();
    expect(() => createVault(randomBytes(32)).decrypt(sealed)).toThrow();
  });
});
