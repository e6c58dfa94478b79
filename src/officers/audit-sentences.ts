/**
 * The audit log in plain Vietnamese: one sentence per row, naming people, tips, units and
 * campaigns by what an officer calls them ("Cán bộ Lan xem tin QN-7K3P9 lúc 09:42 ngày
 * 03/12/2026."), never by keys or ids. Every action `recordAudit` may write has a row in
 * AUDIT_SENTENCES: the type of `AuditEntry.action` is its keys, so a new action does not compile
 * until it has its sentence. Rows written before an action existed (or by hand) get a generic one.
 *
 * @example const sentences = await describeAuditRows(ctx.db, rows) // Map from row id to sentence
 */
import type { Tx } from "../db/client.ts";
import { STATUS_LABELS, type TipStatus } from "../tips/workflow.ts";
import { ROLES, isRole } from "./roles.ts";

/** What a sentence may name, resolved from ids in one batch per page. */
export interface AuditNames {
  officers: Map<string, string>;
  tips: Map<string, string>;
  units: Map<string, string>;
  campaigns: Map<string, string>;
  faqs: Map<string, string>;
}

export interface AuditFacts {
  action: string;
  officerId: string | null;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
}

type Say = (e: AuditFacts, n: AuditNames) => string;

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const quoted = (v: string) => `«${v}»`;

function tipOf(e: AuditFacts, n: AuditNames): string {
  const id = e.targetType === "tip" ? e.targetId : text(e.data.tipId);
  const ref = text(e.data.reference) || (id ? n.tips.get(id) : undefined);
  return ref ? `tin ${ref}` : "một tin báo (đã xóa)";
}
function officerOf(id: string | null, n: AuditNames): string {
  const name = id ? n.officers.get(id) : undefined;
  return name ? `cán bộ ${name}` : "một tài khoản cán bộ";
}
function unitOf(id: unknown, n: AuditNames): string {
  const key = text(id);
  return key ? (n.units.get(key) ?? "một đơn vị") : "";
}
function campaignOf(e: AuditFacts, n: AuditNames): string {
  const title = text(e.data.title) || (e.targetId ? n.campaigns.get(e.targetId) : undefined);
  return title ? `chiến dịch ${quoted(title)}` : "một chiến dịch tuyên truyền";
}
function faqOf(e: AuditFacts, n: AuditNames): string {
  const q = e.targetId ? n.faqs.get(e.targetId) : undefined;
  return q ? `mục hỏi đáp ${quoted(q)}` : "một mục hỏi đáp";
}
function loginName(e: AuditFacts): string {
  return e.targetId ? `tài khoản «${e.targetId}»` : "một tài khoản";
}
const statusOf = (v: unknown) => (typeof v === "string" && Object.hasOwn(STATUS_LABELS, v) ? STATUS_LABELS[v as TipStatus] : "");
const roleLabel = (v: unknown) => (typeof v === "string" && isRole(v) ? ROLES[v].label : "vai trò khác");

const OFFICER_FIELDS: Record<string, string> = { displayName: "họ tên", role: "vai trò", unitId: "đơn vị", languages: "các tiếng biết", disabled: "khóa/mở tài khoản" };
const LOGIN_REFUSALS: Record<string, string> = {
  unknown_user: "không có tài khoản này",
  wrong_password: "sai mật khẩu",
  disabled: "tài khoản đã bị khóa",
};
const FILE_FORMATS: Record<string, string> = { csv: "CSV", xlsx: "Excel" };
const TRANSLATION_FORMATS: Record<string, string> = { json: "JSON i18next", xlf: "XLIFF 2.0" };
/** "2026-07-01" → "01/07/2026". */
const isoDay = (v: unknown) => /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(v))?.slice(1).reverse().join("/") ?? "";
const CHANNELS: Record<string, string> = { telegram: "Telegram", zalo: "Zalo", webchat: "trang web" };

function officerChanges(e: AuditFacts, n: AuditNames): string {
  const parts = Object.entries(e.data).flatMap(([k, v]) => {
    if (k === "sessionsEnded") return [];
    const change = v as { from?: unknown; to?: unknown } | null;
    if (k === "role" && change) return [`vai trò thành ${roleLabel(change.to)}`];
    if (k === "unitId" && change) return [change.to ? `đơn vị thành ${unitOf(change.to, n)}` : "bỏ đơn vị"];
    if (k === "disabled" && change) return [change.to ? "khóa tài khoản" : "mở lại tài khoản"];
    if (k === "displayName" && change) return [`họ tên thành ${quoted(text(change.to))}`];
    return [OFFICER_FIELDS[k] ?? "thông tin khác"];
  });
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** "bản dịch Tiếng Hrê của câu «Bạn muốn báo về việc gì?»" (the Vietnamese text, never the key). */
function translationOf(e: AuditFacts): string {
  const language = text(e.data.language) || "tiếng dân tộc";
  const source = text(e.data.source);
  return `bản dịch ${language}${source ? ` của câu ${quoted(source)}` : ""}`;
}

/** The sentence for each action, without the actor and the time: "xem tin QN-7K3P9". */
export const AUDIT_SENTENCES = {
  "auth.login": (e) => `đăng nhập vào ${loginName(e)}`,
  "auth.login_failed": (e) => `đăng nhập không được vào ${loginName(e)}${LOGIN_REFUSALS[text(e.data.reason)] ? ` (${LOGIN_REFUSALS[text(e.data.reason)]})` : ""}`,
  "auth.login_throttled": (e) => `bị tạm chặn đăng nhập vì thử sai quá nhiều lần (${loginName(e)})`,
  "auth.logout": () => "đăng xuất",
  "auth.password_change": () => "đổi mật khẩu của mình",
  "auth.password_change_failed": () => "đổi mật khẩu không được (nhập sai mật khẩu hiện tại)",
  "auth.password_change_throttled": () => "bị tạm chặn đổi mật khẩu vì nhập sai quá nhiều lần",
  "officer.create": (e, n) => `tạo tài khoản ${officerOf(e.targetId, n)} (${roleLabel(e.data.role)}${e.data.unitId ? `, ${unitOf(e.data.unitId, n)}` : ""})`,
  "officer.update": (e, n) => `sửa tài khoản ${officerOf(e.targetId, n)}${officerChanges(e, n)}`,
  "officer.password_reset": (e, n) => `đặt lại mật khẩu cho ${officerOf(e.targetId, n)}`,
  "unit.load": (e) => `nạp danh sách đơn vị công an từ tệp${text(e.data.file) ? ` ${text(e.data.file)}` : ""}`,
  "unit.create": (e, n) => `thêm đơn vị ${unitOf(e.targetId, n) || text(e.data.name)}`,
  "unit.update": (e, n) => `sửa thông tin đơn vị ${unitOf(e.targetId, n)}`,
  "tip.read": (e, n) => `xem ${tipOf(e, n)}`,
  "tip.search": (e) => `tìm tin báo với từ khóa ${quoted(text(e.data.q))}`,
  "tip.print": (e, n) => `in hồ sơ ${tipOf(e, n)}${e.data.withIdentity ? " (có danh tính người báo tin)" : ""}`,
  "tip.identity_reveal": (e, n) => `xem danh tính người báo ${tipOf(e, n)}`,
  "tip.claimed": (e, n) => `nhận xử lý ${tipOf(e, n)}`,
  "tip.assigned": (e, n) => `giao ${tipOf(e, n)} cho ${e.data.assignee ? officerOf(text(e.data.assignee), n) : "cán bộ khác"}`,
  "tip.status_changed": (e, n) => `đổi trạng thái ${tipOf(e, n)}${statusOf(e.data.to) ? ` sang ${quoted(statusOf(e.data.to))}` : ""}`,
  "tip.merged": (e, n) => `gộp ${tipOf(e, n)} vào tin trùng${n.tips.get(text(e.data.original)) ? ` ${n.tips.get(text(e.data.original))}` : ""}`,
  "tip.deadline_extended": (e, n) => `gia hạn giải quyết ${tipOf(e, n)}${text(e.data.days) ? ` thêm ${text(e.data.days)} ngày` : ""}`,
  "tip.route": (e, n) => `chuyển ${tipOf(e, n)}${e.data.to ? ` cho ${unitOf(e.data.to, n)}` : ""}`,
  "tip.note": (e, n) => `thêm ghi chú nội bộ vào ${tipOf(e, n)}`,
  "tip.message": (e, n) => `nhắn cho người báo ${tipOf(e, n)}`,
  "attachment.read": (e, n) => `mở tệp đính kèm của ${tipOf(e, n)}`,
  "question.answer": () => "trả lời một câu hỏi của người dân",
  "faq.create": (e, n) => `thêm ${faqOf(e, n)}`,
  "faq.update": (e, n) => `sửa ${faqOf(e, n)}`,
  "faq.import": (e) => `nạp tệp hỏi đáp (thêm ${text(e.data.created) || 0}, sửa ${text(e.data.updated) || 0} mục)`,
  "quiz.approve": () => "duyệt một câu hỏi cuộc thi",
  "translation.save": (e) => `lưu bản nháp ${translationOf(e)}${e.data.clip ? " (có ghi âm)" : ""}${e.data.wasReviewed ? "; bản đã duyệt trước đó thôi không gửi cho người dân cho đến khi được duyệt lại" : ""}`,
  "translation.approve": (e) => `duyệt ${translationOf(e)}; từ nay người dân chọn tiếng này nhận được câu đã dịch`,
  "translation.send_back": (e) => `trả lại thành bản nháp ${translationOf(e)}${text(e.data.reason) ? ` (lý do: ${quoted(text(e.data.reason))})` : ""}`,
  "translation.export": (e) => `tải tệp bản dịch ${text(e.data.language) || "tiếng dân tộc"} (${TRANSLATION_FORMATS[text(e.data.format)] ?? "tệp"}, ${e.data.state === "all" ? "cả bản nháp" : "chỉ câu đã duyệt"}: ${text(e.data.count) || 0} câu có bản dịch)`,
  "translation.import": (e) =>
    `nhập tệp bản dịch ${text(e.data.language) || "tiếng dân tộc"} (${TRANSLATION_FORMATS[text(e.data.format)] ?? "tệp"}): ${text(e.data.created) || 0} câu mới và ${text(e.data.updated) || 0} câu sửa thành bản nháp chờ duyệt, ${text(e.data.unchanged) || 0} câu giữ nguyên, ${text(e.data.refused) || 0} câu không nhận`,
  "campaign.create": (e, n) => `soạn ${campaignOf(e, n)}`,
  "campaign.update": (e, n) => `sửa ${campaignOf(e, n)}`,
  "campaign.submit": (e, n) => `gửi duyệt ${campaignOf(e, n)}`,
  "campaign.approve": (e, n) => `duyệt ${campaignOf(e, n)}`,
  "campaign.pause": (e, n) => `tạm dừng ${campaignOf(e, n)}`,
  "campaign.resume": (e, n) => `cho gửi tiếp ${campaignOf(e, n)}`,
  "campaign.cancel": (e, n) => `hủy ${campaignOf(e, n)}`,
  "campaign.test_link_code": () => "lấy mã để nhận tin thử chiến dịch",
  "campaign.test_send": (e, n) => `gửi thử ${campaignOf(e, n)}${CHANNELS[text(e.data.channel)] ? ` qua ${CHANNELS[text(e.data.channel)]}` : ""}`,
  "campaign.image_upload": () => "tải lên một ảnh cho chiến dịch tuyên truyền",
  "campaign.export": (e, n) => `tải kết quả ${campaignOf(e, n)}`,
  "audit.read": () => "xem nhật ký thao tác",
  "audit.export": () => "tải nhật ký thao tác (CSV)",
  "tip.export": (e) => `tải danh sách tin báo (${FILE_FORMATS[text(e.data.format)] ?? "tệp"}, ${text(e.data.rows) || "0"} tin)`,
  "report.export": (e, n) => {
    const what = e.data.format === "print" ? "mở bản in báo cáo" : `tải tệp ${FILE_FORMATS[text(e.data.format)] ?? "báo cáo"}${FILE_FORMATS[text(e.data.format)] ? " báo cáo" : ""}`;
    const period = isoDay(e.data.from) && isoDay(e.data.to) ? ` từ ${isoDay(e.data.from)} đến ${isoDay(e.data.to)}` : "";
    return `${what}${period} (${unitOf(e.data.unitId, n) || "toàn tỉnh"})`;
  },
} satisfies Record<string, Say>;

export type AuditAction = keyof typeof AUDIT_SENTENCES;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_SENTENCES, value);
}

/** "09:42 ngày 03/12/2026", Vietnam time. */
export function vietnamClock(at: Date): string {
  const v = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${v.slice(11, 16)} ngày ${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}`;
}

function actorOf(e: AuditFacts, n: AuditNames): string {
  if (e.officerId) {
    const name = n.officers.get(e.officerId);
    if (!name) return "Một cán bộ (tài khoản đã xóa)";
    // "Đ/c Hà" or "Cán bộ Lan" already say who it is.
    return /^(cán bộ|đ\/c|đồng chí)\s/iu.test(name) ? name : `Cán bộ ${name}`;
  }
  if (e.action === "unit.load") return "Hệ thống";
  return "Người dùng chưa đăng nhập";
}

/** One full sentence: who, what, when. */
export function auditSentence(e: AuditFacts, at: Date, n: AuditNames): string {
  const say: Say | undefined = isAuditAction(e.action) ? AUDIT_SENTENCES[e.action] : undefined;
  const what = say ? say(e, n) : "làm một thao tác chưa có mô tả (xem chi tiết)";
  return `${actorOf(e, n)} ${what} lúc ${vietnamClock(at)}.`;
}

interface Row {
  officerId: string | null;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
}

/** Looks up, in one query per kind, the names the rows' sentences need; `known` is reused across pages. */
export async function auditNames(db: Tx, rows: Row[], known?: AuditNames): Promise<AuditNames> {
  const n: AuditNames = known ?? { officers: new Map(), tips: new Map(), units: new Map(), campaigns: new Map(), faqs: new Map() };
  const want = { officers: new Set<string>(), tips: new Set<string>(), units: new Set<string>(), campaigns: new Set<string>(), faqs: new Set<string>() };
  const add = (kind: keyof AuditNames, id: unknown) => {
    if (typeof id === "string" && id && !n[kind].has(id)) want[kind].add(id);
  };
  for (const r of rows) {
    add("officers", r.officerId);
    if (r.targetType === "officer") add("officers", r.targetId);
    if (r.targetType === "tip" && typeof r.data.reference !== "string") add("tips", r.targetId);
    add("tips", r.data.tipId);
    add("officers", r.data.assignee);
    add("tips", r.data.original);
    if (r.targetType === "unit") add("units", r.targetId);
    if (r.targetType === "tip") for (const k of ["to", "from"]) add("units", r.data[k]);
    add("units", r.data.unitId);
    const unitChange = r.data.unitId as { to?: unknown } | undefined;
    if (unitChange && typeof unitChange === "object") add("units", unitChange.to);
    if (r.targetType === "campaign" && typeof r.data.title !== "string") add("campaigns", r.targetId);
    if (r.targetType === "faq") add("faqs", r.targetId);
  }
  const ids = (kind: keyof AuditNames) => [...want[kind]];
  const [officers, tips, units, campaigns, faqs] = await Promise.all([
    want.officers.size ? db.officer.findMany({ where: { id: { in: ids("officers") } }, select: { id: true, displayName: true } }) : [],
    want.tips.size ? db.tip.findMany({ where: { id: { in: ids("tips") } }, select: { id: true, reference: true } }) : [],
    want.units.size ? db.policeUnit.findMany({ where: { id: { in: ids("units") } }, select: { id: true, name: true } }) : [],
    want.campaigns.size ? db.campaign.findMany({ where: { id: { in: ids("campaigns") } }, select: { id: true, title: true } }) : [],
    want.faqs.size ? db.faqEntry.findMany({ where: { id: { in: ids("faqs") } }, select: { id: true, questionsJson: true } }) : [],
  ]);
  for (const o of officers) n.officers.set(o.id, o.displayName);
  for (const t of tips) n.tips.set(t.id, t.reference);
  for (const u of units) n.units.set(u.id, u.name);
  for (const c of campaigns) n.campaigns.set(c.id, c.title);
  for (const f of faqs) n.faqs.set(f.id, firstQuestion(f.questionsJson) ?? "mục hỏi đáp");
  return n;
}

function firstQuestion(json: string): string | undefined {
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) && typeof list[0] === "string" ? list[0] : undefined;
  } catch {
    return undefined;
  }
}
