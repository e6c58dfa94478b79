/**
 * What to do with the rest of a request body after refusing it (too large, wrong type, not allowed), shared by
 * the upload routes (web chat files, campaign images).
 */
import type { Request, Response } from "express";

/** A refused body this small is read to its end rather than the connection closed (see endRefusedBody). */
const DRAIN_BYTES = 1024 * 1024;
/** How long a refused connection stays half-open (answer sent, nothing read) before it is destroyed. */
const LINGER_MS = 2_000;

/**
 * After a refusal, the rest of the request body. A small declared body is read to its end (the
 * connection is kept). Anything else — a chunked body, a large one — is not read on: the answer
 * says `Connection: close`, our side of the connection is closed once it is sent, and the socket
 * is destroyed shortly after. Not at once: closing a socket with unread bytes resets the
 * connection, and a client still sending (a browser mid-upload) would lose the answer with it.
 */
export function endRefusedBody(req: Request, res: Response): void {
  if (req.complete) return;
  const declared = Number(req.headers["content-length"]);
  if (req.headers["content-length"] !== undefined && declared <= DRAIN_BYTES) {
    req.resume();
    return;
  }
  req.unpipe();
  req.pause();
  // Counts the body as being read by us, so Node does not drain the rest itself after the answer.
  req.read(0);
  res.setHeader("Connection", "close");
  const socket = req.socket;
  // Node ends a "Connection: close" socket with destroySoon(): end it, then destroy it a little later.
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
