/**
 * The parts of a Zalo OA webhook event we read, as zod schemas. Ids and timestamps are long numeric strings and
 * stay strings (a number is accepted and turned into its string, in case an event ever carries one). Unknown fields
 * pass through; an event whose known fields have the wrong shape fails to parse and is ignored.
 */
import { z } from "zod";

const id = z.union([z.string().trim().min(1), z.number()]).transform(String);
const party = z.looseObject({ id });

/** Attachment payloads: url for media, name/size for files, coordinates for locations (often strings). */
const attachmentPayload = z.looseObject({
  url: z.string().optional(),
  thumbnail: z.string().optional(),
  name: z.string().optional(),
  size: z.union([z.string(), z.number()]).optional(),
  type: z.string().optional(),
  description: z.string().optional(),
  id: z.union([z.string(), z.number()]).optional(),
  coordinates: z.looseObject({ latitude: z.unknown(), longitude: z.unknown() }).optional(),
});

export const attachmentSchema = z.looseObject({
  type: z.string(),
  payload: attachmentPayload.optional(),
});

export const eventSchema = z.looseObject({
  app_id: id,
  event_name: z.string().min(1),
  timestamp: id,
  /** The user for user_* events (for receipts, possibly the OA: see receive.ts). */
  sender: party.optional(),
  recipient: party.optional(),
  /** follow / unfollow carry the user here instead of `sender`. */
  follower: party.optional(),
  oa_id: id.optional(),
  user_id_by_app: id.optional(),
  message: z
    .looseObject({
      msg_id: id.optional(),
      /** Receipts list the OA's messages that arrived or were seen. */
      msg_ids: z.array(id).optional(),
      text: z.string().optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .optional(),
  /** user_submit_info: what the resident agreed to share. */
  info: z
    .looseObject({
      name: z.string().optional(),
      phone: z.union([z.string(), z.number()]).optional(),
      address: z.string().optional(),
      city: z.string().optional(),
      district: z.string().optional(),
    })
    .optional(),
});

export type ZaloEvent = z.infer<typeof eventSchema>;
export type ZaloAttachment = z.infer<typeof attachmentSchema>;
