/**
 * Random passwords for new officer accounts: 4 groups of 5 characters from an alphabet without
 * look-alikes (0/O, 1/l/I), about 113 bits; easy to read aloud or copy from a terminal.
 *
 * @example generatePassword() // "k7Rmq-Vx3Ta-9hLwe-PzN4c"
 */
import { randomInt } from "node:crypto";

const ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function generatePassword(groups = 4, groupLength = 5): string {
  const group = () => Array.from({ length: groupLength }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return Array.from({ length: groups }, group).join("-");
}
