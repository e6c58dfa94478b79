/**
 * The console API's request and response shapes. Routes validate with these and
 * /api/openapi.json is generated from them, so the document cannot drift from the code.
 * Schemas with an `id` become named components in the OpenAPI document.
 */
import { z } from "zod";
import { ROLE_NAMES } from "../officers/roles.ts";
import { policeUnitChanges, policeUnitInput, UNIT_KINDS } from "../routing/police-unit.ts";
import { ROUTE_RULE_NAMES } from "../routing/rules.ts";

const dateTime = () => z.string().meta({ format: "date-time" });
const idParam = z.string().min(1).max(100);

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Mã lỗi ổn định (unauthorized, csrf_failed, not_found…)" }),
      message: z.string().meta({ description: "Thông báo cho cán bộ, tiếng Việt" }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error", description: "Mọi lỗi đều có dạng này." });

export const officerView = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLE_NAMES),
    unitId: z.string().nullable(),
  })
  .meta({ id: "Officer" });

// ── auth ────────────────────────────────────────────────────────────────────────────────────
export const loginBody = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .meta({ id: "LoginRequest" });

export const sessionView = z
  .object({
    officer: officerView,
    csrfToken: z.string().meta({ description: "Gửi lại trong header X-CSRF-Token với mọi yêu cầu POST dùng cookie." }),
    mustChangePassword: z.boolean().meta({
      description:
        "true: cán bộ đang dùng mật khẩu được cấp (lần đăng nhập đầu, hoặc vừa được cấp lại): phải đổi mật khẩu (POST /api/auth/password) " +
        "trước khi dùng các chức năng khác (chúng trả lời 403 password_change_required).",
    }),
  })
  .meta({ id: "Session" });

// ── tips ────────────────────────────────────────────────────────────────────────────────────
const statusValue = z.string().regex(/^[a-z_]{1,32}$/);
const categoryValue = z.string().regex(/^[a-z0-9_]{1,40}$/);
export const channelValue = z.enum(["telegram", "zalo", "webchat"]);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Ngày dạng YYYY-MM-DD");
const flag = z
  .enum(["true", "false"])
  .transform((v) => v === "true");

export const tipListQuery = z.object({
  statusGroup: z
    .enum(["open", "closed", "all"])
    .default("open")
    .meta({ description: "open (mặc định): tin còn phải xử lý; closed: đã kết thúc, không thụ lý, trùng; all: mọi tin" }),
  status: statusValue.optional().meta({ description: "Trạng thái tin báo, ví dụ new" }),
  category: categoryValue.optional().meta({ description: "Loại tin báo, ví dụ drugs" }),
  urgent: flag.optional().meta({ description: "Chỉ tin khẩn (true) hoặc không khẩn (false)" }),
  communeCode: z.string().regex(/^\d{1,6}$/).optional().meta({ description: "Mã xã, phường nơi xảy ra" }),
  channel: channelValue.optional(),
  language: z.string().regex(/^[a-z]{2,3}$/).optional().meta({ description: "Ngôn ngữ người báo tin: vi, hre, cua" }),
  from: day.optional().meta({ description: "Nhận từ ngày (giờ Việt Nam), YYYY-MM-DD" }),
  to: day.optional().meta({ description: "Nhận đến hết ngày (giờ Việt Nam), YYYY-MM-DD" }),
  assignee: z
    .string()
    .regex(/^(me|none|[0-9a-f-]{36})$/)
    .optional()
    .meta({ description: "me: tin tôi thụ lý; none: chưa ai nhận; hoặc mã cán bộ" }),
  unitId: z.string().trim().toUpperCase().min(1).max(40).optional().meta({ description: "Tin đang giao cho đơn vị này" }),
  overdue: flag.optional().meta({ description: "true: chỉ tin đã quá hạn tiếp nhận hoặc quá hạn giải quyết" }),
  q: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Tìm trong nội dung, địa điểm và trao đổi với người báo tin, có dấu hoặc không dấu; hoặc mã tin báo" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional().meta({ description: "nextCursor của trang trước" }),
});

const overdueValue = z.enum(["ack", "settle"]).nullable().meta({ description: "ack: quá hạn tiếp nhận; settle: quá hạn giải quyết" });

export const tipListItem = z
  .object({
    id: z.string(),
    reference: z.string(),
    category: z.string(),
    status: z.string(),
    urgent: z.boolean(),
    channel: z.string(),
    language: z.string(),
    createdAt: dateTime(),
    ackDueAt: dateTime(),
    settleDueAt: dateTime(),
    dueAt: dateTime().meta({ description: "Hạn đang tính: hạn tiếp nhận khi tin còn mới, sau đó hạn giải quyết" }),
    overdue: overdueValue,
    communeCode: z.string().nullable(),
    communeName: z.string().nullable(),
    placeText: z.string().nullable(),
    unitId: z.string().nullable().meta({ description: "Đơn vị đang phụ trách tin" }),
    unitName: z.string().nullable(),
    routeRule: z.string().nullable().meta({ description: "Quy tắc đã giao tin cho đơn vị (pin, typed_commune, place_guess, no_location, manual…)" }),
    needsConfirmation: z.boolean().meta({ description: "Nơi xảy ra là đoán từ chữ người báo gõ: cán bộ cần xác nhận" }),
    assignedOfficerId: z.string().nullable(),
    assignedOfficerName: z.string().nullable(),
    excerpt: z.string().meta({ description: "140 ký tự đầu của nội dung" }),
    attachments: z.number().int().meta({ description: "Số tệp đính kèm" }),
    version: z.number().int().meta({ description: "Phiên bản hồ sơ; gửi kèm mọi thao tác" }),
    reporterActivityAt: dateTime().nullable().meta({ description: "Lần cuối người báo tin nhắn thêm" }),
  })
  .meta({ id: "TipListItem" });

export const tipList = z
  .object({
    items: z.array(tipListItem),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "TipList" });

export const tipParams = z.object({ id: idParam });
export const attachmentParams = z.object({ id: idParam, attachmentId: idParam });

export const attachmentView = z
  .object({
    id: z.string(),
    kind: z.string(),
    mime: z.string().nullable(),
    size: z.number().int().nullable(),
    sha256: z.string().nullable(),
    originalName: z.string().nullable().meta({ description: "Tên tệp người gửi đặt, chỉ để xem (đã bỏ ký tự điều khiển, ký tự đảo chiều)" }),
    downloadName: z.string().nullable().meta({ description: "Tên tệp khi tải về, theo loại tệp thật: bang-chung-<sha>.<đuôi>" }),
    status: z.string().meta({ description: "stored (đã lưu) hoặc rejected (bị từ chối)" }),
    rejectReason: z.string().nullable(),
    url: z.string().nullable().meta({ description: "Tải tệp (null khi tệp không được lưu)" }),
  })
  .meta({ id: "Attachment" });

// ── a tip's routing (part of its file) ─────────────────────────────────────────────────────
const routeRule = z.enum(ROUTE_RULE_NAMES);

export const tipRoutingView = z
  .object({
    unitId: z.string().nullable(),
    unitName: z.string().nullable(),
    rule: z.string().nullable().meta({ description: "Quy tắc đã chọn đơn vị phụ trách" }),
    ruleText: z.string().nullable().meta({ description: "Giải thích quy tắc bằng tiếng Việt" }),
    needsConfirmation: z.boolean(),
    units: z.array(
      z.object({
        unitId: z.string(),
        unitName: z.string(),
        role: z.enum(["primary", "support"]).meta({ description: "primary: đơn vị phụ trách; support: đơn vị được thêm theo quy tắc" }),
        rule: routeRule,
        active: z.boolean(),
        since: dateTime(),
        until: dateTime().nullable(),
      }),
    ),
  })
  .meta({ id: "TipRouting", description: "Tin đang ở đơn vị nào, vì sao, và các lần chuyển trước." });

export const tipDetail = z
  .object({
    id: z.string(),
    reference: z.string(),
    category: z.string(),
    description: z.string(),
    status: z.string(),
    urgent: z.boolean(),
    urgentReason: z.string().nullable(),
    language: z.string(),
    channel: z.string(),
    occurredFrom: dateTime().nullable().meta({ description: "Xảy ra từ lúc này (tính cả)" }),
    occurredTo: dateTime().nullable().meta({ description: "Xảy ra trước lúc này (không tính)" }),
    occurredLabel: z
      .string()
      .nullable()
      .meta({ description: "Khoảng thời gian xảy ra bằng lời, như người báo đã xác nhận, ví dụ «khoảng 19:30–20:30 ngày 01/12/2026»; không bao giờ là một giờ chính xác" }),
    occurredText: z.string().nullable().meta({ description: "Lời người báo tin về thời gian, hoặc nút đã chọn (now, today, yesterday, earlier)" }),
    location: z.object({
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
      communeCode: z.string().nullable(),
      communeName: z.string().nullable().meta({ description: "Tên xã, phường theo phiên bản dữ liệu hành chính lúc nhận tin" }),
      placeText: z.string().nullable(),
      adminDataVersion: z.string().nullable(),
    }),
    routing: tipRoutingView,
    deadlines: z.object({ ackDueAt: dateTime(), settleDueAt: dateTime() }),
    dueAt: dateTime(),
    overdue: overdueValue,
    settleExtensions: z.number().int().meta({ description: "Số lần đã gia hạn giải quyết" }),
    acknowledgedAt: dateTime().nullable(),
    closedAt: dateTime().nullable(),
    version: z.number().int().meta({ description: "Gửi kèm mọi thao tác; khác phiên bản hiện tại thì bị từ chối (stale)" }),
    outcome: z.string().nullable().meta({ description: "Mã kết quả giải quyết (xem /api/meta)" }),
    duplicateOfId: z.string().nullable(),
    duplicateOf: z.object({ id: z.string(), reference: z.string() }).nullable(),
    duplicates: z.array(z.object({ id: z.string(), reference: z.string(), status: z.string() })),
    assignedOfficer: z.object({ id: z.string(), displayName: z.string() }).nullable(),
    createdAt: dateTime(),
    updatedAt: dateTime(),
    reporter: z
      .object({
        anonymous: z.boolean(),
        identityAvailable: z.boolean().meta({ description: "Tin có tên người báo và tài khoản này được xem (bấm, có ghi nhật ký)" }),
        identityFiles: z
          .array(z.object({ step: z.string(), kind: z.string() }))
          .meta({ description: "Người báo đọc họ tên, số điện thoại bằng tin nhắn thoại (hoặc gửi tệp khi được hỏi danh tính): câu hỏi và loại tệp, không có nội dung; nghe bằng POST /api/tips/{id}/identity" }),
      })
      .meta({ description: "Danh tính người báo tin không bao giờ có ở đây; xem bằng POST /api/tips/{id}/identity." }),
    replyWindow: z
      .object({ open: z.boolean(), closesAt: dateTime().nullable(), message: z.string().nullable() })
      .meta({ description: "Còn nhắn được cho người báo tin không (Zalo: 7 ngày sau tin nhắn cuối của họ)" }),
    allowed: z
      .object({
        claim: z.boolean(),
        assign: z.boolean(),
        status: z.boolean(),
        reply: z.boolean(),
        note: z.boolean(),
        merge: z.boolean(),
        route: z.boolean(),
        extend: z.boolean(),
        reveal: z.boolean(),
      })
      .meta({ description: "Thao tác tài khoản này được làm với tin báo" }),
    next: z.array(z.object({ value: z.string(), label: z.string(), needsOutcome: z.boolean(), needsReason: z.boolean() })),
    notes: z.array(z.object({ id: z.string(), body: z.string(), officerId: z.string(), officerName: z.string().nullable(), createdAt: dateTime() })),
    attachments: z.array(attachmentView),
    messages: z.array(
      z.object({
        id: z.string(),
        direction: z.string().meta({ description: "Chiều tin nhắn: từ người báo tin hay từ công an" }),
        body: z.string(),
        attachmentId: z.string().nullable(),
        createdAt: dateTime(),
        deliveredAt: dateTime().nullable(),
        officerName: z.string().nullable(),
        delivery: z
          .enum(["queued", "sent", "failed", "window_closed", "uncertain"])
          .nullable()
          .meta({ description: "Tin của công an: đang chờ gửi, đã gửi, lỗi, quá hạn Zalo, không rõ (máy chủ dừng giữa chừng)" }),
      }),
    ),
    events: z.array(
      z.object({
        type: z.string(),
        actor: z.string(),
        data: z.record(z.string(), z.unknown()),
        createdAt: dateTime(),
      }),
    ),
  })
  .meta({ id: "TipDetail" });

// ── routing and police units ─────────────────────────────────────────────────────────────────
export const rerouteBody = z
  .object({
    unitId: z.string().trim().toUpperCase().min(1).max(40).optional().meta({ description: "Đơn vị nhận tin" }),
    communeCode: z
      .string()
      .trim()
      .regex(/^\d{1,6}$/)
      .optional()
      .meta({ description: "Xã, phường nơi xảy ra (xác nhận hoặc sửa); không có unitId thì giao cho đơn vị phụ trách xã đó" }),
    reason: z.string().trim().min(3).max(500).meta({ description: "Lý do chuyển, ghi vào diễn biến" }),
    version: z.number().int().min(0).optional().meta({ description: "TipDetail.version mà biểu mẫu đã tải; tin đã đổi từ đó thì bị từ chối (stale)" }),
  })
  .refine((b) => b.unitId || b.communeCode, "Cần unitId hoặc communeCode.")
  .meta({ id: "RerouteRequest" });

export const policeUnitView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(UNIT_KINDS).meta({ description: "duty_desk: trực ban tỉnh; commune: công an xã, phường; specialised: đơn vị chuyên trách" }),
    provinceCode: z.string(),
    communes: z.array(z.object({ code: z.string(), name: z.string().nullable() })),
    categories: z.array(z.string()),
    languages: z.array(z.string()),
    phone: z.string().nullable().meta({ description: "Số trực ban của đơn vị, người dân được biết khi hỏi" }),
    address: z.string().nullable().meta({ description: "Địa chỉ trụ sở, người dân được biết khi hỏi" }),
    hours: z.string().nullable().meta({ description: "Giờ làm việc, người dân được biết khi hỏi" }),
    contactSample: z.boolean().meta({ description: "Thông tin liên hệ là dữ liệu mẫu (người dân thấy “dữ liệu mẫu”)" }),
    dutyChatId: z.string().nullable().meta({ description: "Nhóm Telegram trực ban của đơn vị (báo tin mới, tin quá hạn mỗi sáng); null: nhóm chung TELEGRAM_DUTY_CHAT_ID" }),
    demo: z.boolean().meta({ description: "Đơn vị mẫu do bản cài đặt mặc định tạo, không có thật" }),
    disabled: z.boolean(),
  })
  .meta({ id: "PoliceUnit" });

export const policeUnitList = z.object({ items: z.array(policeUnitView) }).meta({ id: "PoliceUnitList" });
export const unitParams = z.object({ id: z.string().min(1).max(40) });
export const createUnitBody = policeUnitInput.meta({ id: "PoliceUnitCreate" });
export const updateUnitBody = policeUnitChanges.meta({ id: "PoliceUnitUpdate" });

export const communeQuery = z
  .object({
    q: z.string().max(200).optional().meta({ description: "Tên xã, phường, có dấu hoặc không, cả tên cũ trước 2025" }),
    lat: z.coerce.number().min(-90).max(90).optional(),
    lon: z.coerce.number().min(-180).max(180).optional(),
  })
  .refine((v) => v.q !== undefined || (v.lat !== undefined && v.lon !== undefined), "Cần q, hoặc lat và lon.");

export const communeMatches = z
  .object({
    version: z.string().nullable().meta({ description: "Phiên bản dữ liệu hành chính hiện hành" }),
    items: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        province: z.string(),
        oldName: z.string().optional().meta({ description: "Tên cũ (trước 2025) đã khớp" }),
        onBorder: z.boolean().optional().meta({ description: "Điểm nằm đúng trên ranh giới" }),
      }),
    ),
  })
  .meta({ id: "CommuneMatches" });

export type TipListQuery = z.output<typeof tipListQuery>;
export type TipListItem = z.input<typeof tipListItem>;
export type TipDetail = z.input<typeof tipDetail>;
export type TipRoutingView = z.input<typeof tipRoutingView>;
export type PoliceUnitView = z.input<typeof policeUnitView>;
