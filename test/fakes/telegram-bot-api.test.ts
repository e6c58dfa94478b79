import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { Telegraf, TelegramError } from 'telegraf';
import { FakeTelegramBotApi, specAvailable, specPath, type BotApiReply } from './telegram-bot-api.ts';

const SPEC_MISSING = `Telegram Bot API spec not found at ${specPath} (set TELEGRAM_BOT_API_SPEC): skipping the fake Bot API tests`;
if (!specAvailable()) console.warn(SPEC_MISSING);

const CHAT_ID = 5001002003;
/** telegraf types `signal` with the abort-controller polyfill's AbortSignal; the global one works at runtime. */
type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal']>;
const asTelegrafSignal = (signal: AbortSignal): TelegrafSignal => signal as unknown as TelegrafSignal;
const callbackButton = (callbackData: string) => ({ inline_keyboard: [[{ text: 'Báo tin', callback_data: callbackData }]] });

describe.runIf(specAvailable())('fake Telegram Bot API', () => {
  const fake = new FakeTelegramBotApi({ maxLongPollMs: 1000 });

  /** A raw call: JSON body by default, urlencoded with `form`. */
  async function call(
    method: string,
    params: Record<string, unknown> = {},
    options: { token?: string; form?: boolean } = {},
  ): Promise<{ status: number; reply: BotApiReply }> {
    const init: RequestInit = options.form
      ? { body: new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])) }
      : { body: JSON.stringify(params), headers: { 'content-type': 'application/json' } };
    const response = await fetch(`${fake.url}/bot${options.token ?? fake.token}/${method}`, { method: 'POST', ...init });
    return { status: response.status, reply: (await response.json()) as BotApiReply };
  }

  /** The `description` of a failed call (fails the test if the call succeeded). */
  async function rejection(method: string, params: Record<string, unknown>, options: { form?: boolean } = {}): Promise<string> {
    const { reply } = await call(method, params, options);
    if (reply.ok) throw new Error(`${method} was accepted: ${JSON.stringify(params).slice(0, 200)}`);
    return reply.description;
  }

  function result<T = Record<string, unknown>>(reply: BotApiReply): T {
    if (!reply.ok) throw new Error(`call failed: ${reply.description}`);
    return reply.result as T;
  }

  function bot(): Telegraf {
    return new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
  }

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  describe('spec and routing', () => {
    it('loads the Bot API spec from the shared data folder', () => {
      expect(fake.spec.methods['sendMessage']).toBeDefined();
      expect(fake.spec.types['Update']).toBeDefined();
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it('answers 401 Unauthorized to a wrong token and records the call as rejected', async () => {
      const { status, reply } = await call('getMe', {}, { token: '42:wrong' });
      expect(status).toBe(401);
      expect(reply).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
      expect(fake.rejected()).toHaveLength(1);
    });

    it('answers 404 Not Found to an unknown method', async () => {
      const { status, reply } = await call('sendTelepathy', { chat_id: CHAT_ID });
      expect(status).toBe(404);
      expect(reply).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
      expect(fake.rejected()[0]?.method).toBe('sendTelepathy');
    });

    it('treats method names case-insensitively, like the real server', async () => {
      const { reply } = await call('SENDMESSAGE', { chat_id: CHAT_ID, text: 'chào' });
      expect(reply.ok).toBe(true);
      expect(fake.lastCall()?.method).toBe('sendMessage');
    });

    it('accepts GET with query parameters', async () => {
      const response = await fetch(`${fake.url}/bot${fake.token}/getUpdates?limit=5&timeout=0`);
      expect(await response.json()).toEqual({ ok: true, result: [] });
      expect(fake.lastCall()?.params).toEqual({ limit: 5, timeout: 0 });
    });
  });

  describe('validation against the spec', () => {
    it('accepts a sendMessage with an inline keyboard', async () => {
      const { status, reply } = await call('sendMessage', { chat_id: CHAT_ID, text: 'xin chào', reply_markup: callbackButton('menu:report') });
      expect(status).toBe(200);
      expect(reply.ok).toBe(true);
      fake.assertAllValid();
    });

    it('rejects a call missing a required field', async () => {
      const { status, reply } = await call('sendMessage', { text: 'xin chào' });
      expect(status).toBe(400);
      expect(reply).toMatchObject({ ok: false, error_code: 400, description: expect.stringMatching(/^Bad Request: chat_id is required/) });
    });

    it('rejects an unknown field', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', disable_web_page_preview: true })).toMatch(/unknown field "disable_web_page_preview"/);
    });

    it('rejects a wrong primitive type', async () => {
      expect(await rejection('sendMessage', { chat_id: true, text: 'a' })).toMatch(/chat_id must be Integer or String, got boolean/);
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', disable_notification: 'yes' })).toMatch(/disable_notification must be Boolean/);
      expect(await rejection('sendLocation', { chat_id: CHAT_ID, latitude: '15.1', longitude: 108.8 })).toMatch(/latitude must be Float/);
      expect(await rejection('sendMessage', { chat_id: 1.5, text: 'a' })).toMatch(/chat_id must be Integer or String/);
    });

    it('rejects empty and whitespace-only text', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: '' })).toMatch(/^Bad Request: message text is empty/);
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: ' \n ' })).toMatch(/^Bad Request: message text is empty/);
    });

    it('rejects text longer than 4096 characters, counted in code points after NFC', async () => {
      const decomposed = 'ế'.normalize('NFD'); // 3 code points, 1 after NFC
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: decomposed.repeat(4096) })).reply.ok).toBe(true);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: '🚓'.repeat(4096) })).reply.ok).toBe(true);
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a'.repeat(4097) })).toMatch(/^Bad Request: message is too long/);
    });

    it('counts text after removing parse_mode markup', async () => {
      const bold = `<b>${'a'.repeat(4096)}</b>`;
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: bold, parse_mode: 'HTML' })).reply.ok).toBe(true);
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: `<b>${'a'.repeat(4097)}</b>`, parse_mode: 'HTML' })).toMatch(/message is too long/);
    });

    it('rejects broken HTML markup like the real server', async () => {
      const send = (text: string) => rejection('sendMessage', { chat_id: CHAT_ID, text, parse_mode: 'HTML' });
      expect(await send('Dòng 1<br>Dòng 2')).toMatch(/can't parse entities: Unsupported start tag "br" at byte offset/);
      expect(await send('<b>đậm')).toMatch(/Can't find end tag corresponding to start tag "b"/);
      expect(await send('3 < 5')).toMatch(/Unsupported start tag ""/);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: '3 &lt; 5 &amp; <i>ok</i> & a > b', parse_mode: 'HTML' })).reply.ok).toBe(true);
    });

    it('rejects unescaped reserved characters in MarkdownV2', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'Cảm ơn bạn.', parse_mode: 'MarkdownV2' })).toMatch(
        /can't parse entities: Character '\.' is reserved/,
      );
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: '*đậm', parse_mode: 'MarkdownV2' })).toMatch(/Can't find end of Bold entity/);
      const fine = '*Mã tin:* `TB\\-2026` \\- [xem](https://example.org/a.b?c=d)\\.';
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: fine, parse_mode: 'MarkdownV2' })).reply.ok).toBe(true);
    });

    it('rejects an unsupported parse_mode', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', parse_mode: 'markdown2' })).toMatch(/unsupported parse_mode/);
    });

    it('rejects a caption longer than 1024 characters', async () => {
      expect(await rejection('sendPhoto', { chat_id: CHAT_ID, photo: 'some-file-id', caption: 'x'.repeat(1025) })).toMatch(
        /^Bad Request: message caption is too long/,
      );
    });

    it('rejects a callback_data longer than 64 bytes (UTF-8)', async () => {
      const description = await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: callbackButton('ế'.repeat(22)) });
      expect(description).toMatch(/^Bad Request: BUTTON_DATA_INVALID \(reply_markup\.inline_keyboard\[0\]\[0\]\.callback_data: 66 bytes/);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: callbackButton('x'.repeat(64)) })).reply.ok).toBe(true);
    });

    it('rejects an inline button with no action or with two', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: { inline_keyboard: [[{ text: 'Báo tin' }]] } })).toMatch(
        /Text buttons are unallowed in the inline keyboard/,
      );
      const twoActions = { inline_keyboard: [[{ text: 'x', callback_data: 'a', url: 'https://example.org' }]] };
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: twoActions })).toMatch(/exactly one of the optional InlineKeyboardButton fields/);
    });

    it('validates reply keyboards, including request_location and request_contact buttons', async () => {
      const keyboard = {
        keyboard: [[{ text: '📍 Gửi vị trí', request_location: true }], [{ text: '📞 Gửi số điện thoại', request_contact: true }], ['Huỷ']],
        resize_keyboard: true,
        one_time_keyboard: true,
      };
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: keyboard })).reply.ok).toBe(true);
      const badFlag = { keyboard: [[{ text: 'x', request_location: 'yes' }]] };
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: badFlag })).toMatch(
        /reply_markup\.keyboard\[0\]\[0\]\.request_location must be Boolean/,
      );
      const twoRequests = { keyboard: [[{ text: 'x', request_location: true, request_contact: true }]] };
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: twoRequests })).toMatch(/at most one of the optional KeyboardButton fields/);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: { remove_keyboard: true } })).reply.ok).toBe(true);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: { force_reply: true, input_field_placeholder: 'Mô tả' } })).reply.ok).toBe(true);
    });

    it('rejects a reply_markup matching none of the markup types', async () => {
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: { buttons: [] } })).toMatch(
        /reply_markup must be InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply/,
      );
      expect(await rejection('editMessageReplyMarkup', { chat_id: CHAT_ID, message_id: 1, reply_markup: { remove_keyboard: true } })).toMatch(
        /unknown field "reply_markup.remove_keyboard" for InlineKeyboardMarkup/,
      );
    });

    it('parses JSON-serialised objects and typed values in form bodies', async () => {
      const { reply } = await call('sendMessage', { chat_id: String(CHAT_ID), text: '123', disable_notification: 'true', reply_markup: callbackButton('menu:report') }, { form: true });
      expect(reply.ok).toBe(true);
      expect(fake.lastCall()?.params).toEqual({ chat_id: CHAT_ID, text: '123', disable_notification: true, reply_markup: callbackButton('menu:report') });
      expect(await rejection('sendMessage', { chat_id: CHAT_ID, text: 'a', reply_markup: callbackButton('ế'.repeat(22)) }, { form: true })).toMatch(/BUTTON_DATA_INVALID/);
    });

    it('checks union members by their discriminator (BotCommandScope)', async () => {
      const commands = [{ command: 'baotin', description: 'Báo tin' }];
      expect((await call('setMyCommands', { commands, scope: { type: 'all_private_chats' } })).reply.ok).toBe(true);
      expect(await rejection('setMyCommands', { commands, scope: { type: 'everyone' } })).toMatch(/scope must be BotCommandScope/);
    });

    it('rejects an invalid bot command', async () => {
      expect(await rejection('setMyCommands', { commands: [{ command: 'BaoTin', description: 'Báo tin' }] })).toMatch(/BOT_COMMAND_INVALID/);
      expect(await rejection('setMyCommands', { commands: [{ command: 'baotin', description: '' }] })).toMatch(/commands\[0\]\.description must be 1-256 characters/);
    });

    it('requires chat_id and message_id for editMessageText unless inline_message_id is given', async () => {
      expect(await rejection('editMessageText', { message_id: 5, text: 'a' })).toMatch(/chat_id is required if inline_message_id is not specified/);
      expect((await call('editMessageText', { inline_message_id: 'abc', text: 'a' })).reply).toEqual({ ok: true, result: true });
    });

    it('rejects sendChatAction with an unknown action', async () => {
      expect(await rejection('sendChatAction', { chat_id: CHAT_ID, action: 'thinking' })).toMatch(/wrong parameter action/);
      expect((await call('sendChatAction', { chat_id: CHAT_ID, action: 'typing' })).reply).toEqual({ ok: true, result: true });
    });

    it('records every call and lists the invalid ones in assertAllValid', async () => {
      await call('sendMessage', { chat_id: CHAT_ID, text: 'ok' });
      await call('sendMessage', { chat_id: CHAT_ID, text: '' });
      await call('sendMessage', { chat_id: CHAT_ID, text: 'a', foo: 1 });
      expect(fake.calls.map((recorded) => recorded.accepted)).toEqual([true, false, false]);
      expect(fake.calls[0]).toMatchObject({ method: 'sendMessage', params: { chat_id: CHAT_ID, text: 'ok' }, status: 200, files: [] });
      expect(fake.calls[0]?.at).toBeInstanceOf(Date);
      expect(fake.rejected().map((recorded) => recorded.rejection)).toEqual([
        expect.stringMatching(/message text is empty/),
        expect.stringMatching(/unknown field "foo"/),
      ]);
      expect(() => fake.assertAllValid()).toThrowError(/2 invalid Bot API call\(s\):\n- sendMessage: Bad Request: message text is empty[\s\S]*unknown field "foo"/);
    });
  });

  describe('answers', () => {
    it('answers getMe with the bot user', async () => {
      const me = result((await call('getMe')).reply);
      expect(me).toMatchObject({ id: fake.bot.id, is_bot: true, first_name: fake.bot.first_name, username: fake.bot.username });
      expect(fake.validator.checkValue('User', me)).toBeUndefined();
    });

    it('returns spec-valid Message objects with increasing message_id', async () => {
      const first = result((await call('sendMessage', { chat_id: CHAT_ID, text: '<b>Đã nhận</b> tin báo', parse_mode: 'HTML', reply_markup: callbackButton('a') })).reply);
      const second = result((await call('sendLocation', { chat_id: CHAT_ID, latitude: 15.12, longitude: 108.8 })).reply);
      expect(first).toMatchObject({
        text: 'Đã nhận tin báo',
        chat: { id: CHAT_ID, type: 'private' },
        from: { id: fake.bot.id, is_bot: true },
        reply_markup: callbackButton('a'),
      });
      expect(second['message_id']).toBe(Number(first['message_id']) + 1);
      for (const message of [first, second]) expect(fake.validator.checkValue('Message', message)).toBeUndefined();
    });

    it('answers each method a bot uses with a result valid under its spec return type', async () => {
      fake.addFile('doc-1', Buffer.from('%PDF'));
      const message = { chat_id: CHAT_ID };
      const calls: [string, Record<string, unknown>][] = [
        ['getMe', {}],
        ['setWebhook', { url: 'https://bot.example.org/hook' }],
        ['getWebhookInfo', {}],
        ['deleteWebhook', {}],
        ['setMyCommands', { commands: [{ command: 'baotin', description: 'Báo tin' }] }],
        ['sendMessage', { ...message, text: 'a' }],
        ['sendPhoto', { ...message, photo: 'doc-1', caption: 'ảnh' }],
        ['sendAudio', { ...message, audio: 'https://example.org/a.mp3' }],
        ['sendVoice', { ...message, voice: 'doc-1', duration: 3 }],
        ['sendDocument', { ...message, document: 'doc-1' }],
        ['sendVideo', { ...message, video: 'doc-1', width: 320, height: 240 }],
        ['sendLocation', { ...message, latitude: 15.1, longitude: 108.8 }],
        ['sendChatAction', { ...message, action: 'upload_voice' }],
        ['answerCallbackQuery', { callback_query_id: '123', text: 'OK' }],
        ['editMessageText', { ...message, message_id: 1, text: 'b' }],
        ['editMessageReplyMarkup', { ...message, message_id: 1, reply_markup: callbackButton('c') }],
        ['getFile', { file_id: 'doc-1' }],
        ['getUpdates', { timeout: 0 }],
      ];
      for (const [method, params] of calls) {
        const answer = result<unknown>((await call(method, params)).reply);
        const returns = fake.spec.methods[method]?.returns ?? [];
        const valid = returns.some((type) => fake.validator.checkValue(type, answer) === undefined);
        expect(valid, `${method} → ${JSON.stringify(answer)} is not ${returns.join(' or ')}`).toBe(true);
      }
      fake.assertAllValid();
    });

    it('answers "message is not modified" when an edit changes nothing', async () => {
      const sent = result((await call('sendMessage', { chat_id: CHAT_ID, text: 'Chọn', reply_markup: callbackButton('a') })).reply);
      const edit = { chat_id: CHAT_ID, message_id: sent['message_id'] };
      expect(await rejection('editMessageText', { ...edit, text: 'Chọn', reply_markup: callbackButton('a') })).toMatch(/message is not modified/);
      const edited = result((await call('editMessageText', { ...edit, text: 'Đã chọn' })).reply);
      expect(edited).toMatchObject({ text: 'Đã chọn', message_id: sent['message_id'] });
      expect(edited).not.toHaveProperty('reply_markup');
      expect(fake.calls.every((recorded) => recorded.accepted)).toBe(true); // a semantic error is not an invalid call
    });

    it('serves registered files through getFile and /file/bot<token>/<path>', async () => {
      fake.addFile('voice-1', Buffer.from('OggS fake voice'), { filePath: 'voice/file_1.oga' });
      const file = result((await call('getFile', { file_id: 'voice-1' })).reply);
      expect(file).toEqual({ file_id: 'voice-1', file_unique_id: expect.any(String), file_size: 15, file_path: 'voice/file_1.oga' });
      const download = await fetch(`${fake.url}/file/bot${fake.token}/voice/file_1.oga`);
      expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('OggS fake voice');
      expect(fake.downloads).toEqual(['voice/file_1.oga']);
      expect((await fetch(`${fake.url}/file/bot${fake.token}/voice/missing.oga`)).status).toBe(404);
    });

    it('answers "file is too big" for files over 20 MB, registered by size only', async () => {
      fake.addFile('big-video', { size: 30 * 1024 * 1024 });
      expect(await rejection('getFile', { file_id: 'big-video' })).toBe('Bad Request: file is too big');
      expect(await rejection('getFile', { file_id: 'nope' })).toBe('Bad Request: invalid file_id');
    });

    it('handles webhooks like the real API: HTTPS only, and getUpdates conflicts while one is set', async () => {
      expect(await rejection('setWebhook', { url: 'http://bot.example.org/telegram' })).toMatch(/HTTPS URL must be provided/);
      expect((await call('setWebhook', { url: 'https://bot.example.org/telegram', secret_token: 'abc_123' })).reply.ok).toBe(true);
      expect(result((await call('getWebhookInfo')).reply)).toMatchObject({ url: 'https://bot.example.org/telegram', pending_update_count: 0 });
      const conflict = await call('getUpdates');
      expect(conflict.status).toBe(409);
      expect(conflict.reply).toMatchObject({ error_code: 409, description: expect.stringMatching(/^Conflict: can't use getUpdates method while webhook is active/) });
      expect((await call('deleteWebhook', { drop_pending_updates: true })).reply.ok).toBe(true);
      expect(result((await call('getWebhookInfo')).reply)).toMatchObject({ url: '' });
      expect((await call('getUpdates')).reply).toEqual({ ok: true, result: [] });
    });
  });

  describe('getUpdates', () => {
    const textUpdate = (id: number) => ({
      update_id: id,
      message: { message_id: id, date: 1_760_000_000, chat: { id: CHAT_ID, type: 'private', first_name: 'Lan' }, from: { id: CHAT_ID, is_bot: false, first_name: 'Lan' }, text: `tin ${id}` },
    });

    it('returns queued updates honouring offset and limit', async () => {
      for (const id of [10, 11, 12]) fake.queueUpdate(textUpdate(id));
      expect(result<{ update_id: number }[]>((await call('getUpdates', { limit: 2 })).reply).map((update) => update.update_id)).toEqual([10, 11]);
      expect(result<{ update_id: number }[]>((await call('getUpdates', { offset: 12 })).reply).map((update) => update.update_id)).toEqual([12]);
      expect(fake.pendingUpdates()).toHaveLength(1);
      expect(result<unknown[]>((await call('getUpdates', { offset: 13 })).reply)).toEqual([]);
      expect(fake.pendingUpdates()).toHaveLength(0);
    });

    it('holds a long poll until an update is queued', async () => {
      const started = Date.now();
      const poll = call('getUpdates', { timeout: 5 });
      await fake.waitForCalls('getUpdates');
      setTimeout(() => fake.queueUpdate(textUpdate(20)), 100);
      const { reply } = await poll;
      expect(result<unknown[]>(reply)).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('answers an empty list when the long poll times out', async () => {
      const started = Date.now();
      expect((await call('getUpdates', { timeout: 1 })).reply).toEqual({ ok: true, result: [] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('ends a pending long poll with 409 when another getUpdates starts', async () => {
      const first = call('getUpdates', { timeout: 5 });
      await fake.waitForCalls('getUpdates');
      const second = call('getUpdates', { timeout: 0 });
      expect((await first).reply).toMatchObject({ error_code: 409, description: expect.stringMatching(/terminated by other getUpdates request/) });
      expect((await second).reply.ok).toBe(true);
    });

    it('refuses to queue an update that is not valid under the spec', () => {
      expect(() => fake.queueUpdate({ update_id: 1, message: { text: 'no chat' } })).toThrowError(/not a valid Update: message\.message_id is required/);
      expect(() => fake.queueUpdate({ message: textUpdate(1).message, edited_message: textUpdate(1).message })).toThrowError(/at most one optional field/);
    });
  });

  describe('scripted failures', () => {
    it('answers 429 with retry_after, surfaced by telegraf as TelegramError.parameters', async () => {
      fake.failNext('sendMessage', { kind: '429', retryAfter: 3 });
      const error = await bot().telegram.sendMessage(CHAT_ID, 'xin chào').catch((cause: unknown) => cause);
      expect(error).toBeInstanceOf(TelegramError);
      expect(error).toMatchObject({ code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
      expect(fake.lastCall()).toMatchObject({ accepted: true, status: 429, failure: { kind: '429', retryAfter: 3 } });
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'again' })).reply.ok).toBe(true);
    });

    it('answers 500 and 502 with Bot API-shaped bodies', async () => {
      fake.failNext('*', { kind: '500' });
      fake.failNext('*', { kind: '502' });
      expect(await call('getMe')).toEqual({ status: 500, reply: { ok: false, error_code: 500, description: 'Internal Server Error' } });
      expect(await call('getMe')).toEqual({ status: 502, reply: { ok: false, error_code: 502, description: 'Bad Gateway' } });
      expect((await call('getMe')).status).toBe(200);
    });

    it('answers 403 "bot was blocked by the user" and 400 "chat not found" the given number of times', async () => {
      fake.failNext('sendMessage', { kind: 'blocked' }, 2);
      fake.failNext('sendPhoto', { kind: 'chat-not-found' });
      const message = { chat_id: CHAT_ID, text: 'a' };
      expect((await call('sendMessage', message)).reply).toEqual({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
      expect((await call('sendMessage', message)).status).toBe(403);
      expect((await call('sendMessage', message)).status).toBe(200);
      expect((await call('sendPhoto', { chat_id: CHAT_ID, photo: 'file-id' })).reply).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      fake.assertAllValid(); // scripted failures are not invalid calls
    });

    it('does not spend a scripted failure on an invalid call', async () => {
      fake.failNext('sendMessage', { kind: '500' });
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: '' })).status).toBe(400);
      expect((await call('sendMessage', { chat_id: CHAT_ID, text: 'a' })).status).toBe(500);
    });

    it('answers with any Bot API error', async () => {
      fake.failNext('answerCallbackQuery', { kind: 'error', code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
      expect(await rejection('answerCallbackQuery', { callback_query_id: '1' })).toMatch(/query is too old/);
    });

    it('drops the connection or answers garbage', async () => {
      fake.failNext('getMe', { kind: 'disconnect' });
      await expect(call('getMe')).rejects.toThrow();
      fake.failNext('getMe', { kind: 'garbage' });
      const error = await bot().telegram.getMe().catch((cause: unknown) => cause);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TelegramError);
      expect(fake.lastCall()).toMatchObject({ status: 200, failure: { kind: 'garbage' } });
    });

    it('hangs until the client gives up, and close() still ends at once', async () => {
      const other = new FakeTelegramBotApi();
      await other.start();
      onTestFinished(() => other.close());
      other.failNext('sendMessage', { kind: 'hang' }, 2);
      const telegraf = new Telegraf(other.token, { telegram: { apiRoot: other.url, webhookReply: false } });
      const aborted = telegraf.telegram.callApi('sendMessage', { chat_id: CHAT_ID, text: 'a' }, { signal: asTelegrafSignal(AbortSignal.timeout(200)) });
      await expect(aborted).rejects.toThrow(/abort/i);
      const pending = fetch(`${other.url}/bot${other.token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: CHAT_ID, text: 'b' }),
      }).catch((cause: unknown) => cause);
      await other.waitForCalls('sendMessage', 2);
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(500);
      expect(await pending).toBeInstanceOf(Error);
      expect(other.callsTo('sendMessage').map((recorded) => recorded.status)).toEqual([undefined, undefined]);
    });
  });

  describe('with a real telegraf client', () => {
    it('accepts sendMessage with an inline keyboard', async () => {
      const message = await bot().telegram.sendMessage(CHAT_ID, 'xin chào', {
        reply_markup: { inline_keyboard: [[{ text: 'Báo tin', callback_data: 'menu:report' }]] },
      });
      expect(message).toMatchObject({ text: 'xin chào', chat: { id: CHAT_ID, type: 'private' } });
      expect(fake.lastCall('sendMessage')?.params).toEqual({ chat_id: CHAT_ID, text: 'xin chào', reply_markup: callbackButton('menu:report') });
      fake.assertAllValid();
    });

    it('rejects a 65-byte callback_data with a TelegramError', async () => {
      const error = await bot()
        .telegram.sendMessage(CHAT_ID, 'xin chào', { reply_markup: callbackButton('x'.repeat(65)) })
        .catch((cause: unknown) => cause);
      expect(error).toBeInstanceOf(TelegramError);
      expect(error).toMatchObject({ code: 400, description: expect.stringMatching(/^Bad Request: BUTTON_DATA_INVALID/) });
      expect(() => fake.assertAllValid()).toThrowError(/BUTTON_DATA_INVALID/);
    });

    it('accepts callApi with an abort signal', async () => {
      const controller = new AbortController();
      const result = await bot().telegram.callApi('sendMessage', { chat_id: CHAT_ID, text: 'có tín hiệu' }, { signal: asTelegrafSignal(controller.signal) });
      expect(result).toMatchObject({ text: 'có tín hiệu' });
    });

    it('accepts voice and audio uploaded from a Buffer as multipart', async () => {
      const telegram = bot().telegram;
      const voiceBytes = Buffer.alloc(3000, 1);
      const voice = await telegram.sendVoice(CHAT_ID, { source: voiceBytes, filename: 'tra-loi.ogg' }, {
        caption: 'Ghi âm',
        reply_markup: callbackButton('voice:ok'),
      });
      const audio = await telegram.sendAudio(CHAT_ID, { source: Buffer.from('ID3 audio'), filename: 'huong-dan.mp3' }, { title: 'Hướng dẫn' });
      fake.assertAllValid();
      const voiceCall = fake.lastCall('sendVoice');
      expect(voiceCall?.files.map((file) => file.toJSON())).toEqual([{ field: 'voice', filename: 'tra-loi.ogg', contentType: expect.any(String), size: 3000 }]);
      expect(voiceCall?.params).toMatchObject({ chat_id: CHAT_ID, caption: 'Ghi âm', reply_markup: callbackButton('voice:ok') });
      expect(voice.voice).toMatchObject({ file_size: 3000 });
      expect(audio.audio).toMatchObject({ file_name: 'huong-dan.mp3', title: 'Hướng dẫn', file_size: 9 });
      for (const message of [voice, audio]) expect(fake.validator.checkValue('Message', message)).toBeUndefined();
      const link = await telegram.getFileLink(voice.voice.file_id);
      expect(Buffer.from(await (await fetch(link)).arrayBuffer())).toEqual(voiceBytes);
    });

    it('rejects a multipart upload whose caption is too long', async () => {
      const error = await bot()
        .telegram.sendPhoto(CHAT_ID, { source: Buffer.from('jpeg'), filename: 'a.jpg' }, { caption: 'x'.repeat(1025) })
        .catch((cause: unknown) => cause);
      expect(error).toMatchObject({ code: 400, description: expect.stringMatching(/message caption is too long/) });
    });

    it('runs a polling bot end to end', async () => {
      const telegraf = bot();
      telegraf.on('text', (ctx) => ctx.reply(`Đã nhận: ${ctx.message.text}`));
      const launched = telegraf.launch({ dropPendingUpdates: false }).catch((cause: unknown) => cause);
      fake.queueUpdate({
        message: { message_id: 1, date: 1_760_000_000, chat: { id: CHAT_ID, type: 'private', first_name: 'Lan' }, from: { id: CHAT_ID, is_bot: false, first_name: 'Lan' }, text: 'có trộm' },
      });
      const [reply] = await fake.waitForCalls('sendMessage');
      expect(reply?.params).toEqual({ chat_id: CHAT_ID, text: 'Đã nhận: có trộm' });
      telegraf.stop('test');
      await launched;
      fake.assertAllValid();
    });
  });
});
