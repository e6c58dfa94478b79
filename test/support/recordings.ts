/**
 * Real recordings for tests, made by Debian's ffmpeg from a generated tone (lavfi `sine`): the files a browser
 * (WebM/Opus), a phone (M4A, MP3) or a desktop recorder (WAV) would send. A tone, not speech in any language.
 * Also reads a stored clip back with ffprobe, as a person checking the result would.
 *
 * @example const webm = makeRecording("webm", 30) // Buffer
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type RecordingFormat = "webm" | "mp3" | "wav" | "m4a" | "ogg";

const ENCODE: Record<RecordingFormat, string[]> = {
  // What Chromium's MediaRecorder produces: WebM with one Opus track.
  webm: ["-c:a", "libopus", "-b:a", "32k", "-f", "webm"],
  mp3: ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"],
  wav: ["-c:a", "pcm_s16le", "-f", "wav"],
  m4a: ["-c:a", "aac", "-b:a", "64k", "-f", "ipod"],
  ogg: ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"],
};

/** `seconds` of a tone at `frequency` Hz, mono 48 kHz, encoded as `format`. */
export function makeRecording(format: RecordingFormat, seconds: number, frequency = 440): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tinbao-rec-"));
  const out = path.join(dir, `tone.${format}`);
  try {
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`, "-ac", "1", ...ENCODE[format], out], {
      timeout: 60_000,
    });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ProbedFile {
  container: string;
  codec: string;
  channels: number;
  durationMs: number;
}

/** What ffprobe says of a file: its container, first audio codec, channels and duration. */
export function probeFile(file: string): ProbedFile {
  const out = execFileSync("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], { timeout: 30_000 }).toString("utf8");
  const json = JSON.parse(out) as { format: { format_name: string; duration: string }; streams: { codec_type: string; codec_name: string; channels: number }[] };
  const audio = json.streams.find((s) => s.codec_type === "audio")!;
  return { container: json.format.format_name, codec: audio.codec_name, channels: audio.channels, durationMs: Math.round(Number(json.format.duration) * 1000) };
}
