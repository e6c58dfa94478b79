/**
 * A campaign's results as a CSV for a spreadsheet, in Vietnamese: a table of figures, then the same figures
 * by channel, by language and the quiz by commune, each table with its own header row and a blank line
 * between them. UTF-8 with a BOM (Excel then reads Vietnamese correctly), CRLF line ends, dates dd/mm/yyyy in
 * Vietnam time, decimals with a comma as Vietnamese write them.
 *
 * @example res.send(campaignResultsCsv({ title, topic, status }, await campaignResults(db, id), now))
 */
import { csvLine } from "../../officers/export-audit-log.ts";
import type { CampaignResults } from "./campaign-results.ts";
import { REACTION_WINDOW_HOURS } from "./campaign-results.ts";

const BOM = "\uFEFF";
const VN_OFFSET_MS = 7 * 3600_000;

export const CHANNEL_NAMES: Record<string, string> = { telegram: "Telegram", zalo: "Zalo", webchat: "Khung chat trên trang web" };
export const LANGUAGE_NAMES: Record<string, string> = { vi: "Tiếng Việt", hre: "Tiếng Hrê", cua: "Tiếng Co" };
export const TOPIC_NAMES: Record<string, string> = {
  scam: "Cảnh báo lừa đảo",
  drugs: "Phòng chống ma túy",
  traffic: "An toàn giao thông",
  wanted: "Truy nã, tìm người",
  festival: "Ngày hội 19/8",
};

/** "19/08/2027", Vietnam time. */
export function vietnamDate(at: Date): string {
  const [y, m, d] = new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

const num = (n: number) => String(n).replace(".", ",");

export function campaignResultsCsv(campaign: { title: string; topic: string; statusLabel: string }, r: CampaignResults, now: Date): string {
  const h = REACTION_WINDOW_HOURS;
  const lines: string[][] = [
    ["Chỉ số", "Giá trị"],
    ["Chiến dịch", campaign.title],
    ["Chủ đề", TOPIC_NAMES[campaign.topic] ?? campaign.topic],
    ["Trạng thái", campaign.statusLabel],
    ["Ngày gửi đầu tiên", r.firstSentAt ? vietnamDate(r.firstSentAt) : ""],
    ["Ngày gửi cuối cùng", r.lastSentAt ? vietnamDate(r.lastSentAt) : ""],
    ["Ngày xuất số liệu", vietnamDate(now)],
    ["Số người đã nhận tin", num(r.reach)],
    ["Số tin đã gửi", num(r.messagesSent)],
    ["Số người nền tảng báo đã nhận (Zalo)", num(r.delivered)],
    ["Số người đã xem (Zalo)", num(r.seen)],
    [`Số người hủy đăng ký trong ${h} giờ sau khi nhận tin`, num(r.optOuts)],
    [`Số người chặn tài khoản trong ${h} giờ sau khi nhận tin`, num(r.blocked)],
    ["Số tin không gửi được vì người nhận đã chặn từ trước", num(r.blockedBeforeSending)],
    ["Số người bấm nút “Báo tin” trong tin", num(r.reportTaps)],
    ["Số người bấm nút “Làm bài thi” trong tin", num(r.quizTaps)],
    [`Số tin báo gửi trong ${h} giờ sau khi nhận tin`, num(r.tipsWithin48h)],
    [`Số người gửi tin báo trong ${h} giờ sau khi nhận tin`, num(r.tipReportersWithin48h)],
    [`Số người dự thi 19/8 trong ${h} giờ sau khi nhận tin`, num(r.quiz.participants)],
    ["Số bài thi đã làm xong", num(r.quiz.finished)],
    ["Số câu đúng trung bình", num(r.quiz.averageScore)],
  ];
  const groups = (title: string, rows: { name: string; reach: number; delivered: number; seen: number; optOuts: number }[]) => [
    [],
    [title, "Số người đã nhận tin", "Đã nhận (Zalo báo)", "Đã xem (Zalo báo)", `Hủy đăng ký trong ${h} giờ`],
    ...rows.map((g) => [g.name, num(g.reach), num(g.delivered), num(g.seen), num(g.optOuts)]),
  ];
  lines.push(...groups("Kênh", r.byChannel.map((g) => ({ ...g, name: CHANNEL_NAMES[g.channel] ?? g.channel }))));
  lines.push(...groups("Ngôn ngữ", r.byLanguage.map((g) => ({ ...g, name: LANGUAGE_NAMES[g.language] ?? g.language }))));
  lines.push([], ["Xã, phường", "Người dự thi", "Đã làm xong", "Số câu đúng trung bình"]);
  for (const c of r.quiz.byCommune) lines.push([c.communeName, num(c.participants), num(c.finished), num(c.averageScore)]);
  return BOM + lines.map((l) => (l.length ? csvLine(l) : "\r\n")).join("");
}
