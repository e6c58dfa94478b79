/** What counts as a password an officer may choose (src/security/password-strength.ts). */
import { describe, expect, it } from "vitest";
import { generatePassword } from "../../src/officers/generate-password.ts";
import { PASSWORD_ADVICE, passwordWeakness } from "../../src/security/password-strength.ts";

const officer = { username: "ba.to", displayName: "Đ/c Nguyễn Văn Hà" };

describe("password strength", () => {
  it.each([
    ["aaaaaaaaaaaa", "lặp lại một ký tự"],
    ["matkhau123456", "mật khẩu phổ biến"],
    ["Mậtkhẩu@2024", "mật khẩu phổ biến"],
    ["123456789012", "mật khẩu phổ biến"],
    ["qwertyuiop12", "mật khẩu phổ biến"],
    ["conganquangngai", "mật khẩu rất phổ biến"],
    ["abcabcabcabc", "lặp lại một cụm ký tự"],
    ["ba.toba.toba.to", "tên đăng nhập hoặc họ tên"],
    ["nguyenvanha1990", "tên đăng nhập hoặc họ tên"],
    ["Nguyễn Văn Hà 1990", "tên đăng nhập hoặc họ tên"],
    ["ngắn-quá", "ít nhất 12 ký tự"],
  ])("refuses %j, saying why and what to do", (password, why) => {
    const message = passwordWeakness(password, officer);
    expect(message).toContain(why);
    expect(message).toContain(PASSWORD_ADVICE);
  });

  it.each(["mua-xuan-tren-song-tra-2025", "trâu vàng leo cây ổi chín", "Một câu tiếng Việt dễ nhớ 2025", "k7Rmq-Vx3Ta-9hLwe-PzN4c"])("accepts %j", (password) => {
    expect(passwordWeakness(password, officer)).toBeNull();
  });

  it("accepts every generated password, for any account", () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(passwordWeakness(password, { username: "admin", displayName: "Quản trị hệ thống" }), password).toBeNull();
    }
  }, 60_000);

  it("refuses a password longer than 256 characters", () => {
    expect(passwordWeakness("x-Yz9".repeat(52), officer)).toContain("dài quá 256 ký tự");
  });
});
