/**
 * Builders of realistic Telegram updates from a resident in a private chat with the bot: text and commands, callback
 * queries, locations, contacts and media. Every update carries the fields the Bot API spec marks as required (checked
 * in telegram-updates.test.ts), so it can be fed to `bot.handleUpdate(...)`, posted to the webhook, or queued on the
 * fake with `fake.queueUpdate(...)`.
 *
 *   const updates = new UpdateFactory({ files: fake });      // media files become downloadable from the fake
 *   await bot.handleUpdate(updates.voice({ content: oggBytes, duration: 4 }));
 */
import type { CallbackQuery, Chat, Message, PhotoSize, Update, User } from 'telegraf/types';
import { DEFAULT_BOT_NAME, DEFAULT_TOKEN } from './telegram-bot-api.ts';

/** The person writing to the bot. */
export interface Resident {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export const DEFAULT_RESIDENT: Resident = { id: 5001002003, first_name: 'Lan', last_name: 'Nguyễn', language_code: 'vi' };

/** Where media builders register their files, e.g. a FakeTelegramBotApi. */
export interface FileRegistry {
  addFile(fileId: string, content: Buffer | { size: number }, options?: { filePath?: string; fileUniqueId?: string }): unknown;
}

export interface UpdateFactoryOptions {
  /** Default sender; each builder can override it. */
  user?: Partial<Resident>;
  /** The bot, as sender of the messages callback queries come from. Default: the fake's default bot. */
  bot?: { id: number; first_name: string; username: string };
  /** Register media files here so getFile and downloads work. */
  files?: FileRegistry;
  firstUpdateId?: number;
  firstMessageId?: number;
  /** Clock in Unix seconds. */
  now?: () => number;
}

export interface MessageOptions {
  user?: Partial<Resident>;
  date?: number;
  messageId?: number;
}

export interface FileOptions extends MessageOptions {
  fileId?: string;
  /** File content; its length becomes file_size, and it is registered with `files` if given. */
  content?: Buffer;
  /** file_size when there is no content (e.g. 30 MB to exercise "file is too big"). */
  fileSize?: number;
  caption?: string;
}

type NewPrivateMessage<M extends Message> = Update.MessageUpdate<M>;

/** Drop keys whose value is undefined (for exactOptionalPropertyTypes-friendly literals). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Builds updates with increasing update_id and message_id. */
export class UpdateFactory {
  private readonly user: Resident;
  private readonly bot: User;
  private readonly files: FileRegistry | undefined;
  private readonly now: () => number;
  private updateId: number;
  private messageId: number;
  private fileNumber = 0;

  constructor(options: UpdateFactoryOptions = {}) {
    this.user = { ...DEFAULT_RESIDENT, ...options.user };
    const bot = options.bot ?? { id: Number(DEFAULT_TOKEN.split(':')[0]), ...DEFAULT_BOT_NAME };
    this.bot = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
    this.files = options.files;
    this.now = options.now ?? ((): number => Math.floor(Date.now() / 1000));
    this.updateId = (options.firstUpdateId ?? 800_000_001) - 1;
    this.messageId = (options.firstMessageId ?? 5001) - 1;
  }

  /** A text message; text starting with "/" gets its bot_command entity, as Telegram sends it. */
  text(text: string, options: MessageOptions = {}): NewPrivateMessage<Message.TextMessage> {
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const entities = command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] } : {};
    return this.messageUpdate({ ...this.base(options), text, ...entities });
  }

  /** "/start", "/start payload", "/help"... */
  command(command: string, args?: string, options: MessageOptions = {}): NewPrivateMessage<Message.TextMessage> {
    const name = command.replace(/^\//, '');
    return this.text(args ? `/${name} ${args}` : `/${name}`, options);
  }

  /**
   * A press on an inline button with `data`. The originating message defaults to a bot message carrying that
   * button; pass `message` (e.g. a message the fake returned to the bot) to press a button on it instead.
   */
  callback(
    data: string,
    options: MessageOptions & { message?: Message; messageText?: string } = {},
  ): Update.CallbackQueryUpdate<CallbackQuery.DataQuery> {
    const from = this.from(options.user);
    const message: Message = options.message ?? {
      message_id: options.messageId ?? this.nextMessageId(),
      date: (options.date ?? this.now()) - 30,
      chat: this.chat(from),
      from: this.bot,
      text: options.messageText ?? 'Bạn muốn làm gì?',
      reply_markup: { inline_keyboard: [[{ text: 'Báo tin', callback_data: data }]] },
    };
    const id = this.nextUpdateId();
    return {
      update_id: id,
      callback_query: { id: `${from.id}${id}`, from, chat_instance: `-${from.id * 7 + 1234567}`, data, message },
    };
  }

  /** A location shared from the attachment menu or a request_location button. */
  location(latitude: number, longitude: number, options: MessageOptions = {}): NewPrivateMessage<Message.LocationMessage> {
    return this.messageUpdate({ ...this.base(options), location: { latitude, longitude } });
  }

  /** A contact; by default the sender's own (as a request_contact button sends it, with user_id). */
  contact(
    options: MessageOptions & { phoneNumber?: string; firstName?: string; lastName?: string; userId?: number | null } = {},
  ): NewPrivateMessage<Message.ContactMessage> {
    const base = this.base(options);
    const contact = defined({
      phone_number: options.phoneNumber ?? '+84905123456',
      first_name: options.firstName ?? base.from.first_name,
      last_name: options.firstName === undefined ? options.lastName ?? base.from.last_name : options.lastName,
      user_id: options.userId === null ? undefined : options.userId ?? base.from.id,
    });
    return this.messageUpdate({ ...base, contact });
  }

  /** A photo, as the usual three sizes; the largest one is the file (registered with its content). */
  photo(options: FileOptions & { width?: number; height?: number } = {}): NewPrivateMessage<Message.PhotoMessage> {
    const file = this.file('photo', 'photos', 'jpg', options, 180_000);
    const width = options.width ?? 1280;
    const height = options.height ?? 960;
    const size = (suffix: string, scale: number): PhotoSize => {
      const fileId = `${file.file_id}-${suffix}`;
      const fileSize = Math.max(1, Math.round(file.file_size * scale * scale));
      this.files?.addFile(fileId, { size: fileSize }, { filePath: `photos/${fileId}.jpg`, fileUniqueId: `${file.file_unique_id}${suffix}` });
      return { file_id: fileId, file_unique_id: `${file.file_unique_id}${suffix}`, width: Math.round(width * scale), height: Math.round(height * scale), file_size: fileSize };
    };
    const photo = [size('s', 90 / width), size('m', 320 / width), { ...file, width, height }];
    return this.messageUpdate({ ...this.base(options), photo, ...this.caption(options) });
  }

  /** A voice note (OGG/Opus). */
  voice(options: FileOptions & { duration?: number; mimeType?: string } = {}): NewPrivateMessage<Message.VoiceMessage> {
    const voice = { ...this.file('voice', 'voice', 'oga', options, 24_000), duration: options.duration ?? 3, mime_type: options.mimeType ?? 'audio/ogg' };
    return this.messageUpdate({ ...this.base(options), voice, ...this.caption(options) });
  }

  /** An audio file (music player). */
  audio(
    options: FileOptions & { duration?: number; fileName?: string; mimeType?: string; title?: string; performer?: string } = {},
  ): NewPrivateMessage<Message.AudioMessage> {
    const audio = defined({
      ...this.file('audio', 'music', 'mp3', options, 400_000),
      duration: options.duration ?? 30,
      performer: options.performer,
      title: options.title,
      file_name: options.fileName ?? 'ghi-am.mp3',
      mime_type: options.mimeType ?? 'audio/mpeg',
    });
    return this.messageUpdate({ ...this.base(options), audio, ...this.caption(options) });
  }

  /** A video. */
  video(
    options: FileOptions & { duration?: number; width?: number; height?: number; mimeType?: string } = {},
  ): NewPrivateMessage<Message.VideoMessage> {
    const video = {
      ...this.file('video', 'videos', 'mp4', options, 2_500_000),
      width: options.width ?? 720,
      height: options.height ?? 1280,
      duration: options.duration ?? 12,
      mime_type: options.mimeType ?? 'video/mp4',
    };
    return this.messageUpdate({ ...this.base(options), video, ...this.caption(options) });
  }

  /** A file sent as a document. */
  document(options: FileOptions & { fileName?: string; mimeType?: string } = {}): NewPrivateMessage<Message.DocumentMessage> {
    const document = {
      ...this.file('document', 'documents', 'pdf', options, 85_000),
      file_name: options.fileName ?? 'to-trinh.pdf',
      mime_type: options.mimeType ?? 'application/pdf',
    };
    return this.messageUpdate({ ...this.base(options), document, ...this.caption(options) });
  }

  /** A regular static sticker. */
  sticker(options: MessageOptions & { emoji?: string; setName?: string; fileId?: string } = {}): NewPrivateMessage<Message.StickerMessage> {
    const file = this.file('sticker', 'stickers', 'webp', options, 20_000);
    const sticker = {
      ...file,
      type: 'regular' as const,
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji: options.emoji ?? '👍',
      set_name: options.setName ?? 'TinBaoTestStickers',
    };
    return this.messageUpdate({ ...this.base(options), sticker });
  }

  // ---- parts -------------------------------------------------------------------------------------------------

  private messageUpdate<M extends Message>(message: M & { chat: Chat.PrivateChat }): NewPrivateMessage<M> {
    return { update_id: this.nextUpdateId(), message } as NewPrivateMessage<M>;
  }

  private base(options: MessageOptions): { message_id: number; date: number; chat: Chat.PrivateChat; from: User } {
    const from = this.from(options.user);
    return { message_id: options.messageId ?? this.nextMessageId(), date: options.date ?? this.now(), chat: this.chat(from), from };
  }

  private from(user: Partial<Resident> | undefined): User {
    const resident = { ...this.user, ...user };
    return defined({
      id: resident.id,
      is_bot: false,
      first_name: resident.first_name,
      last_name: resident.last_name,
      username: resident.username,
      language_code: resident.language_code,
    });
  }

  private chat(user: User): Chat.PrivateChat {
    return defined({ id: user.id, type: 'private' as const, first_name: user.first_name, last_name: user.last_name, username: user.username });
  }

  private caption(options: FileOptions): { caption?: string } {
    return options.caption === undefined ? {} : { caption: options.caption };
  }

  /** file_id, file_unique_id and file_size, registered with `files` when given. */
  private file(
    kind: string,
    folder: string,
    extension: string,
    options: FileOptions,
    defaultSize: number,
  ): { file_id: string; file_unique_id: string; file_size: number } {
    const number = ++this.fileNumber;
    const fileId = options.fileId ?? `test-${kind}-${this.user.id}-${number}`;
    const fileUniqueId = `AgAD${kind.slice(0, 2)}${number}`;
    const fileSize = options.content?.length ?? options.fileSize ?? defaultSize;
    this.files?.addFile(fileId, options.content ?? { size: fileSize }, { filePath: `${folder}/${fileId}.${extension}`, fileUniqueId });
    return { file_id: fileId, file_unique_id: fileUniqueId, file_size: fileSize };
  }

  private nextUpdateId(): number {
    this.updateId += 1;
    return this.updateId;
  }

  private nextMessageId(): number {
    this.messageId += 1;
    return this.messageId;
  }
}
