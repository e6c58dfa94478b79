/**
 * Report files and tip exports cost seconds of the database's time each (a year's report on SQLite at a million
 * tips: 6–16 s; 100,000 tips as Excel: ~40 s). A download button pressed again and again, or a script with a stolen
 * session, must not queue up enough of them to stall the queue and the residents' chats. So each officer may run at
 * most PER_OFFICER of them at once and the process at most PER_PROCESS; one more is refused at once (429) with a
 * message saying to wait, never queued. A slot is held until the file has been written out (streams included).
 *
 * @example await heavyWork(ctx).run(officer.id, () => streamTheFile())
 */
import { AppError } from "../http/errors.ts";

export const PER_OFFICER = 2;
export const PER_PROCESS = 3;

export class HeavyWork {
  private readonly byOfficer = new Map<string, number>();
  private running = 0;

  constructor(
    readonly perOfficer = PER_OFFICER,
    readonly perProcess = PER_PROCESS,
  ) {}

  /** Runs `work` in a slot, or throws too_many_requests when the officer's or the process's slots are taken. */
  async run<T>(officerId: string, work: () => Promise<T>): Promise<T> {
    const mine = this.byOfficer.get(officerId) ?? 0;
    if (mine >= this.perOfficer) {
      throw new AppError(
        "too_many_requests",
        `Bạn đang tải ${mine} tệp (báo cáo hoặc danh sách tin báo) cùng lúc. Hãy chờ các tệp đó tải xong rồi bấm lại.`,
      );
    }
    if (this.running >= this.perProcess) {
      throw new AppError("too_many_requests", "Máy chủ đang lập các tệp báo cáo khác. Hãy thử lại sau ít phút.");
    }
    this.byOfficer.set(officerId, mine + 1);
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      const left = (this.byOfficer.get(officerId) ?? 1) - 1;
      if (left > 0) this.byOfficer.set(officerId, left);
      else this.byOfficer.delete(officerId);
    }
  }
}

const gates = new WeakMap<object, HeavyWork>();

/** The gate of one running service (tests start several in one process: each has its own). */
export function heavyWork(ctx: object): HeavyWork {
  let gate = gates.get(ctx);
  if (!gate) gates.set(ctx, (gate = new HeavyWork()));
  return gate;
}
