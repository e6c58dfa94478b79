/**
 * GET /api/tips/stream: the console's live queue, as Server-Sent Events. Each event names a tip
 * the signed-in officer may see that was filed (`created`) or changed (`changed`: an officer's
 * action, a reporter's message); the page then reloads that row or the open tip file. Only the id
 * and the tip's version travel (the version tells an open form whether a colleague's action made it
 * stale): what the officer sees is read through the audited API.
 *
 * In-process events come from the bus. With PostgreSQL other processes file and change tips too,
 * so the stream also looks for tips updated since its last look every few seconds. A tip that just
 * left the officer's unit is announced too, so the page can drop it. The stream ends when its
 * session does (checked with each keep-alive), so the page's reconnect meets the login.
 */
import type { Request, Response } from "express";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import type { Prisma } from "../db/generated/sqlite/client.ts";
import { sessionStillOpen, type OfficerSessionAuth } from "../officers/authenticate-session.ts";
import { ROLES, type SignedInOfficer } from "../officers/roles.ts";
import { canListTips, canViewTip, visibleTipsWhere } from "./permissions.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const POLL_MS = 3_000;
const KEEP_ALIVE_MS = 25_000;
/**
 * A tip moved to another unit a moment ago is still announced to the unit it left (its id only,
 * which they had): their open queue and tip page reload it and drop it, instead of showing it until
 * the next reload. The page reads it through the API, which now answers 404.
 */
const LEFT_VIEW_MS = 60_000;

type Kind = "created" | "changed";

/** Tips this officer sees now, or saw until `since` (a routing to their unit ended after it). */
function seenSinceWhere(officer: SignedInOfficer, since: Date): Prisma.TipWhereInput {
  const now = visibleTipsWhere(officer);
  if (ROLES[officer.role].tipScope !== "unit" || !officer.unitId) return now;
  return { OR: [now, { routings: { some: { unitId: officer.unitId, active: false, endedAt: { gte: since } } } }] };
}

export function streamTips(ctx: AppContext, auth: Pick<OfficerSessionAuth, "officer" | "sessionId">, req: Request, res: Response): void {
  const { officer } = auth;
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 3000\n\n");
  res.write(`event: ready\ndata: {}\n\n`);

  let sending = Promise.resolve();
  const push = (tipId: string, kind: Kind) => {
    sending = sending
      .then(async () => {
        const recently = new Date(ctx.now().getTime() - LEFT_VIEW_MS);
        const tip = await ctx.db.tip.findUnique({
          where: { id: tipId },
          select: { id: true, version: true, routings: { where: { OR: [{ active: true }, { endedAt: { gte: recently } }] }, select: { unitId: true } } },
        });
        if (!tip || !canViewTip(officer, { unitIds: tip.routings.map((r) => r.unitId) })) return;
        res.write(`event: tip\ndata: ${JSON.stringify({ id: tip.id, kind, version: tip.version })}\n\n`);
      })
      .catch((err) => ctx.log.warn({ err }, "console stream push failed"));
  };
  const onCreated = (id: string) => push(id, "created");
  const onChanged = (id: string) => push(id, "changed");
  ctx.bus.on("tip:created", onCreated);
  ctx.bus.on("tip:changed", onChanged);

  let since = ctx.now();
  const poll =
    ctx.config.dialect === "postgresql"
      ? setInterval(() => {
          const from = since;
          since = ctx.now();
          sending = sending
            .then(async () => {
              const rows = await ctx.db.tip.findMany({
                where: { AND: [seenSinceWhere(officer, new Date(from.getTime() - LEFT_VIEW_MS)), { updatedAt: { gt: from, lte: since } }] },
                select: { id: true, createdAt: true, version: true },
                take: 200,
              });
              for (const r of rows) res.write(`event: tip\ndata: ${JSON.stringify({ id: r.id, kind: r.createdAt > from ? "created" : "changed", version: r.version })}\n\n`);
            })
            .catch((err) => ctx.log.warn({ err }, "console stream poll failed"));
        }, POLL_MS)
      : undefined;
  const keepAlive = setInterval(() => {
    sessionStillOpen(ctx, auth.sessionId)
      .then((open) => (open ? res.write(": keep-alive\n\n") : res.end()))
      .catch((err) => ctx.log.warn({ err }, "console stream session check failed"));
  }, KEEP_ALIVE_MS);
  const stop = () => {
    ctx.bus.off("tip:created", onCreated);
    ctx.bus.off("tip:changed", onChanged);
    clearInterval(poll);
    clearInterval(keepAlive);
  };
  req.on("close", stop);
  res.on("finish", stop);
}

export const tipStreamRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/tips/stream",
    tag: "tips",
    summary: "Luồng tin báo mới và thay đổi (Server-Sent Events)",
    description:
      "event: tip, data: {\"id\": \"…\", \"kind\": \"created\" | \"changed\"} cho các tin bạn được xem; trang console tải lại dòng hoặc hồ sơ đó. " +
      "Chỉ có mã hồ sơ, không có nội dung. Giữ kết nối bằng dòng chú thích mỗi 25 giây; tự kết nối lại sau 3 giây.",
    auth: true,
    response: { status: 200, description: "Luồng sự kiện", mediaType: "text/event-stream" },
    errors: ["unauthorized", "forbidden"],
    async run({ ctx, req, res, auth }) {
      if (!canListTips(auth.officer)) throw new AppError("forbidden", "Tài khoản của bạn không có quyền xem tin báo.");
      streamTips(ctx, auth, req, res);
    },
  }),
];
