/**
 * The OA's broadcast of an Article to its followers, filtered by Zalo's own follower groups: ONE call,
 * `POST /v2.0/oa/message` with `recipient.target` and a media template whose one element is the article.
 *
 *   { "recipient": { "target": { "ages": "2,3", "gender": "2", "cities": "…", "platform": "1,2" } },
 *     "message": { "attachment": { "type": "template", "payload": { "template_type": "media",
 *       "elements": [{ "media_type": "article", "attachment_id": "<article id>" }] } } } }
 *
 * Sources (late 2026): Zalo's own Java SDK sample (`SendBroadcastMessage`: the path and this body, with single
 * numbers as target values) and one third-party TypeScript SDK (the meaning of each code, values as comma-separated
 * strings, the answer's `data.message_id`). UNCONFIRMED, from that one secondary source: the code tables below, that
 * several values go comma-separated, that "gender 0" means everyone, and the answer's field name. The path is
 * configurable (ZALO_ARTICLE_BROADCAST_PATH); an answer without a message id is still a success (error 0 means Zalo
 * took it, and sending again would broadcast twice). Zalo reports no number of followers reached.
 *
 * A failure is HTTP 200 with a non-zero `error` like every OA call (client.ts checks it): -32 rate limit, -234 the
 * night ban (22:00–06:00), -216/-220 token (refreshed and tried once more by the client).
 */
import type { SentReceipt } from "../types.ts";
import type { OaApi } from "./client.ts";

/** Zalo's follower groups, by our codes; the Zalo code of each is the value. UNCONFIRMED (see above). */
export const ZALO_AGE_CODES = { "0-12": "0", "13-17": "1", "18-24": "2", "25-34": "3", "35-44": "4", "45-54": "5", "55-64": "6", "65+": "7" } as const;
export const ZALO_GENDER_CODES = { male: "1", female: "2" } as const;
export const ZALO_PLATFORM_CODES = { ios: "1", android: "2", windows_phone: "3" } as const;
/** "All genders" (UNCONFIRMED): sent when no filter is chosen, so the target is never an empty object. */
export const ZALO_GENDER_ALL = "0";

export type ZaloAge = keyof typeof ZALO_AGE_CODES;
export type ZaloGender = keyof typeof ZALO_GENDER_CODES;
export type ZaloPlatform = keyof typeof ZALO_PLATFORM_CODES;

export interface ArticleTarget {
  ages?: ZaloAge[];
  genders?: ZaloGender[];
  /** Names as configured in ZALO_ARTICLE_CITIES; their codes come from there. */
  cities?: string[];
  platforms?: ZaloPlatform[];
}

export interface ArticleBroadcast {
  articleId: string;
  target: ArticleTarget;
}

/**
 * The request body for a broadcast, exactly as sent (also stored with the campaign's record of the call).
 *
 * @example broadcastBody({ articleId: "4402c73f7e7a9724ce6b", target: { genders: ["female"] } }, {})
 *   // → { recipient: { target: { gender: "2" } }, message: { attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "article", attachment_id: "4402c73f7e7a9724ce6b" }] } } } }
 */
export function broadcastBody(request: ArticleBroadcast, cityCodes: Record<string, string>): { recipient: { target: Record<string, string> }; message: object } {
  const t = request.target;
  const target: Record<string, string> = {};
  const join = <K extends string>(list: K[] | undefined, codes: Record<K, string>) => (list && list.length > 0 ? [...new Set(list.map((k) => codes[k]))].join(",") : undefined);
  const ages = join(t.ages, ZALO_AGE_CODES);
  const gender = join(t.genders, ZALO_GENDER_CODES);
  const platform = join(t.platforms, ZALO_PLATFORM_CODES);
  const cities = t.cities && t.cities.length > 0 ? t.cities.map((name) => cityCodes[name]).filter((c): c is string => !!c).join(",") : undefined;
  if (ages) target["ages"] = ages;
  if (gender) target["gender"] = gender;
  if (cities) target["cities"] = cities;
  if (platform) target["platform"] = platform;
  if (Object.keys(target).length === 0) target["gender"] = ZALO_GENDER_ALL;
  return {
    recipient: { target },
    message: { attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "article", attachment_id: request.articleId }] } } },
  };
}

/** Makes the one call; resolves with Zalo's message id when the answer has one. Throws SendError. */
export async function broadcastArticle(api: OaApi, path: string, body: object): Promise<SentReceipt> {
  const data = await api.post(path, body);
  const id = typeof data === "object" && data !== null ? (data as { message_id?: unknown; msg_id?: unknown }).message_id ?? (data as { msg_id?: unknown }).msg_id : undefined;
  return { providerMessageId: typeof id === "string" && id !== "" ? id : typeof id === "number" ? String(id) : undefined };
}
