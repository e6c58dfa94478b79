/**
 * Generated tips for the queue benchmark (bench/queue.ts): a Quảng Ngãi-like province written straight into a
 * migrated database with raw bulk SQL (better-sqlite3 prepared statements in large transactions; PostgreSQL
 * multi-row INSERT … SELECT FROM unnest($1::text[], …) in chunks). Deterministic for a given seed.
 *
 * What is generated (see bench/README.md, "Queue list and search"):
 *   - 100 communes (the 4 real demo codes + 96 synthetic "2xxxx" codes, Vietnamese names), one AdminDataVersion;
 *   - police units: the provincial duty desk, one commune police unit per commune, the drugs unit (PC04);
 *   - officers: 3 per commune unit, 3 at the duty desk, 2 at PC04 (plus the two the benchmark signs in as);
 *   - tips over 5 years (`years` to change it; more recent years busier), commune sizes skewed (a city ward gets ~40× a mountain commune),
 *     10 categories, ~95 % closed / rejected / duplicate and ~5 % open (recent), ~3 % urgent, deadlines
 *     (ackDueAt +24 h, settleDueAt +20 days, sometimes extended; dueAt per dueAtFor), assignees, Vietnamese
 *     descriptions and places from templates (with diacritics) and their folded copies (src/text/normalize.ts);
 *   - TipRouting rows: one active primary per tip, support rows (drugs → PC04, urgent → duty desk), and for
 *     re-routed tips the ended first row; ~15 % of tips have 1–3 Attachment rows (the list counts them).
 * The Tip / TipRouting / Attachment indexes are dropped during the load and re-created afterwards with the exact
 * SQL the migrations created (so the schema is the migrated one), then ANALYZE (PostgreSQL only, as autovacuum would;
 * SQLite gets none unless `analyzeSqlite`, because the service never runs ANALYZE on its database).
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { fold } from "../src/text/normalize.ts";
import { dueAtFor } from "../src/tips/workflow.ts";
import { hashPassword } from "../src/security/passwords.ts";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
const YEARS = 5;

// ---- a small deterministic PRNG ----------------------------------------------------------------------------------

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T extends string>(table: Record<T, number>): (r: number) => T {
  const entries = Object.entries(table) as [T, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  const cumulative: [T, number][] = [];
  let acc = 0;
  for (const [k, w] of entries) cumulative.push([k, (acc += w / total)]);
  return (r) => cumulative.find(([, c]) => r < c)?.[0] ?? cumulative.at(-1)![0];
}

// ---- the province ---------------------------------------------------------------------------------------------------

const PLACE_NAMES = [
  "Ba Tơ", "Sơn Hà", "Trà Bồng", "Cẩm Thành", "Nghĩa Lộ", "Trương Quang Trọng", "Tư Nghĩa", "Mộ Đức", "Đức Phổ", "Bình Sơn",
  "Sơn Tịnh", "Minh Long", "Nghĩa Hành", "Lý Sơn", "Sơn Tây", "Ba Vì", "Ba Dinh", "Ba Tô", "Ba Xa", "Ba Vinh",
  "Sơn Kỳ", "Sơn Hạ", "Sơn Linh", "Sơn Thủy", "Sơn Mai", "Trà Giang", "Trà Tân", "Trà Thủy", "Trà Xinh", "Tây Trà",
  "Thanh Bồng", "Đông Trà Bồng", "Nghĩa Giang", "Nghĩa Hiệp", "Vệ Giang", "Thiện Tín", "Phước Giang", "Long Phụng",
  "Mỏ Cày", "Đình Cương", "Bình Chương", "Bình Minh", "Vạn Tường", "Đông Sơn", "Bình Hải", "Tịnh Khê", "Thọ Phong",
  "Trường Giang", "An Phú", "Nguyễn Nghiêm", "Phổ Phong", "Phổ Ninh", "Phổ Văn", "Sa Huỳnh", "Mỹ Trà", "Tư Nghĩa Đông",
  "Long Sơn", "Minh Long Bắc", "Sơn Thành", "Sơn Tây Thượng", "Sơn Tây Hạ", "Cà Đam", "Tây Sơn", "Ba Động", "Nghĩa Thắng",
  "Hành Thiện", "Hành Phước", "Đức Nhuận", "Đức Lân", "Lân Phong", "Tình Phong", "Trà Câu", "Nghĩa Kỳ", "Tịnh Hà",
  "Tịnh Bình", "Tịnh Đông", "Bình Sơn Đông", "Vạn Tường Bắc", "Thạch Bích", "Trà Bùi", "Trà Sơn", "Gò Rô", "Kon Dốc",
  "Làng Teng", "Nước Lang", "An Hải", "An Vĩnh", "Bình Châu", "Bình Thạnh", "Nghĩa Sơn", "Sơn Long", "Sơn Dung",
  "Sơn Bua", "Sơn Liên", "Sơn Màu", "Ba Trang",
];

export interface Commune {
  code: string;
  name: string;
  fullName: string;
  ward: boolean;
  unitId: string;
  /** Relative share of tips. */
  weight: number;
}

export function province(): Commune[] {
  const demo = new Map([
    ["Ba Tơ", "21484"],
    ["Sơn Hà", "21289"],
    ["Trà Bồng", "21115"],
    ["Cẩm Thành", "21025"],
  ]);
  const r = rng(7);
  const used = new Set(demo.values());
  return PLACE_NAMES.slice(0, 100).map((name, i) => {
    let code = demo.get(name);
    while (!code) {
      const c = String(20950 + Math.floor(r() * 1100));
      if (!used.has(c)) code = c;
    }
    used.add(code);
    const ward = i % 6 === 3 || name === "Cẩm Thành" || name === "Nghĩa Lộ";
    // Zipf-like: the first places (town wards, big communes) get most tips.
    const weight = 1 / Math.pow(i + 1, 0.8) + (ward ? 0.05 : 0);
    return { code, name, fullName: `${ward ? "Phường" : "Xã"} ${name}`, ward, unitId: `CAX-${code}`, weight };
  });
}

export const DUTY_UNIT = "TRUCBAN";
export const DRUGS_UNIT = "PC04";
export const ADMIN_VERSION = "bench-2025";
export const BENCH_PASSWORD = "bench-password-123";

// ---- text -------------------------------------------------------------------------------------------------------

const STREETS = ["Quang Trung", "Hùng Vương", "Lê Lợi", "Phạm Văn Đồng", "Nguyễn Nghiêm", "Trần Hưng Đạo", "Lê Trung Đình", "Phan Đình Phùng", "Bà Triệu", "Hai Bà Trưng", "Nguyễn Công Phương", "Trường Chinh"];
const HAMLETS = ["Làng Teng", "Gò Rô", "Nước Lang", "Đồng Xoài", "Kon Dốc", "An Phú", "Phú Lộc", "Tân Lập", "Thạch Bích", "Làng Rêu", "Nước Nẻ", "Mang Ré", "Gò Da", "Hà Bôi"];
const TIMES = ["khoảng 22 giờ tối qua", "chiều nay", "vào các buổi tối cuối tuần", "sáng sớm nay", "đêm qua lúc gần 1 giờ", "nhiều ngày nay", "trưa hôm qua", "tối thứ Bảy vừa rồi"];
const VEHICLES = ["Honda Wave", "Yamaha Sirius", "Honda Vision", "Air Blade", "Exciter"];
const COLOURS = ["đỏ", "đen", "xanh", "trắng", "bạc"];
const NAMES = ["Tuấn", "Hùng", "Long", "Đức", "Phương", "Lan", "Hòa", "Thắng", "Nghĩa", "Bình", "Dũng", "Sơn"];
const SCHOOLS = ["THCS Nguyễn Tự Tân", "THPT Lê Khiết", "THCS Trần Hưng Đạo", "THPT Ba Tơ", "THCS Sơn Hà"];

type Pick = <T>(list: readonly T[]) => T;
type Fill = (p: Pick, loc: string, r: () => number) => string;

const TEMPLATES: Record<string, Fill[]> = {
  drugs: [
    (p, loc, r) => `Có nhóm thanh niên khoảng ${3 + Math.floor(r() * 6)} người thường tụ tập ${p(TIMES)} tại ${loc} để sử dụng ma túy, nghi có người bán ma túy đá và thuốc lắc.`,
    (p) => `Phát hiện người lạ mang theo gói nilon nghi là ma túy, đi xe máy ${p(VEHICLES)} màu ${p(COLOURS)} trên đường ${p(STREETS)}.`,
    (p, loc) => `Nhà ông ${p(NAMES)} ở ${loc} có nhiều người ra vào lúc nửa đêm, nghi mua bán trái phép chất ma túy.`,
    (p) => `Con tôi bị bạn rủ hút thuốc lá điện tử có pha chất lạ, nghi là ma túy, ở quán nước gần đường ${p(STREETS)}.`,
  ],
  gambling: [
    (p, loc) => `Có tụ điểm đánh bạc ăn tiền (xóc đĩa, đánh bài) tại ${loc}, thường diễn ra ${p(TIMES)}, khoảng chục người tham gia.`,
    () => `Trang cá độ bóng đá qua mạng được rủ rê trong nhóm Zalo của học sinh, có em đã vay nợ để chơi.`,
    (p) => `Một người tên ${p(NAMES)} ghi lô đề công khai tại quán tạp hóa đầu đường ${p(STREETS)}.`,
  ],
  theft: [
    (p, loc) => `Bị mất trộm xe máy ${p(VEHICLES)} màu ${p(COLOURS)} tại ${loc} ${p(TIMES)}.`,
    (p) => `Kẻ gian cạy cửa vào nhà lấy trộm tiền và vàng ${p(TIMES)} trong lúc gia đình đi vắng.`,
    (p, loc) => `Mất trộm bò ở chuồng ${p(TIMES)} tại ${loc}, nghi có người lạ đi xe tải nhỏ.`,
    (p) => `Có người đi xe máy giật điện thoại của phụ nữ trên đường ${p(STREETS)} rồi bỏ chạy về hướng cầu.`,
  ],
  fraud: [
    (_p, _l, r) => `Nhận cuộc gọi giả danh công an yêu cầu chuyển ${5 + Math.floor(r() * 200)} triệu đồng vào tài khoản để "xác minh".`,
    (_p, _l, r) => `Bị lừa đảo qua mạng xã hội khi mua hàng online, đã chuyển khoản ${1 + Math.floor(r() * 30)} triệu đồng nhưng không nhận được hàng.`,
    () => `Có người giả làm nhân viên ngân hàng gửi đường link lạ, mẹ tôi bấm vào và bị mất hết tiền trong tài khoản.`,
  ],
  violence: [
    (_p, loc) => `Hai nhóm thanh niên đánh nhau ở ${loc}, có người bị thương chảy máu.`,
    (p) => `Hàng xóm thường xuyên đánh vợ con, ${p(TIMES)} nghe tiếng kêu cứu.`,
    (_p, loc) => `Xô xát sau khi uống rượu tại đám cưới ở ${loc}, một người bị đánh vào đầu phải đi viện.`,
  ],
  school_violence: [
    (p, _l, r) => `Học sinh lớp ${6 + Math.floor(r() * 6)} trường ${p(SCHOOLS)} bị bạn cùng lớp đánh hội đồng, clip lan truyền trên mạng.`,
    (p) => `Con tôi bị nhóm học sinh lớn hơn chặn đường xin tiền và đe dọa trước cổng trường ${p(SCHOOLS)}.`,
  ],
  weapons: [
    (_p, loc) => `Có người mang dao, mã tấu đi lại trong ${loc} và đe dọa người dân.`,
    (_p, loc) => `Nghi có người tàng trữ súng tự chế để săn bắn trái phép trong rừng gần ${loc}.`,
  ],
  traffic: [
    (p) => `Nhóm thanh niên đua xe, lạng lách trên đường ${p(STREETS)} vào ban đêm, rất nguy hiểm cho người đi đường.`,
    () => `Xe tải chở quá tải làm hư hỏng đường bê tông trong thôn, bụi và ồn suốt ngày.`,
    (_p, loc) => `Tai nạn giao thông giữa xe máy và ô tô ở ngã ba ${loc}, tài xế ô tô bỏ chạy.`,
  ],
  forest: [
    (_p, loc) => `Có người chặt phá rừng phòng hộ, khai thác gỗ trái phép ở khu vực ${loc}.`,
    (p) => `Phát hiện xe chở gỗ lậu đi qua đường ${p(STREETS)} lúc rạng sáng.`,
    () => `Đốt rừng làm rẫy trái phép, khói lớn gần khu dân cư.`,
  ],
  other: [
    () => `Có người lạ đến thôn tự xưng cán bộ, thu tiền của người dân để làm giấy tờ.`,
    (_p, loc) => `Tiếng ồn karaoke kéo dài sau 23 giờ mỗi đêm tại ${loc}.`,
    () => `Phát hiện người lạ ở lại trong thôn nhiều ngày không khai báo tạm trú.`,
  ],
};

const TAILS = [
  "Mong công an sớm kiểm tra, xử lý.",
  "Tôi xin giấu tên vì sợ bị trả thù.",
  "Sự việc xảy ra nhiều lần rồi.",
  "Có ảnh chụp gửi kèm theo.",
  "Người dân trong xóm rất lo lắng.",
  "Đề nghị lực lượng chức năng vào cuộc.",
  "Tôi có thể cung cấp thêm thông tin nếu cần.",
];

function placeText(p: Pick, commune: Commune): string {
  const forms = [
    () => `thôn ${p(HAMLETS)}, ${commune.fullName.toLowerCase().startsWith("xã") ? "xã" : "phường"} ${commune.name}`,
    () => `gần chợ ${commune.name}`,
    () => `đường ${p(STREETS)}, ${commune.fullName}`,
    () => `khu vực cầu ${p(HAMLETS)}`,
    () => `trường ${p(SCHOOLS)}`,
    () => `quán cà phê trên đường ${p(STREETS)}`,
    () => `bãi đất trống sau UBND ${commune.fullName}`,
    () => `bến xe ${commune.name}`,
  ];
  return p(forms)();
}

// ---- one tip ------------------------------------------------------------------------------------------------------

const category = weighted({ theft: 20, fraud: 15, drugs: 12, gambling: 10, traffic: 10, violence: 8, other: 12, forest: 6, school_violence: 4, weapons: 3 });
const openStatus = weighted({ new: 12, received: 18, verifying: 42, handled: 16, forwarded: 12 });
const closedStatus = weighted({ closed: 84, rejected: 11, duplicate: 5 });
const channel = weighted({ zalo: 45, telegram: 40, webchat: 15 });
const language = weighted({ vi: 92, hre: 5, cua: 3 });
const rule = weighted({ pin: 40, typed_commune: 45, place_guess: 7, no_location: 5, manual: 3 });
const outcome = weighted({ administrative: 30, resolved_other: 25, no_violation: 20, prosecuted: 8, not_prosecuted: 7, transferred: 6, suspended: 4 });

const REF_ALPHABET = "ACDEFHJKMNPRTUVWXY3479";
const REF_SPACE = 22 ** 6;
const REF_MULT = 2654435761; // odd and not a multiple of 11: a bijection on 0..22^6-1

/** A unique 6-character reference per index (bijective scramble), like the real 5/6-character codes. */
export function referenceOf(i: number): string {
  let n = Number((BigInt(i) * BigInt(REF_MULT) + 12345n) % BigInt(REF_SPACE));
  let s = "";
  for (let k = 0; k < 6; k++) {
    s = REF_ALPHABET[n % 22] + s;
    n = Math.floor(n / 22);
  }
  return `QN-${s}`;
}

export interface TipRow {
  id: string;
  reference: string;
  secretHash: string;
  sourceKey: string;
  channel: string;
  language: string;
  category: string;
  description: string;
  descriptionFolded: string;
  occurredFrom: number | null;
  occurredTo: number | null;
  occurredText: string | null;
  latitude: number | null;
  longitude: number | null;
  communeCode: string | null;
  placeText: string | null;
  placeFolded: string | null;
  adminDataVersion: string | null;
  urgent: boolean;
  urgentReason: string | null;
  anonymous: boolean;
  status: string;
  ackDueAt: number;
  settleDueAt: number;
  outcome: string | null;
  createdAt: number;
  updatedAt: number;
  unitId: string;
  routeRule: string;
  needsConfirmation: boolean;
  assignedOfficerId: string | null;
  version: number;
  dueAt: number;
  acknowledgedAt: number | null;
  closedAt: number | null;
  settleExtensions: number;
  dutyAlertedAt: number | null;
  reporterActivityAt: number | null;
}

export interface RoutingRow {
  id: string;
  tipId: string;
  unitId: string;
  role: string;
  rule: string;
  active: boolean;
  createdAt: number;
  endedAt: number | null;
}

export interface AttachmentRow {
  id: string;
  tipId: string;
  sourceKey: string;
  kind: string;
  mime: string;
  size: number;
  sha256: string;
  storageKey: string;
  status: string;
  createdAt: number;
}

export interface Officers {
  /** officerIds per unit (the assignable ones). */
  byUnit: Map<string, string[]>;
  rows: { id: string; username: string; displayName: string; role: string; unitId: string | null }[];
}

/** Cheap unique ids, uuid-shaped (randomUUID per row is measurable at 1M × 3). */
function idFactory(prefix: string): (i: number) => string {
  const salt = randomBytes(4).toString("hex");
  return (i) => {
    const h = i.toString(16).padStart(12, "0");
    return `${salt}-${prefix}-4000-8000-${h}`;
  };
}

export interface Generated {
  tips: TipRow[];
  routings: RoutingRow[];
  attachments: AttachmentRow[];
}

export interface GenerateOptions {
  count: number;
  now: number;
  communes: Commune[];
  officers: Officers;
  /** Makes the chunk's rows; call with consecutive ranges. */
  seed?: number;
  /** How many years back tips go (5 unless given; the reports benchmark uses 2). */
  years?: number;
}

/** The communes' cumulative weights, for picking a commune by a uniform number. */
function communePicker(communes: Commune[]): (r: number) => Commune {
  const total = communes.reduce((n, c) => n + c.weight, 0);
  const cumulative = communes.map(
    (
      (acc) => (c: Commune) =>
        (acc += c.weight / total)
    )(0),
  );
  return (r) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return communes[lo]!;
  };
}

export function createGenerator(options: GenerateOptions) {
  const r = rng(options.seed ?? 42);
  const p: Pick = (list) => list[Math.floor(r() * list.length)]!;
  const pickCommune = communePicker(options.communes);
  const tipId = idFactory("a1a1");
  const routingId = idFactory("b2b2");
  const attachmentId = idFactory("c3c3");
  const span = (options.years ?? YEARS) * 365 * DAY;
  const { now } = options;
  let routings = 0;
  let attachments = 0;
  const dutyOfficers = options.officers.byUnit.get(DUTY_UNIT) ?? [];

  /** Rows for tips [from, to). */
  return function chunk(from: number, to: number): Generated {
    const out: Generated = { tips: [], routings: [], attachments: [] };
    for (let i = from; i < to; i++) {
      const open = r() < 0.05;
      // Open tips are recent (most within 45 days, a tail up to 8 months: the overdue ones);
      // closed tips anywhere in 5 years, busier in recent years (density grows linearly).
      const createdAt = open
        ? now - Math.floor((r() < 0.85 ? r() * 45 : 45 + r() * 200) * DAY)
        : now - Math.floor((1 - Math.sqrt(r())) * span) - 30 * DAY;
      let status = open ? openStatus(r()) : closedStatus(r());
      const cat = category(r());
      const lng = language(r());
      const ch = channel(r());
      let routeRule = rule(r());
      const commune = pickCommune(r());
      const hasCommune = routeRule !== "no_location";
      const urgent = r() < 0.03;
      const loc = hasCommune ? placeText(p, commune) : p(["gần nhà tôi", "trong xóm", "ở chợ", "trên đường đi làm"]);
      const parts = [p(TEMPLATES[cat]!)(p, loc, r)];
      for (let t = Math.floor(r() * 3); t > 0; t--) parts.push(p(TAILS));
      const description = parts.join(" ");
      const extensions = r() < 0.05 ? 1 + Math.floor(r() * 2) : 0;
      const ackDueAt = createdAt + 24 * HOUR;
      const settleDueAt = createdAt + 20 * DAY + extensions * 10 * DAY;
      if (open && status === "new" && now - createdAt > 5 * DAY && r() < 0.7) status = "verifying";
      const acknowledgedAt = status === "new" ? null : createdAt + Math.floor(r() * 30 * HOUR);
      const closed = !open;
      const closedAt = closed ? createdAt + Math.floor((0.5 + r() * 25) * DAY) : null;
      const unitId = hasCommune ? commune.unitId : DUTY_UNIT;
      const unitOfficers = options.officers.byUnit.get(unitId) ?? dutyOfficers;
      const assigned = status === "new" ? null : r() < (closed ? 0.9 : 0.7) ? p(unitOfficers) : null;
      const id = tipId(i);
      const dueAt = dueAtFor(status, { ackDueAt: new Date(ackDueAt), settleDueAt: new Date(settleDueAt) }).getTime();
      const withPin = routeRule === "pin";
      // A range, as tips store it now (same random draws as the single time this used to be).
      const occurred = r() < 0.6 ? createdAt - Math.floor(r() * 2 * DAY) : null;
      out.tips.push({
        id,
        reference: referenceOf(i),
        secretHash: "bench",
        sourceKey: `bench:${i}`,
        channel: ch,
        language: lng,
        category: cat,
        description,
        descriptionFolded: fold(description),
        occurredFrom: occurred === null ? null : occurred - HOUR / 2,
        occurredTo: occurred === null ? null : Math.min(occurred + HOUR / 2, createdAt),
        occurredText: r() < 0.3 ? p(TIMES) : null,
        latitude: withPin ? 14.6 + r() * 0.8 : null,
        longitude: withPin ? 108.3 + r() * 0.7 : null,
        communeCode: hasCommune ? commune.code : null,
        placeText: loc,
        placeFolded: fold(loc),
        adminDataVersion: hasCommune ? ADMIN_VERSION : null,
        urgent,
        urgentReason: urgent ? p(["weapon", "violence", "fire", "now"]) : null,
        anonymous: r() < 0.8,
        status,
        ackDueAt,
        settleDueAt,
        outcome: status === "closed" ? outcome(r()) : null,
        createdAt,
        updatedAt: closedAt ?? acknowledgedAt ?? createdAt,
        unitId,
        routeRule,
        needsConfirmation: routeRule === "place_guess" && (open || r() < 0.1),
        assignedOfficerId: assigned,
        version: status === "new" ? 0 : 1 + Math.floor(r() * 6),
        dueAt,
        acknowledgedAt,
        closedAt,
        settleExtensions: extensions,
        dutyAlertedAt: createdAt + 2000,
        reporterActivityAt: r() < 0.2 ? createdAt + Math.floor(r() * 5 * DAY) : null,
      });
      if (routeRule === "manual") {
        // Re-routed: first went to the duty desk (place unmatched), then an officer moved it.
        out.routings.push({ id: routingId(routings++), tipId: id, unitId: DUTY_UNIT, role: "primary", rule: "place_unmatched", active: false, createdAt, endedAt: createdAt + 6 * HOUR });
        out.routings.push({ id: routingId(routings++), tipId: id, unitId, role: "primary", rule: "manual", active: true, createdAt: createdAt + 6 * HOUR, endedAt: null });
        routeRule = "manual";
      } else {
        out.routings.push({ id: routingId(routings++), tipId: id, unitId, role: "primary", rule: routeRule, active: true, createdAt, endedAt: null });
      }
      if (cat === "drugs") out.routings.push({ id: routingId(routings++), tipId: id, unitId: DRUGS_UNIT, role: "support", rule: "category", active: true, createdAt, endedAt: null });
      if (urgent && unitId !== DUTY_UNIT) out.routings.push({ id: routingId(routings++), tipId: id, unitId: DUTY_UNIT, role: "support", rule: "urgent", active: true, createdAt, endedAt: null });
      if (r() < 0.15) {
        for (let a = 1 + Math.floor(r() * 3); a > 0; a--) {
          const n = attachments++;
          out.attachments.push({
            id: attachmentId(n),
            tipId: id,
            sourceKey: `bench-att:${n}`,
            kind: "photo",
            mime: "image/jpeg",
            size: 50_000 + Math.floor(r() * 2_000_000),
            sha256: n.toString(16).padStart(64, "0"),
            storageKey: `bench/${n}.jpg`,
            status: "stored",
            createdAt: createdAt + a * 1000,
          });
        }
      }
    }
    return out;
  };
}

// ---- officers ---------------------------------------------------------------------------------------------------

export interface BenchLogins {
  duty: { username: string; id: string };
  commune: { username: string; id: string; unitId: string };
}

export function planOfficers(communes: Commune[], communeOfficerUnit: string): { officers: Officers; logins: BenchLogins } {
  const rows: Officers["rows"] = [];
  const byUnit = new Map<string, string[]>();
  const add = (username: string, displayName: string, role: string, unitId: string | null, assignable = true) => {
    const id = `0ff1ce00-0000-4000-8000-${String(rows.length).padStart(12, "0")}`;
    rows.push({ id, username, displayName, role, unitId });
    if (unitId && assignable) (byUnit.get(unitId) ?? byUnit.set(unitId, []).get(unitId)!).push(id);
    return id;
  };
  const dutyId = add("bench.duty", "Đ/c Trực ban", "duty", DUTY_UNIT);
  add("duty.2", "Đ/c Trực ban 2", "duty", DUTY_UNIT);
  add("duty.3", "Đ/c Trực ban 3", "duty", DUTY_UNIT);
  add("pc04.1", "Đ/c PC04 1", "officer", DRUGS_UNIT);
  add("pc04.2", "Đ/c PC04 2", "officer", DRUGS_UNIT);
  let communeId = "";
  for (const c of communes) {
    for (let k = 1; k <= 3; k++) {
      const id = add(c.unitId === communeOfficerUnit && k === 1 ? "bench.commune" : `cax.${c.code}.${k}`, `Đ/c ${NAMES[k % NAMES.length]} (${c.name})`, "officer", c.unitId);
      if (c.unitId === communeOfficerUnit && k === 1) communeId = id;
    }
  }
  return {
    officers: { rows, byUnit },
    logins: { duty: { username: "bench.duty", id: dutyId }, commune: { username: "bench.commune", id: communeId, unitId: communeOfficerUnit } },
  };
}

// ---- writing ------------------------------------------------------------------------------------------------------

const TIP_COLUMNS = [
  "id", "reference", "secretHash", "sourceKey", "channel", "language", "category", "description", "descriptionFolded",
  "occurredFrom", "occurredTo", "occurredText", "latitude", "longitude", "communeCode", "placeText", "placeFolded", "adminDataVersion",
  "urgent", "urgentReason", "anonymous", "status", "ackDueAt", "settleDueAt", "outcome", "createdAt", "updatedAt",
  "unitId", "routeRule", "needsConfirmation", "assignedOfficerId", "version", "dueAt", "acknowledgedAt", "closedAt",
  "settleExtensions", "dutyAlertedAt", "reporterActivityAt",
] as const satisfies readonly (keyof TipRow)[];
const TIP_DATES = new Set<string>(["occurredFrom", "occurredTo", "ackDueAt", "settleDueAt", "createdAt", "updatedAt", "dueAt", "acknowledgedAt", "closedAt", "dutyAlertedAt", "reporterActivityAt"]);
const TIP_BOOLS = new Set<string>(["urgent", "anonymous", "needsConfirmation"]);
const TIP_NUMBERS: Record<string, string> = { latitude: "float8", longitude: "float8", version: "int4", settleExtensions: "int4" };

const ROUTING_COLUMNS = ["id", "tipId", "unitId", "role", "rule", "active", "createdAt", "endedAt"] as const satisfies readonly (keyof RoutingRow)[];
const ATTACHMENT_COLUMNS = ["id", "tipId", "sourceKey", "kind", "mime", "size", "sha256", "storageKey", "status", "createdAt"] as const satisfies readonly (keyof AttachmentRow)[];

/** Prisma's better-sqlite3 adapter stores DateTime as ISO 8601 with "+00:00" (its default timestampFormat). */
const sqliteDate = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace("Z", "+00:00"));
const pgDate = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface GenerateReport {
  tips: number;
  routings: number;
  attachments: number;
  /** Generating the rows in JS (templates, fold). */
  rowsMs: number;
  /** Inserting them. */
  insertMs: number;
  /** Re-creating the dropped indexes (+ ANALYZE). */
  indexMs: number;
  totalMs: number;
  dbBytes?: number;
}

interface Writer {
  reference(communes: Commune[], officers: Officers): Promise<void>;
  dropIndexes(): Promise<void>;
  write(rows: Generated): Promise<void>;
  restoreIndexes(): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export async function generate(
  writer: Writer,
  options: { count: number; now: number; communeOfficerUnit: string; chunk?: number; years?: number; progress?: (text: string) => void },
): Promise<{ report: GenerateReport; logins: BenchLogins; communes: Commune[] }> {
  const started = performance.now();
  const communes = province();
  const { officers, logins } = planOfficers(communes, options.communeOfficerUnit);
  await writer.reference(communes, officers);
  await writer.dropIndexes();
  const next = createGenerator({ count: options.count, now: options.now, communes, officers, years: options.years });
  const size = options.chunk ?? 20_000;
  let rowsMs = 0;
  let insertMs = 0;
  const totals = { tips: 0, routings: 0, attachments: 0 };
  for (let from = 0; from < options.count; from += size) {
    const t0 = performance.now();
    const rows = next(from, Math.min(options.count, from + size));
    const t1 = performance.now();
    await writer.write(rows);
    const t2 = performance.now();
    rowsMs += t1 - t0;
    insertMs += t2 - t1;
    totals.tips += rows.tips.length;
    totals.routings += rows.routings.length;
    totals.attachments += rows.attachments.length;
    if ((from / size) % 10 === 9) options.progress?.(`${totals.tips.toLocaleString("en")} tips (${Math.round((t2 - started) / 1000)} s)`);
  }
  const t3 = performance.now();
  await writer.restoreIndexes();
  const indexMs = performance.now() - t3;
  const report: GenerateReport = {
    ...totals,
    rowsMs: Math.round(rowsMs),
    insertMs: Math.round(insertMs),
    indexMs: Math.round(indexMs),
    totalMs: Math.round(performance.now() - started),
    dbBytes: await writer.size(),
  };
  return { report, logins, communes };
}

async function officerHash(): Promise<string> {
  return hashPassword(BENCH_PASSWORD);
}

const GENERATED_TABLES = ["Tip", "TipRouting", "Attachment"];

export function sqliteWriter(file: string, options: { analyze?: boolean } = {}): Writer {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  db.pragma("foreign_keys = OFF");
  let dropped: { name: string; sql: string }[] = [];
  const placeholders = (n: number) => `(${Array.from({ length: n }, () => "?").join(",")})`;
  const insertTip = db.prepare(`INSERT INTO "Tip" (${TIP_COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${placeholders(TIP_COLUMNS.length)}`);
  const insertRouting = db.prepare(`INSERT INTO "TipRouting" (${ROUTING_COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${placeholders(ROUTING_COLUMNS.length)}`);
  const insertAttachment = db.prepare(`INSERT INTO "Attachment" (${ATTACHMENT_COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${placeholders(ATTACHMENT_COLUMNS.length)}`);
  const tipValues = (t: TipRow) =>
    TIP_COLUMNS.map((c) => {
      const v = t[c];
      if (TIP_DATES.has(c)) return sqliteDate(v as number | null);
      if (TIP_BOOLS.has(c)) return v ? 1 : 0;
      return v;
    });
  const writeAll = db.transaction((rows: Generated) => {
    for (const t of rows.tips) insertTip.run(tipValues(t));
    for (const x of rows.routings) insertRouting.run(x.id, x.tipId, x.unitId, x.role, x.rule, x.active ? 1 : 0, sqliteDate(x.createdAt), sqliteDate(x.endedAt));
    for (const a of rows.attachments) insertAttachment.run(a.id, a.tipId, a.sourceKey, a.kind, a.mime, a.size, a.sha256, a.storageKey, a.status, sqliteDate(a.createdAt));
  });
  return {
    async reference(communes, officers) {
      const hash = await officerHash();
      const now = sqliteDate(Date.now());
      db.transaction(() => {
        db.prepare(`INSERT INTO "AdminDataVersion" (id, seq, kind, source, sha256, provinces, summary, unitCount, demo, importedAt) VALUES (?, 1, 'list', 'bench', 'bench', '["51"]', '{}', ?, 0, ?)`).run(ADMIN_VERSION, communes.length, now);
        const unit = db.prepare(`INSERT INTO "AdminUnit" (id, version, code, provinceCode, name, fullName, folded, provinceName) VALUES (?, ?, ?, '51', ?, ?, ?, 'Tỉnh Quảng Ngãi')`);
        for (const c of communes) unit.run(`${ADMIN_VERSION}:${c.code}`, ADMIN_VERSION, c.code, c.name, c.fullName, fold(c.name));
        const police = db.prepare(`INSERT INTO "PoliceUnit" (id, name, kind, provinceCode, communes, categories, languages, demo, createdAt, updatedAt) VALUES (?, ?, ?, '51', ?, ?, ?, 0, ?, ?)`);
        police.run(DUTY_UNIT, "Trực ban Công an tỉnh Quảng Ngãi", "duty_desk", "", "", "vi", now, now);
        police.run(DRUGS_UNIT, "Phòng Cảnh sát điều tra tội phạm về ma túy", "specialised", "", "drugs", "vi", now, now);
        for (const c of communes) police.run(c.unitId, `Công an ${c.fullName.toLowerCase().startsWith("xã") ? "xã" : "phường"} ${c.name}`, "commune", c.code, "", "vi,hre", now, now);
        const officer = db.prepare(`INSERT INTO "Officer" (id, username, displayName, passwordHash, role, unitId, languages, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, 'vi', ?, ?)`);
        for (const o of officers.rows) officer.run(o.id, o.username, o.displayName, hash, o.role, o.unitId, now, now);
      })();
    },
    async dropIndexes() {
      dropped = db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${GENERATED_TABLES.map(() => "?").join(",")})`)
        .all(...GENERATED_TABLES) as { name: string; sql: string }[];
      for (const i of dropped) db.exec(`DROP INDEX "${i.name}"`);
    },
    async write(rows) {
      writeAll(rows);
    },
    async restoreIndexes() {
      for (const i of dropped) db.exec(i.sql);
      if (options.analyze) db.exec("ANALYZE");
      db.pragma("wal_checkpoint(TRUNCATE)");
    },
    async size() {
      const { page_count, page_size } = { page_count: db.pragma("page_count", { simple: true }) as number, page_size: db.pragma("page_size", { simple: true }) as number };
      return page_count * page_size;
    },
    async close() {
      db.close();
    },
  };
}

export async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Skips FK triggers during the load (superuser on this machine); every row written is consistent anyway.
  await client.query("SET session_replication_role = replica");
  let dropped: { indexname: string; indexdef: string }[] = [];
  const typeOf = (c: string) => (TIP_DATES.has(c) ? "timestamp(3)" : TIP_BOOLS.has(c) ? "bool" : (TIP_NUMBERS[c] ?? "text"));
  const tipSql = `INSERT INTO "Tip" (${TIP_COLUMNS.map((c) => `"${c}"`).join(",")}) SELECT * FROM unnest(${TIP_COLUMNS.map((c, i) => `$${i + 1}::${typeOf(c)}[]`).join(",")})`;
  const routingSql = `INSERT INTO "TipRouting" (${ROUTING_COLUMNS.map((c) => `"${c}"`).join(",")}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::timestamp(3)[], $8::timestamp(3)[])`;
  const attachmentSql = `INSERT INTO "Attachment" (${ATTACHMENT_COLUMNS.map((c) => `"${c}"`).join(",")}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[], $9::text[], $10::timestamp(3)[])`;
  const columnsOf = <T>(rows: T[], columns: readonly (keyof T)[], date: (c: string) => boolean) =>
    columns.map((c) => rows.map((row) => (date(String(c)) ? pgDate(row[c] as number | null) : row[c])));
  const SLICE = 5000;
  return {
    async reference(communes, officers) {
      const hash = await officerHash();
      const now = new Date();
      await client.query("BEGIN");
      await client.query(`INSERT INTO "AdminDataVersion" (id, seq, kind, source, sha256, provinces, summary, "unitCount", demo, "importedAt") VALUES ($1, 1, 'list', 'bench', 'bench', '["51"]', '{}', $2, false, $3)`, [ADMIN_VERSION, communes.length, now]);
      for (const c of communes) {
        await client.query(`INSERT INTO "AdminUnit" (id, version, code, "provinceCode", name, "fullName", folded, "provinceName") VALUES ($1, $2, $3, '51', $4, $5, $6, 'Tỉnh Quảng Ngãi')`, [`${ADMIN_VERSION}:${c.code}`, ADMIN_VERSION, c.code, c.name, c.fullName, fold(c.name)]);
      }
      const police = `INSERT INTO "PoliceUnit" (id, name, kind, "provinceCode", communes, categories, languages, demo, "createdAt", "updatedAt") VALUES ($1, $2, $3, '51', $4, $5, $6, false, $7, $7)`;
      await client.query(police, [DUTY_UNIT, "Trực ban Công an tỉnh Quảng Ngãi", "duty_desk", "", "", "vi", now]);
      await client.query(police, [DRUGS_UNIT, "Phòng Cảnh sát điều tra tội phạm về ma túy", "specialised", "", "drugs", "vi", now]);
      for (const c of communes) await client.query(police, [c.unitId, `Công an ${c.fullName.toLowerCase().startsWith("xã") ? "xã" : "phường"} ${c.name}`, "commune", c.code, "", "vi,hre", now]);
      for (const o of officers.rows) {
        await client.query(`INSERT INTO "Officer" (id, username, "displayName", "passwordHash", role, "unitId", languages, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, 'vi', $7, $7)`, [o.id, o.username, o.displayName, hash, o.role, o.unitId, now]);
      }
      await client.query("COMMIT");
    },
    async dropIndexes() {
      const { rows } = await client.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT LIKE '%\\_pkey'`,
        [GENERATED_TABLES],
      );
      dropped = rows;
      for (const i of dropped) await client.query(`DROP INDEX "${i.indexname}"`);
    },
    async write(rows) {
      await client.query("BEGIN");
      for (let k = 0; k < rows.tips.length; k += SLICE) {
        await client.query(tipSql, columnsOf(rows.tips.slice(k, k + SLICE), TIP_COLUMNS, (c) => TIP_DATES.has(c)));
      }
      for (let k = 0; k < rows.routings.length; k += SLICE) {
        await client.query(routingSql, columnsOf(rows.routings.slice(k, k + SLICE), ROUTING_COLUMNS, (c) => c === "createdAt" || c === "endedAt"));
      }
      for (let k = 0; k < rows.attachments.length; k += SLICE) {
        await client.query(attachmentSql, columnsOf(rows.attachments.slice(k, k + SLICE), ATTACHMENT_COLUMNS, (c) => c === "createdAt"));
      }
      await client.query("COMMIT");
    },
    async restoreIndexes() {
      await client.query("SET maintenance_work_mem = '512MB'");
      for (const i of dropped) await client.query(i.indexdef);
      await client.query("ANALYZE");
    },
    async size() {
      const { rows } = await client.query<{ n: string }>("SELECT pg_database_size(current_database()) AS n");
      return Number(rows[0]!.n);
    },
    async close() {
      await client.end();
    },
  };
}
