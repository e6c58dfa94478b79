/**
 * Load for the webhook benchmarks: realistic Telegram text-message Updates (distinct update_id, many chats) and
 * the two autocannon profiles (closed-loop sustained maximum, and a fixed arrival rate).
 */
import autocannon, { type Instance, type Options, type PartialResult, type RequestSpec, type Result } from "autocannon";
import { UpdateFactory, type Resident } from "../test/fakes/telegram-updates.ts";

export const WEBHOOK_PATH = "/webhooks/telegram";
export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

const FIRST_NAMES = ["Lan", "Hùng", "Mai", "Tuấn", "Hoa", "Dũng", "Thảo", "Minh", "Hạnh", "Sơn", "Y Blơng", "Đinh Văn", "Hồ Thị", "Phạm"];
const LAST_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đinh", "Hồ", "Bùi", "Đặng", undefined];
const TEXTS = [
  "/start",
  "/start",
  "Chào anh, tôi muốn báo tin",
  "Tối qua có người lạ đột nhập vào nhà hàng xóm ở thôn 3, lấy mất xe máy Wave màu đỏ",
  "Có nhóm thanh niên tụ tập đánh bạc ở quán cà phê đầu cầu, tối nào cũng có",
  "Tôi thấy xe tải chở gỗ lậu đi qua đường liên xã lúc 2 giờ sáng",
  "Con tôi bị lừa chuyển tiền qua mạng, 15 triệu đồng, số tài khoản của kẻ lừa đảo là 0123456789",
  "Ở chợ xã có người bán thuốc lá lậu và pháo",
  "Báo tin khẩn: đang có đánh nhau trước cổng trường, có người bị thương",
  "Có người lạ hỏi mua đất của bà con, nghi là lừa đảo",
  "Tôi muốn hỏi thủ tục đăng ký tạm trú cho người thân",
  "Cảm ơn các anh",
  "Nhà tôi ở xóm 5, gần nhà văn hóa",
  "Chuyện xảy ra khoảng 9 giờ tối hôm qua",
  "Tôi không muốn nêu tên",
  "Có",
  "Không",
  "Hủy",
];

/** Deterministic PRNG (mulberry32), so every target gets the same sequence of updates. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface UpdateSource {
  /** The next Update's update_id and JSON body. */
  next(): { updateId: number; body: string };
  /** How many have been produced. */
  readonly produced: number;
  readonly chats: number;
}

/**
 * Private text messages (and /start) from `chats` different residents picked at random, with increasing
 * update_id, as Telegram sends them.
 */
export function createUpdateSource(options: { chats: number; seed?: number; firstUpdateId?: number }): UpdateSource {
  const random = rng(options.seed ?? 20_260_101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const residents: Resident[] = [];
  for (let i = 0; i < options.chats; i++) {
    const last = pick(LAST_NAMES);
    residents.push({
      id: 5_100_000_000 + i * 7_919,
      first_name: pick(FIRST_NAMES),
      ...(last ? { last_name: last } : {}),
      ...(random() < 0.3 ? { username: `cu_dan_${i}` } : {}),
      ...(random() < 0.9 ? { language_code: "vi" } : {}),
    });
  }
  const factory = new UpdateFactory({ firstUpdateId: options.firstUpdateId ?? 900_000_001 });
  let produced = 0;
  return {
    next() {
      const update = factory.text(pick(TEXTS), { user: pick(residents) });
      produced++;
      return { updateId: update.update_id, body: JSON.stringify(update) };
    },
    get produced() {
      return produced;
    },
    chats: options.chats,
  };
}

/**
 * What one load profile measured. Latencies are of 2xx answers only (as autocannon does), in ms with µs precision,
 * computed from every answer's own time (autocannon's 'response' event): autocannon's histogram keeps whole
 * milliseconds, which turns a 0.6 ms answer into 0.
 */
export interface LoadSummary {
  profile: string;
  connections: number;
  durationS: number;
  /** Requested rate (fixed-rate profile). */
  targetRate?: number;
  /** Requests written to the socket (counted by our setupRequest: autocannon's own count is off with a rate). */
  sent: number;
  /** Answers received (any status). */
  answered: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** 2xx answers per second over the measured duration. */
  ratePerS: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p99_9: number; max: number };
  statusCodes: Record<string, number>;
  /** Answers that said {"duplicate": true} (a retransmitted update): must be 0, every update_id is new. */
  duplicateAnswers: number;
  /** Sent but never answered (in flight when autocannon stopped, or timed out): the server may have stored them. */
  unanswered: number;
}

/** Every update_id a target answered 2xx, and other tallies across all the load a target received. */
export class Tally {
  readonly acked: number[] = [];
  duplicates = 0;
}

function requestSpec(source: UpdateSource, secret: string, tally: Tally): RequestSpec {
  return {
    method: "POST",
    path: WEBHOOK_PATH,
    headers: { "content-type": "application/json", [SECRET_HEADER]: secret },
    setupRequest(request, context) {
      const { updateId, body } = source.next();
      context.updateId = updateId;
      request.body = body;
      return request;
    },
    // With pipelining 1, the context is still the one of the request this answers.
    onResponse(status, body, context) {
      if (status >= 200 && status < 300) {
        tally.acked.push(context.updateId as number);
        if (body.includes('"duplicate":true')) tally.duplicates++;
      }
    },
  };
}

/** Collects the time of every 2xx answer of an autocannon instance. */
function recordLatencies(instance: Instance<unknown>, into: number[]): void {
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) into.push(ms);
  });
}

function latencyStats(samples: number[]): LoadSummary["latencyMs"] {
  if (samples.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!, 2);
  const mean = sorted.reduce((n, v) => n + v, 0) / sorted.length;
  return { mean: round(mean, 2), p50: at(0.5), p90: at(0.9), p99: at(0.99), p99_9: at(0.999), max: round(sorted[sorted.length - 1]!, 2) };
}

function summarize(
  profile: string,
  r: Result,
  sent: number,
  durationS: number,
  ok2xx: number,
  extra: Partial<LoadSummary>,
  duplicates: number,
  latencies: number[],
): LoadSummary {
  const answered = Object.values(r.statusCodeStats).reduce((n, s) => n + s.count, 0);
  return {
    profile,
    connections: r.connections,
    durationS,
    ...extra,
    sent,
    answered,
    ok2xx,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    ratePerS: round(ok2xx / durationS, 1),
    latencyMs: latencyStats(latencies),
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    duplicateAnswers: duplicates,
    unanswered: Math.max(0, sent - answered),
  };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * autocannon stops at the first 1-second sample tick after `duration` has passed, and its duration timer loses the
 * race with the tick that falls on the same millisecond: `duration: 10` runs 11 s. Half a second less runs 10 s.
 * (Rates are computed over the duration autocannon measured, whatever it is.)
 */
const autocannonDuration = (seconds: number): number => Math.max(0.5, seconds - 0.5);

/** Closed loop: `connections` connections, each sending its next request as soon as the previous is answered. */
export async function runSustained(
  url: string,
  source: UpdateSource,
  secret: string,
  tally: Tally,
  options: { connections: number; durationS: number; profile?: string },
): Promise<LoadSummary> {
  const duplicatesBefore = tally.duplicates;
  const producedBefore = source.produced;
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: autocannonDuration(options.durationS),
    timeout: 10,
    pipelining: 1,
    requests: [requestSpec(source, secret, tally)],
  });
  recordLatencies(instance, latencies);
  const result = await instance;
  const sent = source.produced - producedBefore;
  return summarize(options.profile ?? "sustained", result, sent, result.duration, result["2xx"], {}, tally.duplicates - duplicatesBefore, latencies);
}

/**
 * Fixed arrival rate with autocannon's `overallRate`. autocannon paces per connection and per wall-clock second:
 * each connection sends its quota for the second back to back, then waits for the next second, so one instance
 * sends its whole rate as one burst at the top of every second. To spread the arrivals over the second as a real
 * stream of updates would be, `slices` instances of rate/slices each are started 1000/slices ms apart (slices = 1 is
 * a single `overallRate: rate` instance). Latency is recorded as measured (ignoreCoordinatedOmission): autocannon's
 * correction assumes an interval of ceil(1000/rate-per-connection) ms and, at these rates, rounds it to 1 ms, which
 * would add a fake sample per millisecond of every answer.
 */
export async function runFixedRate(
  url: string,
  source: UpdateSource,
  secret: string,
  tally: Tally,
  options: { rate: number; durationS: number; connections: number; slices: number },
): Promise<LoadSummary> {
  const slices = Math.max(1, Math.min(options.slices, options.rate));
  const perSliceConnections = Math.max(1, Math.round(options.connections / slices));
  const duplicatesBefore = tally.duplicates;
  const producedBefore = source.produced;
  const base: Options = {
    url,
    duration: autocannonDuration(options.durationS),
    timeout: 10,
    pipelining: 1,
    ignoreCoordinatedOmission: true,
  };
  const runs: Promise<PartialResult>[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < slices; i++) {
    // Spread the remainder so the slices add up to exactly `rate`.
    const rate = Math.floor(options.rate / slices) + (i < options.rate % slices ? 1 : 0);
    const connections = Math.min(perSliceConnections, rate);
    const delayMs = (i * 1000) / slices;
    runs.push(
      new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(async () => {
        const instance = autocannon({ ...base, connections, overallRate: rate, skipAggregateResult: true, requests: [requestSpec(source, secret, tally)] });
        recordLatencies(instance, latencies);
        return instance;
      }),
    );
  }
  const parts = await Promise.all(runs);
  const result = autocannon.aggregateResult(parts, { ...base, overallRate: options.rate, connections: perSliceConnections * slices });
  const sent = source.produced - producedBefore;
  const ok2xx = parts.reduce((n, p) => n + p["2xx"], 0);
  // The slices overlap for all but 1000/slices ms; each slice's rate is its 2xx over its own duration.
  const ratePerS = parts.reduce((n, p) => n + p["2xx"] / p.duration, 0);
  const durationS = round(parts.reduce((n, p) => n + p.duration, 0) / parts.length, 2);
  const summary = summarize(
    `fixed-rate ${options.rate}/s`,
    result,
    sent,
    durationS,
    ok2xx,
    { targetRate: options.rate },
    tally.duplicates - duplicatesBefore,
    latencies,
  );
  return { ...summary, ratePerS: round(ratePerS, 1), connections: perSliceConnections * slices };
}
