/**
 * A console API route as data: its schemas (used to validate and to write the OpenAPI document),
 * whether it needs a signed-in officer, and one `run` that permits, calls a service and returns
 * the body. The router (router.ts) turns these into Express handlers.
 */
import type { Request, Response } from "express";
import type { z } from "zod";
import type { AppContext } from "../context.ts";
import type { ErrorCode } from "../http/errors.ts";
import type { OfficerSessionAuth } from "../officers/authenticate-session.ts";

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Reply<S extends Schema> = S extends z.ZodType ? z.input<S> : void;

export interface RouteCall<P, Q, B, A extends boolean> {
  ctx: AppContext;
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** The signed-in officer; always set on routes with `auth: true`. */
  auth: A extends true ? OfficerSessionAuth : OfficerSessionAuth | null;
}

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema, R extends Schema, A extends boolean> {
  method: "get" | "post" | "put" | "patch";
  /** Express path below /api, e.g. "/tips/:id". */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: A;
  /**
   * Open to an officer who must first replace a generated password (sign out, who am I, change
   * password); every other signed-in route answers 403 password_change_required to them.
   */
  beforePasswordChange?: true;
  params?: P;
  query?: Q;
  body?: B;
  /** The JSON body may be left out entirely (then it is parsed as `{}`): an action whose fields are all optional. */
  optionalBody?: true;
  /** The body is a file of one of these types, read by `run` itself (documented as binary). */
  rawBody?: string[];
  response: {
    status: 200 | 201 | 204;
    description: string;
    /** JSON body; leave out for 204 and for files (then `mediaType`). */
    schema?: R;
    mediaType?: string;
  };
  /** Error codes this route can answer with (documented; the body is always the Error schema). */
  errors: ErrorCode[];
  run(call: RouteCall<Parsed<P>, Parsed<Q>, Parsed<B>, A>): Promise<Reply<R>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiRoute = RouteSpec<any, any, any, any, boolean>;

/** Typed at the definition, erased in the route list. */
export function defineRoute<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  R extends Schema = undefined,
  A extends boolean = boolean,
>(spec: RouteSpec<P, Q, B, R, A>): ApiRoute {
  return spec as unknown as ApiRoute;
}
