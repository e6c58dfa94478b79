/**
 * Streams a download made of text chunks (CSV), waiting while the client's buffer is full, so a file of
 * hundreds of thousands of rows never sits in memory.
 *
 * @example await streamChunks(res, auditCsvChunks(ctx, filter))
 */
import type { Response } from "express";

/** Writes each chunk, waiting while the client's buffer is full; stops when the client goes away. */
export async function streamChunks(res: Response, chunks: AsyncGenerator<string>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
    }
    res.end();
  } catch (e) {
    // The headers are gone already: cut the download so it cannot pass for a complete file.
    if (res.headersSent) res.destroy(e as Error);
    throw e;
  }
}
