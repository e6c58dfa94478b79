import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import { FakeTelegramBotApi, specAvailable, specPath } from './telegram-bot-api.ts';
import { DEFAULT_RESIDENT, UpdateFactory } from './telegram-updates.ts';

if (!specAvailable()) console.warn(`Telegram Bot API spec not found at ${specPath} (set TELEGRAM_BOT_API_SPEC): skipping the update builder tests`);

describe.runIf(specAvailable())('Telegram update builders', () => {
  const fake = new FakeTelegramBotApi();
  let updates: UpdateFactory;

  const bot = (): Telegraf => new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    updates = new UpdateFactory({ files: fake });
  });

  it('builds updates that pass the spec check of Update, recursively', () => {
    const built = {
      text: updates.text('Nhà tôi bị mất trộm xe máy'),
      command: updates.command('start', 'ref_qr'),
      callback: updates.callback('menu:report'),
      location: updates.location(15.1214, 108.8044),
      contact: updates.contact(),
      someoneElsesContact: updates.contact({ phoneNumber: '+84912345678', firstName: 'Hùng', userId: null }),
      photo: updates.photo({ caption: 'Hiện trường' }),
      voice: updates.voice({ content: Buffer.from('OggS') }),
      audio: updates.audio({ title: 'Ghi âm' }),
      video: updates.video(),
      document: updates.document({ fileName: 'don-trinh-bao.pdf' }),
      sticker: updates.sticker(),
      otherUser: updates.text('Xin chào', { user: { id: 42, first_name: 'Y Blông', language_code: 'en' } }),
    };
    for (const [name, update] of Object.entries(built)) {
      expect(fake.validator.checkValue('Update', update), name).toBeUndefined();
    }
  });

  it('fills in the sender, the private chat and increasing ids', () => {
    const first = updates.text('một');
    const second = updates.text('hai');
    expect(first.message).toMatchObject({
      chat: { id: DEFAULT_RESIDENT.id, type: 'private', first_name: DEFAULT_RESIDENT.first_name },
      from: { id: DEFAULT_RESIDENT.id, is_bot: false, first_name: DEFAULT_RESIDENT.first_name, language_code: 'vi' },
      text: 'một',
    });
    expect(second.update_id).toBe(first.update_id + 1);
    expect(second.message.message_id).toBe(first.message.message_id + 1);
  });

  it('marks commands with a bot_command entity so telegraf routes them', async () => {
    const telegraf = bot();
    telegraf.start((ctx) => ctx.reply(`Chào ${ctx.from.first_name}! Mã: ${ctx.payload}`));
    await telegraf.handleUpdate(updates.command('start', 'qr_ba_to'));
    expect(fake.lastCall('sendMessage')?.params).toEqual({ chat_id: DEFAULT_RESIDENT.id, text: 'Chào Lan! Mã: qr_ba_to' });
    fake.assertAllValid();
  });

  it('builds callback queries a telegraf action can answer and edit', async () => {
    const telegraf = bot();
    telegraf.action('menu:report', async (ctx) => {
      await ctx.answerCbQuery('Đã chọn');
      await ctx.editMessageReplyMarkup(undefined);
    });
    await telegraf.handleUpdate(updates.callback('menu:report'));
    // telegraf asks getMe first when it does not know the bot yet
    expect(fake.calls.map((call) => call.method).filter((method) => method !== 'getMe')).toEqual(['answerCallbackQuery', 'editMessageReplyMarkup']);
    expect(fake.lastCall('answerCallbackQuery')?.params).toMatchObject({ text: 'Đã chọn' });
    fake.assertAllValid();
  });

  it('presses a button on a message the fake returned to the bot', async () => {
    const sent = await bot().telegram.sendMessage(DEFAULT_RESIDENT.id, 'Chọn', {
      reply_markup: { inline_keyboard: [[{ text: 'Báo tin', callback_data: 'menu:report' }]] },
    });
    const update = updates.callback('menu:report', { message: sent });
    expect(update.callback_query.message).toBe(sent);
    expect(fake.validator.checkValue('Update', update)).toBeUndefined();
  });

  it('delivers location and contact messages to telegraf filters', async () => {
    const telegraf = bot();
    const seen: string[] = [];
    telegraf.on(message('location'), (ctx) => void seen.push(`${ctx.message.location.latitude},${ctx.message.location.longitude}`));
    telegraf.on(message('contact'), (ctx) => void seen.push(`${ctx.message.contact.phone_number}:${ctx.message.contact.user_id}`));
    await telegraf.handleUpdate(updates.location(15.1214, 108.8044));
    await telegraf.handleUpdate(updates.contact());
    expect(seen).toEqual(['15.1214,108.8044', `+84905123456:${DEFAULT_RESIDENT.id}`]);
  });

  it('registers media with the fake so the bot can download it', async () => {
    const bytes = Buffer.from('OggS voice of a resident');
    const update = updates.voice({ content: bytes, duration: 4 });
    expect(update.message.voice).toMatchObject({ duration: 4, file_size: bytes.length, mime_type: 'audio/ogg' });
    const link = await bot().telegram.getFileLink(update.message.voice.file_id);
    expect(Buffer.from(await (await fetch(link)).arrayBuffer())).toEqual(bytes);
    const photo = updates.photo().message.photo;
    expect(photo.map((size) => size.width)).toEqual([90, 320, 1280]);
    expect((await bot().telegram.getFile(photo.at(-1)?.file_id ?? '')).file_size).toBe(photo.at(-1)?.file_size);
  });

  it('builds media over 20 MB that getFile refuses', async () => {
    const update = updates.video({ fileSize: 30 * 1024 * 1024 });
    await expect(bot().telegram.getFile(update.message.video.file_id)).rejects.toMatchObject({ code: 400, description: 'Bad Request: file is too big' });
  });

  it('queues built updates on the fake for a polling bot', async () => {
    for (const update of [updates.text('a'), updates.callback('x'), updates.sticker(), updates.document()]) fake.queueUpdate(update);
    const response = await fetch(`${fake.url}/bot${fake.token}/getUpdates`);
    const body = (await response.json()) as { result: { update_id: number }[] };
    expect(body.result).toHaveLength(4);
  });
});
