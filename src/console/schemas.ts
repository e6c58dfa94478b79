/**
 * The console API's request and response shapes. Routes validate with these and
 * /api/openapi.json is generated from them, so the document cannot drift from the code.
 * Schemas with an `id` become named components in the OpenAPI document.
 */
import { z } from "zod";
import { ROLE_NAMES } from "../officers/roles.ts";

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
  })
  .meta({ id: "Session" });

// ── tips ────────────────────────────────────────────────────────────────────────────────────
const statusValue = z.string().regex(/^[a-z_]{1,32}$/);
const categoryValue = z.string().regex(/^[a-z0-9_]{1,40}$/);
export const channelValue = z.enum(["telegram", "zalo", "webchat"]);

export const tipListQuery = z.object({
  status: statusValue.optional().meta({ description: "Trạng thái tin báo, ví dụ new" }),
  category: categoryValue.optional().meta({ description: "Loại tin báo, ví dụ drugs" }),
  urgent: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "Chỉ tin khẩn (true) hoặc không khẩn (false)" }),
  channel: channelValue.optional(),
  q: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Tìm trong nội dung và địa điểm, có dấu hoặc không dấu; hoặc mã tin báo" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional().meta({ description: "nextCursor của trang trước" }),
});

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
    communeCode: z.string().nullable(),
    placeText: z.string().nullable(),
    excerpt: z.string().meta({ description: "140 ký tự đầu của nội dung" }),
    attachments: z.number().int().meta({ description: "Số tệp đính kèm" }),
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
    originalName: z.string().nullable(),
    status: z.string().meta({ description: "stored (đã lưu) hoặc rejected (bị từ chối)" }),
    rejectReason: z.string().nullable(),
    url: z.string().nullable().meta({ description: "Tải tệp (null khi tệp không được lưu)" }),
  })
  .meta({ id: "Attachment" });

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
    occurredAt: dateTime().nullable(),
    occurredText: z.string().nullable(),
    location: z.object({
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
      communeCode: z.string().nullable(),
      placeText: z.string().nullable(),
      adminDataVersion: z.string().nullable(),
    }),
    deadlines: z.object({ ackDueAt: dateTime(), settleDueAt: dateTime() }),
    outcome: z.string().nullable(),
    duplicateOfId: z.string().nullable(),
    createdAt: dateTime(),
    updatedAt: dateTime(),
    reporter: z
      .object({ anonymous: z.boolean() })
      .meta({ description: "Danh tính người báo tin không bao giờ có ở đây." }),
    attachments: z.array(attachmentView),
    messages: z.array(
      z.object({
        id: z.string(),
        direction: z.string().meta({ description: "Chiều tin nhắn: từ người báo tin hay từ công an" }),
        body: z.string(),
        attachmentId: z.string().nullable(),
        createdAt: dateTime(),
        deliveredAt: dateTime().nullable(),
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

export type TipListQuery = z.output<typeof tipListQuery>;
export type TipListItem = z.input<typeof tipListItem>;
export type TipDetail = z.input<typeof tipDetail>;
