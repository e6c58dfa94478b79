/**
 * Debian's ffmpeg and ffprobe (`apt-get install -y ffmpeg`), found on PATH (or at FFMPEG_PATH / FFPROBE_PATH) and
 * never downloaded at run time. Both are run with an argument array (no shell), a time limit (then SIGKILL) and a cap
 * on what they print, so a hostile file can neither inject a command nor hold the process.
 *
 * @example const tools = await findAudioTools(ctx.config.audio); // undefined when ffmpeg is not installed
 *          await runTool(tools.ffmpeg, ["-i", input, output], { timeoutMs: 60_000 });
 */
import { spawn } from "node:child_process";

export interface AudioTools {
  ffmpeg: string;
  ffprobe: string;
}

/** The tool ran and failed (bad input, most often), timed out, or could not be started. */
export class ToolError extends Error {
  override name = "ToolError";
  constructor(
    message: string,
    readonly reason: "failed" | "timeout" | "missing",
    readonly stderr = "",
  ) {
    super(message);
  }
}

export interface RunOptions {
  timeoutMs: number;
  /** Bytes of standard output kept (ffprobe's JSON); more fails the run. Default 1 MB. */
  maxOutputBytes?: number;
}

const STDERR_KEPT = 4096;

/** Runs `command` with `args` (no shell) and resolves with its standard output when it exits with 0. */
export function runTool(command: string, args: string[], options: RunOptions): Promise<string> {
  const maxOutput = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], shell: false, windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = "";
    let failure: ToolError | undefined;
    const stop = (error: ToolError) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(new ToolError(`${command} took longer than ${options.timeoutMs} ms`, "timeout")), options.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) return stop(new ToolError(`${command} printed more than ${maxOutput} bytes`, "failed"));
      out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString("utf8").slice(0, STDERR_KEPT - stderr.length);
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failure ?? new ToolError(`${command} could not be started (${err.code ?? err.message})`, err.code === "ENOENT" || err.code === "EACCES" ? "missing" : "failed"));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(Object.assign(failure, { stderr }));
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      reject(new ToolError(`${command} exited with ${code ?? signal}: ${stderr.trim().split("\n").at(-1) ?? ""}`, "failed", stderr));
    });
  });
}

/** How long a found (or missing) pair is trusted: installing ffmpeg takes effect without a restart. */
const RECHECK_MS = 60_000;
const found = new Map<string, { tools: AudioTools | undefined; at: number }>();

/** The tools when both answer `-version`; undefined when either is missing. Cached for a minute per path pair. */
export async function findAudioTools(paths: AudioTools, now = Date.now()): Promise<AudioTools | undefined> {
  const key = `${paths.ffmpeg}\0${paths.ffprobe}`;
  const hit = found.get(key);
  if (hit && now - hit.at < RECHECK_MS) return hit.tools;
  const answers = async (command: string) =>
    runTool(command, ["-hide_banner", "-version"], { timeoutMs: 10_000 }).then(
      () => true,
      () => false,
    );
  const [ffmpeg, ffprobe] = await Promise.all([answers(paths.ffmpeg), answers(paths.ffprobe)]);
  const tools = ffmpeg && ffprobe ? { ...paths } : undefined;
  found.set(key, { tools, at: now });
  return tools;
}
