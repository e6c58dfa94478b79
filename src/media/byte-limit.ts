/** A download guard shared by the channels: bytes pass through until more than `maxBytes` went by. */
import { Transform } from "node:stream";
import { MediaTooLargeError } from "../channels/types.ts";

/** Fails the stream with MediaTooLargeError past `maxBytes`, after calling `onExceeded` (to abort the source). */
export function byteLimit(maxBytes: number, onExceeded: () => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        onExceeded();
        callback(new MediaTooLargeError(seen, maxBytes));
        return;
      }
      callback(null, chunk);
    },
  });
}
