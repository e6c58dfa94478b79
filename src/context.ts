/**
 * Everything a request handler or worker needs, built once at start-up (src/main.ts) or per test
 * (test/support/context.ts). Plain object; no globals.
 */
import { EventEmitter } from "node:events";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { Vault } from "./security/crypto.ts";
import type { Logger } from "./log.ts";
import type { Channel, ChannelName } from "./channels/types.ts";

/** In-process notifications (new inbound event, new outbox message, new web chat message, new tip). */
export interface AppEvents {
  "inbox:stored": [];
  "outbox:queued": [];
  "webchat:message": [visitorKey: string];
  "tip:created": [tipId: string];
  /** An officer acted on a tip, or the reporter wrote in its thread (the console's live queue listens). */
  "tip:changed": [tipId: string];
  /** A campaign was approved, resumed or cancelled: its runs may start or stop now. */
  "campaign:changed": [campaignId: string];
}

export class Bus extends EventEmitter<AppEvents> {
  constructor() {
    super();
    // Every open console stream and web chat page listens: more than ten officers online is normal, not a leak.
    this.setMaxListeners(0);
  }
}

export interface AppContext {
  config: Config;
  db: Db;
  vault: Vault;
  log: Logger;
  bus: Bus;
  channels: Map<ChannelName, Channel>;
  /** Wall clock; tests may replace it. */
  now(): Date;
}
