/**
 * Police units as the rest of the code sees them: lists instead of the stored comma-separated
 * text, and the shape a setup file or the API gives (validated with zod).
 *
 * Kinds: `duty_desk` (the provincial duty desk: tips with no usable place, urgent tips),
 * `commune` (commune or ward police: tips located in the communes it covers), `specialised`
 * (e.g. drugs: tips of the categories it takes, in its communes or the whole province).
 */
import { z } from "zod";
import { TIP_CATEGORIES } from "../tips/categories.ts";
import { normalizeText } from "../text/normalize.ts";

export const UNIT_KINDS = ["duty_desk", "commune", "specialised"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface PoliceUnitInfo {
  id: string;
  name: string;
  kind: UnitKind;
  provinceCode: string;
  communes: string[];
  categories: string[];
  languages: string[];
  /** Public contact data for residents (src/routing/police-contacts.ts): the duty line, the office, its hours. */
  phone: string | null;
  address?: string | null;
  hours?: string | null;
  /** The contact data is sample data: residents read "(dữ liệu mẫu)" after it. */
  contactSample?: boolean;
  /** Telegram chat for the unit's new-tip alerts and overdue digest (null: TELEGRAM_DUTY_CHAT_ID). */
  dutyChatId?: string | null;
  demo: boolean;
  disabled: boolean;
}

export interface PoliceUnitRow {
  id: string;
  name: string;
  kind: string;
  provinceCode: string;
  communes: string;
  categories: string;
  languages: string;
  phone: string | null;
  address?: string | null;
  hours?: string | null;
  contactSample?: boolean;
  dutyChatId?: string | null;
  demo: boolean;
  disabledAt: Date | null;
}

export const splitList = (text: string): string[] => text.split(",").map((s) => s.trim()).filter(Boolean);
export const joinList = (list: readonly string[]): string => [...new Set(list)].join(",");

export function toPoliceUnit(row: PoliceUnitRow): PoliceUnitInfo {
  return {
    id: row.id,
    name: row.name,
    kind: (UNIT_KINDS as readonly string[]).includes(row.kind) ? (row.kind as UnitKind) : "commune",
    provinceCode: row.provinceCode,
    communes: splitList(row.communes),
    categories: splitList(row.categories),
    languages: splitList(row.languages),
    phone: row.phone,
    address: row.address ?? null,
    hours: row.hours ?? null,
    contactSample: row.contactSample ?? false,
    dutyChatId: row.dutyChatId ?? null,
    demo: row.demo,
    disabled: row.disabledAt !== null,
  };
}

export const unitIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._-]{1,39}$/, "2-40 ký tự: chữ không dấu, số, dấu chấm, gạch ngang (ví dụ CAX-BATO)");

const communeCode = z.string().trim().regex(/^\d{1,6}$/, "mã xã, phường gồm chữ số (ví dụ 21484)");
const language = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}$/, "mã ngôn ngữ ISO 639 (vi, hre, cua…)");

export const policeUnitFields = {
  name: z.string().transform(normalizeText).pipe(z.string().min(3).max(150)),
  kind: z.enum(UNIT_KINDS),
  communes: z.array(communeCode).max(500),
  categories: z.array(z.enum(TIP_CATEGORIES)).max(TIP_CATEGORIES.length),
  languages: z.array(language).min(1).max(20),
  phone: z.string().trim().regex(/^[0-9 +().-]{3,20}$/, "số điện thoại").nullable(),
  address: z.string().transform(normalizeText).pipe(z.string().min(3).max(200)).nullable(),
  hours: z.string().transform(normalizeText).pipe(z.string().min(3).max(200)).nullable(),
  contactSample: z.boolean(),
  dutyChatId: z
    .string()
    .trim()
    .regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, "mã nhóm Telegram: số nguyên (nhóm là số âm, ví dụ -1001234567890) hoặc @tenkenh")
    .nullable(),
  disabled: z.boolean(),
};

/** A new unit (API body, setup file entry). */
export const policeUnitInput = z.object({
  id: unitIdSchema,
  name: policeUnitFields.name,
  kind: policeUnitFields.kind,
  communes: policeUnitFields.communes.default([]),
  categories: policeUnitFields.categories.default([]),
  languages: policeUnitFields.languages.default(["vi"]),
  phone: policeUnitFields.phone.optional(),
  address: policeUnitFields.address.optional(),
  hours: policeUnitFields.hours.optional(),
  contactSample: policeUnitFields.contactSample.optional(),
  dutyChatId: policeUnitFields.dutyChatId.optional(),
});
export type PoliceUnitInput = z.output<typeof policeUnitInput>;

/** A change to a unit: only the fields given change. */
export const policeUnitChanges = z
  .object({
    name: policeUnitFields.name.optional(),
    kind: policeUnitFields.kind.optional(),
    communes: policeUnitFields.communes.optional(),
    categories: policeUnitFields.categories.optional(),
    languages: policeUnitFields.languages.optional(),
    phone: policeUnitFields.phone.optional(),
    address: policeUnitFields.address.optional(),
    hours: policeUnitFields.hours.optional(),
    contactSample: policeUnitFields.contactSample.optional(),
    dutyChatId: policeUnitFields.dutyChatId.optional(),
    disabled: policeUnitFields.disabled.optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), "Không có gì để thay đổi.");
export type PoliceUnitChanges = z.output<typeof policeUnitChanges>;
