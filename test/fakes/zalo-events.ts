/**
 * Builders of realistic Zalo OA webhook events, as Zalo posts them: ids, timestamps and coordinates are strings,
 * follow/unfollow carry `follower` instead of `sender`, receipts list message ids. `signed()` adds the
 * `X-ZEvent-Signature` header the way Zalo computes it (plain SHA-256 of app_id + raw body + timestamp + OA secret
 * key; written here independently of the channel's code, so a mistake in one does not hide in the other).
 *
 *   const events = new ZaloEventFactory({ appId, oaId, oaSecretKey, attachments: fake });
 *   const { rawBody, headers } = events.signed(events.text("Nhà tôi bị mất trộm"));
 *   await fetch(`${url}/webhooks/zalo`, { method: "POST", headers, body: rawBody });
 */
import { createHash, randomBytes } from "node:crypto";

type Json = Record<string, unknown>;

export interface AttachmentHost {
  /** Serves `content` (or `size` zero bytes, streamed) and returns its URL. */
  addAttachment(content: Buffer | { size: number; chunked?: boolean }, options?: { name?: string; contentType?: string }): string;
}

export interface ZaloEventFactoryOptions {
  appId: string;
  oaId: string;
  oaSecretKey: string;
  /** Default resident (a Zalo user id, as a string). */
  user?: string;
  /** Where media events' URLs point (e.g. a FakeZaloApi). Without it, URLs are placeholders that 404. */
  attachments?: AttachmentHost;
  /** Clock in ms (default Date.now); each event gets a later timestamp than the previous one. */
  now?: () => number;
  /** Prefix of button payloads (the channel's default "#tb:"). */
  buttonPrefix?: string;
}

export interface SignedEvent {
  payload: Json;
  rawBody: Buffer;
  headers: Record<string, string>;
}

export const DEFAULT_ZALO_USER = "2512523625412515";

/** The signature Zalo sends: `mac=` + hex SHA-256 of app_id + raw body + timestamp + OA secret key. */
export function zaloSignature(rawBody: Buffer, appId: string, timestamp: string, oaSecretKey: string): string {
  const hash = createHash("sha256");
  hash.update(Buffer.from(appId, "utf8"));
  hash.update(rawBody);
  hash.update(Buffer.from(timestamp, "utf8"));
  hash.update(Buffer.from(oaSecretKey, "utf8"));
  return `mac=${hash.digest("hex")}`;
}

export class ZaloEventFactory {
  readonly user: string;
  private lastTimestamp = 0;
  private nextMessage = 1;
  private readonly now: () => number;

  constructor(private readonly options: ZaloEventFactoryOptions) {
    this.user = options.user ?? DEFAULT_ZALO_USER;
    this.now = options.now ?? Date.now;
  }

  /** Adds the signature header to an event, with the body serialised exactly as it will be sent. */
  signed(event: Json, overrides: { secret?: string; appId?: string } = {}): SignedEvent {
    const rawBody = Buffer.from(JSON.stringify(event));
    return { payload: event, rawBody, headers: this.headersFor(rawBody, overrides) };
  }

  /** Headers for any raw body: app_id and timestamp come from the body when it has them. */
  headersFor(rawBody: Buffer, overrides: { secret?: string; appId?: string } = {}): Record<string, string> {
    let fields: { app_id?: unknown; timestamp?: unknown } = {};
    try {
      const parsed: unknown = JSON.parse(rawBody.toString("utf8"));
      if (typeof parsed === "object" && parsed !== null) fields = parsed as typeof fields;
    } catch {
      // Not JSON: sign with our own app id and the time, as a forger would.
    }
    const appId = overrides.appId ?? (fields.app_id === undefined ? this.options.appId : String(fields.app_id));
    const timestamp = fields.timestamp === undefined ? String(this.now()) : String(fields.timestamp);
    return {
      "content-type": "application/json",
      "x-zevent-signature": zaloSignature(rawBody, appId, timestamp, overrides.secret ?? this.options.oaSecretKey),
    };
  }

  // ---- what residents send ---------------------------------------------------------------------------------

  text(text: string, options: { user?: string } = {}): Json {
    return this.userEvent("user_send_text", options.user, { text });
  }

  /** The text Zalo sends when a resident taps an `oa.query.hide` button. */
  button(payload: string, options: { user?: string } = {}): Json {
    return this.text(`${this.options.buttonPrefix ?? "#tb:"}${payload}`, options);
  }

  image(options: { user?: string; content?: Buffer; url?: string; caption?: string } = {}): Json {
    const url = options.url ?? this.host(options.content ?? Buffer.from("not really an image"), "photo.jpg", "image/jpeg");
    return this.userEvent("user_send_image", options.user, {
      ...(options.caption ? { text: options.caption } : {}),
      attachments: [{ type: "image", payload: { thumbnail: url, url } }],
    });
  }

  file(options: { user?: string; content?: Buffer; size?: number; name?: string; url?: string; chunked?: boolean } = {}): Json {
    const name = options.name ?? "don-trinh-bao.pdf";
    const content = options.content ?? (options.size === undefined ? Buffer.from("%PDF-1.4\n%fake\n") : { size: options.size, ...(options.chunked ? { chunked: true } : {}) });
    const url = options.url ?? this.host(content, name, "application/octet-stream");
    const size = Buffer.isBuffer(content) ? content.length : content.size;
    return this.userEvent("user_send_file", options.user, {
      attachments: [{ type: "file", payload: { url, size: String(size), name, checksum: "3b5d5c3712955042212316173ccf37be", type: name.split(".").pop() ?? "" } }],
    });
  }

  audio(options: { user?: string; content?: Buffer; url?: string } = {}): Json {
    const url = options.url ?? this.host(options.content ?? Buffer.from("#!AMR\n voice"), "voice.amr", "audio/amr");
    return this.userEvent("user_send_audio", options.user, { attachments: [{ type: "audio", payload: { url } }] });
  }

  video(options: { user?: string; content?: Buffer; url?: string } = {}): Json {
    const url = options.url ?? this.host(options.content ?? Buffer.from("\0\0\0\x18ftypmp42 video"), "video.mp4", "video/mp4");
    return this.userEvent("user_send_video", options.user, {
      attachments: [{ type: "video", payload: { thumbnail: url, description: "", url } }],
    });
  }

  gif(options: { user?: string } = {}): Json {
    return this.userEvent("user_send_gif", options.user, {
      attachments: [{ type: "gif", payload: { thumbnail: "http://127.0.0.1:9/gif-thumb", url: "http://127.0.0.1:9/gif" } }],
    });
  }

  /** Coordinates as Zalo sends them: strings (or whatever a test wants to feed). */
  location(latitude: unknown, longitude: unknown, options: { user?: string } = {}): Json {
    return this.userEvent("user_send_location", options.user, {
      attachments: [{ type: "location", payload: { coordinates: { latitude, longitude } } }],
    });
  }

  sticker(options: { user?: string } = {}): Json {
    return this.userEvent("user_send_sticker", options.user, {
      attachments: [{ type: "sticker", payload: { id: "bfe458bf64fa8da4d4eb", url: "http://127.0.0.1:9/sticker" } }],
    });
  }

  link(url: string, options: { user?: string; text?: string } = {}): Json {
    return this.userEvent("user_send_link", options.user, {
      ...(options.text === undefined ? {} : { text: options.text }),
      attachments: [{ type: "link", payload: { url, description: "Bài viết", thumbnail: "http://127.0.0.1:9/thumb" } }],
    });
  }

  businessCard(options: { user?: string } = {}): Json {
    return this.userEvent("user_send_business_card", options.user, {
      attachments: [{ type: "business_card", payload: { description: "{\"qr\":\"...\"}", thumbnail: "http://127.0.0.1:9/card" } }],
    });
  }

  /** The resident filled in the OA's "share your information" form. */
  submitInfo(info: { name?: string; phone?: string; address?: string; city?: string; district?: string }, options: { user?: string } = {}): Json {
    return {
      ...this.base("user_submit_info"),
      sender: { id: options.user ?? this.user },
      recipient: { id: this.options.oaId },
      user_id_by_app: this.byApp(options.user),
      info,
    };
  }

  // ---- follows and receipts --------------------------------------------------------------------------------

  follow(options: { user?: string; source?: string } = {}): Json {
    return this.followEvent("follow", options);
  }

  unfollow(options: { user?: string; source?: string } = {}): Json {
    return this.followEvent("unfollow", options);
  }

  /** The resident's phone received OA messages; `inverted` puts the OA as sender (some sources report it so). */
  received(msgIds: string[], options: { user?: string; inverted?: boolean } = {}): Json {
    return this.receipt("user_received_message", msgIds, options);
  }

  seen(msgIds: string[], options: { user?: string; inverted?: boolean } = {}): Json {
    return this.receipt("user_seen_message", msgIds, options);
  }

  // ---- what residents never send ---------------------------------------------------------------------------

  /** The OA's own message echoed back (oa_send_text, oa_send_image …). */
  oaEcho(eventName = "oa_send_text", options: { user?: string } = {}): Json {
    return {
      ...this.base(eventName),
      sender: { id: this.options.oaId },
      recipient: { id: options.user ?? this.user },
      user_id_by_app: this.byApp(options.user),
      message: { msg_id: this.msgId(), text: "Tin báo của bạn đã được tiếp nhận." },
    };
  }

  /** Any event name with a plausible body (e.g. "add_user_to_tag", "shop_has_order"). */
  other(eventName: string, fields: Json = {}): Json {
    return { ...this.base(eventName), oa_id: this.options.oaId, ...fields };
  }

  // ---- building blocks -------------------------------------------------------------------------------------

  /** A message id unique across factories and runs, shaped like Zalo's (hex, as a string). */
  msgId(): string {
    const n = this.nextMessage++;
    return `${randomBytes(8).toString("hex")}${n.toString(16).padStart(4, "0")}`;
  }

  private userEvent(eventName: string, user: string | undefined, message: Json): Json {
    return {
      ...this.base(eventName),
      sender: { id: user ?? this.user },
      recipient: { id: this.options.oaId },
      user_id_by_app: this.byApp(user),
      message: { msg_id: this.msgId(), ...message },
    };
  }

  private followEvent(eventName: "follow" | "unfollow", options: { user?: string; source?: string }): Json {
    return {
      oa_id: this.options.oaId,
      follower: { id: options.user ?? this.user },
      user_id_by_app: this.byApp(options.user),
      event_name: eventName,
      source: options.source ?? "oa_profile",
      app_id: this.options.appId,
      timestamp: this.timestamp(),
    };
  }

  private receipt(eventName: string, msgIds: string[], options: { user?: string; inverted?: boolean }): Json {
    const user = options.user ?? this.user;
    const [sender, recipient] = options.inverted ? [this.options.oaId, user] : [user, this.options.oaId];
    return {
      ...this.base(eventName),
      sender: { id: sender },
      recipient: { id: recipient },
      ...(options.inverted ? { oa_id: this.options.oaId } : {}),
      message: { msg_ids: msgIds },
    };
  }

  private base(eventName: string): Json {
    return { app_id: this.options.appId, event_name: eventName, timestamp: this.timestamp() };
  }

  /** Milliseconds as a string, strictly increasing (events without msg_id are keyed on it). */
  private timestamp(): string {
    this.lastTimestamp = Math.max(this.now(), this.lastTimestamp + 1);
    return String(this.lastTimestamp);
  }

  private byApp(user: string | undefined): string {
    return `55${(user ?? this.user).slice(2)}`;
  }

  private host(content: Buffer | { size: number; chunked?: boolean }, name: string, contentType: string): string {
    if (this.options.attachments) return this.options.attachments.addAttachment(content, { name, contentType });
    return `http://127.0.0.1:9/dl/unhosted/${name}`;
  }
}
