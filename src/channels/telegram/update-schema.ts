/**
 * The parts of a Telegram Update we read, as zod schemas. Unknown fields pass through (Telegram adds
 * fields every release); a payload whose known fields have the wrong shape fails to parse and is ignored.
 */
import { z } from "zod";

const user = z.object({
  id: z.number(),
  first_name: z.string(),
  last_name: z.string().optional(),
  language_code: z.string().optional(),
});

const chat = z.object({ id: z.number(), type: z.string() });

const file = {
  file_id: z.string().min(1),
  file_size: z.number().optional(),
};

const photoSize = z.object({ ...file, width: z.number(), height: z.number() });

/** Video, voice, audio, document and video_note share these fields. */
const mediaFile = z.object({ ...file, mime_type: z.string().optional(), file_name: z.string().optional() });

export const messageSchema = z.looseObject({
  message_id: z.number(),
  date: z.number(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(photoSize).min(1).optional(),
  video: mediaFile.optional(),
  video_note: mediaFile.optional(),
  voice: mediaFile.optional(),
  audio: mediaFile.optional(),
  document: mediaFile.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string(),
      last_name: z.string().optional(),
      user_id: z.number().optional(),
    })
    .optional(),
});

const callbackQuery = z.object({
  id: z.string(),
  from: user,
  // May be an InaccessibleMessage (date 0); chat is there either way.
  message: z.looseObject({ chat }).optional(),
  data: z.string().optional(),
});

const chatMemberUpdated = z.object({
  chat,
  from: user,
  date: z.number(),
  new_chat_member: z.looseObject({ status: z.string() }),
});

export const updateSchema = z.looseObject({
  update_id: z.number().int(),
  message: messageSchema.optional(),
  callback_query: callbackQuery.optional(),
  my_chat_member: chatMemberUpdated.optional(),
});

export type TelegramUser = z.infer<typeof user>;
export type TelegramMessage = z.infer<typeof messageSchema>;
export type TelegramUpdate = z.infer<typeof updateSchema>;
