/**
 * Reads and converts a recording with ffprobe/ffmpeg. The input's demuxer is named from its sniffed type (never
 * guessed by ffmpeg from the content) and only local files may be opened, so a crafted upload cannot make ffmpeg read
 * a playlist, another file or the network. Output is capped at the longest clip taken (plus a little), so a long
 * file costs no more than a long clip to convert.
 *
 * @example const info = await probeAudio(tools, "/…/clip.webm", "audio/webm");
 *          await convertClip(tools, "/…/clip.webm", "audio/webm", [{ file: "/…/out.ogg", copy: "ogg" }], { maxSeconds: 180 });
 */
import { runTool, type AudioTools } from "./audio-tools.ts";

/** ffmpeg's demuxer for each type sniff.ts recognises as a possible recording. */
const DEMUXER: Record<string, string> = {
  "audio/webm": "matroska",
  "video/webm": "matroska",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/mp4": "mov",
  "video/mp4": "mov",
  "video/quicktime": "mov",
  "video/3gpp": "mov",
  "audio/amr": "amr",
  "audio/flac": "flac",
};

export function isConvertible(mime: string): boolean {
  return Object.hasOwn(DEMUXER, mime);
}

const PROBE_TIMEOUT_MS = 15_000;
const CONVERT_TIMEOUT_MS = 60_000;

function inputArgs(file: string, mime: string): string[] {
  const demuxer = DEMUXER[mime];
  if (!demuxer) throw new Error(`no demuxer for ${mime}`);
  return ["-protocol_whitelist", "file", "-f", demuxer, "-i", `file:${file}`];
}

export interface AudioInfo {
  /** Undefined when the container does not say (a browser's WebM recording often does not). */
  durationMs?: number;
  audioCodec?: string;
  /** Real pictures in motion; a cover image (attached_pic) does not count. */
  hasVideo: boolean;
  formatName?: string;
}

interface ProbeJson {
  streams?: { codec_type?: string; codec_name?: string; duration?: string; disposition?: { attached_pic?: number } }[];
  format?: { format_name?: string; duration?: string };
}

/** What is in the file; rejects with ToolError when ffprobe cannot read it. */
export async function probeAudio(tools: AudioTools, file: string, mime: string): Promise<AudioInfo> {
  const out = await runTool(tools.ffprobe, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", ...inputArgs(file, mime)], {
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  const json = JSON.parse(out) as ProbeJson;
  const streams = json.streams ?? [];
  const audio = streams.find((s) => s.codec_type === "audio");
  const seconds = Number(json.format?.duration ?? audio?.duration);
  return {
    ...(Number.isFinite(seconds) && seconds > 0 ? { durationMs: Math.round(seconds * 1000) } : {}),
    ...(audio?.codec_name ? { audioCodec: audio.codec_name } : {}),
    hasVideo: streams.some((s) => s.codec_type === "video" && !s.disposition?.attached_pic),
    ...(json.format?.format_name ? { formatName: json.format.format_name } : {}),
  };
}

/**
 * The copies a clip is kept in. OGG/Opus: mono 48 kHz at 24 kbit/s in Opus's speech mode, about 180 KB a minute,
 * so a three-minute clip stays well under 1 MB (a Telegram voice note). M4A: AAC-LC mono at 64 kbit/s with the index
 * at the front, so Safari starts playing before the whole file arrives.
 */
const OUTPUT_ARGS: Record<"ogg" | "m4a", string[]> = {
  ogg: ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg"],
  m4a: ["-ac", "1", "-ar", "44100", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4"],
};

export interface ConvertOptions {
  /** Output stops a little past this: the caller measures the result and refuses a clip that is too long. */
  maxSeconds: number;
  timeoutMs?: number;
}

/**
 * Writes the first audio track of `input` once per output, in one ffmpeg run (the input is read and decoded once);
 * rejects with ToolError when ffmpeg cannot.
 */
export async function convertClip(
  tools: AudioTools,
  input: string,
  mime: string,
  outputs: { file: string; copy: "ogg" | "m4a" }[],
  options: ConvertOptions,
): Promise<void> {
  const each = outputs.flatMap(({ file, copy }) => [
    "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
    "-t", String(options.maxSeconds + 1),
    ...OUTPUT_ARGS[copy],
    `file:${file}`,
  ]);
  await runTool(tools.ffmpeg, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...inputArgs(input, mime), ...each], {
    timeoutMs: options.timeoutMs ?? CONVERT_TIMEOUT_MS,
  });
}
