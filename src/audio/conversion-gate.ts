/**
 * Converting a clip keeps a CPU core busy for a fraction of a second to a few seconds, and the service shares its
 * cores with the residents' chats. So a process converts at most RUNNING clips at once; a few more wait their turn
 * (translators upload now and then, not in floods), and past that, or after waiting too long, the upload is refused
 * at once (429) with a message saying to try again shortly.
 *
 * @example await conversionGate(ctx).run(() => convertClip(...))
 */
import { AppError } from "../http/errors.ts";

export const RUNNING = 2;
export const WAITING = 6;
const MAX_WAIT_MS = 60_000;

const BUSY = "Máy chủ đang chuyển đổi nhiều bản ghi âm khác. Bạn chờ khoảng một phút rồi lưu lại bản ghi này nhé.";

export class ConversionGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly maxRunning = RUNNING,
    readonly maxWaiting = WAITING,
    readonly maxWaitMs = MAX_WAIT_MS,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.maxWaiting) return Promise.reject(new AppError("too_many_requests", BUSY));
    return new Promise((resolve, reject) => {
      const go = () => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(go);
        if (at >= 0) this.queue.splice(at, 1);
        reject(new AppError("too_many_requests", BUSY));
      }, this.maxWaitMs);
      this.queue.push(go);
    });
  }

  private leave(): void {
    this.running--;
    this.queue.shift()?.();
  }
}

const gates = new WeakMap<object, ConversionGate>();

/** The gate of one running service (tests start several in one process: each has its own). */
export function conversionGate(ctx: object): ConversionGate {
  let gate = gates.get(ctx);
  if (!gate) gates.set(ctx, (gate = new ConversionGate()));
  return gate;
}
