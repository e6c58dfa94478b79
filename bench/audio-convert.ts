/**
 * How long a translator waits for a 30 s recording to be taken in: `storeClip` end to end (hash, type check, ffprobe,
 * OGG/Opus and M4A conversions with Debian's ffmpeg, the AudioClip row), on a SQLite file in a temporary folder.
 *
 *   npm run bench:audio [-- --runs 7 --seconds 30]
 *
 * Two sources, made by ffmpeg before timing starts: WebM/Opus as Chromium's MediaRecorder sends it (mono 48 kHz,
 * 64 kbit/s) and an MP3 as a phone's recorder app saves it (mono 44.1 kHz, 128 kbit/s). The signal is a tone whose
 * pitch and loudness move a few times a second, closer to a voice than a steady sine. Each run converts from scratch
 * (the previous run's clip is removed first). Prints the load average first: the figures mean little on a busy machine.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { storeClip } from "../src/audio/store-clip.ts";
import { createTestContext } from "../test/support/context.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, seconds: { type: "string", default: "30" } } });
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);

const VOICE_LIKE = "0.5*sin(2*PI*(170+50*sin(2*PI*3*t))*t)*(0.55+0.45*sin(2*PI*4.5*t))+0.03*sin(2*PI*2300*t)";
const SOURCES = [
  { name: "WebM/Opus (browser)", ext: "webm", mime: "audio/webm", args: ["-ar", "48000", "-c:a", "libopus", "-b:a", "64k", "-f", "webm"] },
  { name: "MP3 (phone)", ext: "mp3", mime: "audio/mpeg", args: ["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"] },
];

/**
 * CPU seconds used so far by this process's finished children (ffmpeg, ffprobe), from /proc (Linux): unlike the wall
 * time, it hardly moves with the machine's load. Undefined elsewhere.
 */
function childCpuMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here; 100 ticks a second.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  console.log(`load average before the run: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()})`);
  console.log(`ffmpeg: ${execFileSync("ffmpeg", ["-hide_banner", "-version"]).toString().split("\n")[0]}`);
  const ctx = await createTestContext({ LOG_LEVEL: "error" });
  try {
    for (const source of SOURCES) {
      const input = path.join(ctx.dir, `source.${source.ext}`);
      execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", `aevalsrc=${VOICE_LIKE}:s=48000:d=${SECONDS}`, "-ac", "1", ...source.args, input]);
      const bytes = readFileSync(input);
      const times: number[] = [];
      const cpu: number[] = [];
      let last;
      for (let run = 0; run < RUNS; run++) {
        await ctx.db.audioClip.deleteMany();
        rmSync(path.join(ctx.config.mediaDir, "clips"), { recursive: true, force: true });
        const started = performance.now();
        const cpuBefore = childCpuMs();
        last = await storeClip(ctx, { id: "bench" }, bytes, source.mime);
        times.push(performance.now() - started);
        const cpuAfter = childCpuMs();
        if (cpuBefore !== undefined && cpuAfter !== undefined) cpu.push(cpuAfter - cpuBefore);
      }
      const clip = last!.clip;
      const size = (relative: string | null) => `${Math.round(statSync(path.join(ctx.config.mediaDir, relative!)).size / 1024)} KB`;
      console.log(
        `${source.name}, ${SECONDS} s, ${Math.round(bytes.length / 1024)} KB: median ${median(times).toFixed(0)} ms ` +
          `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, ${RUNS} runs)` +
          (cpu.length ? `, ffmpeg+ffprobe CPU median ${median(cpu).toFixed(0)} ms` : "") +
          " → " +
          `OGG/Opus ${size(clip.oggFile)}, M4A ${size(clip.m4aFile)}, measured ${(clip.durationMs / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    await ctx.close();
  }
  console.log(`load average after the run: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

await main();
