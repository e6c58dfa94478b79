/**
 * Phone numbers a resident typed into a story, hidden wherever the story leaves the tip file (a duty chat alert, an
 * exported spreadsheet): the file keeps them, copies do not.
 *
 * @example hidePhoneNumbers("gọi 0905 123 456") // "gọi [số điện thoại]"
 */

// A Vietnamese phone number (0… or +84…, separators allowed).
const PHONE = /(?<![\d+])(?:\+?84|0)(?:[ .-]?\d){9}(?!\d)/g;

export function hidePhoneNumbers(text: string): string {
  return text.replace(PHONE, "[số điện thoại]");
}
