/**
 * The embedded default's first start: a small demo set so a new installation routes tips at
 * once. Every demo unit is named "[DEMO] …" and flagged `demo`; loading real units
 * (`npm run units:police -- <file>`) turns them off. Their contact data (address, duty line, hours)
 * is sample data, flagged `contactSample`: residents who ask where their commune police is read
 * "(dữ liệu mẫu)" after it. The phone numbers start with 0000, which no line in Vietnam does, so a
 * resident who dials one reaches no one rather than a stranger.
 *
 * Administrative units: the project does not ship the national data files. When none has been
 * imported, a demo data version holds just the communes the demo units cover (official codes
 * and names), so typed names work for them; pins need boundaries, which come from
 * `npm run units:import -- <communes.geojson>` (see README). Until then a pin goes to the duty desk.
 *
 * @example const demo = await ensureDemoSetup(ctx); if (demo) console.log(demo.units)
 */
import type { AppContext } from "../context.ts";
import { HOME_PROVINCE } from "../units/home-province.ts";
import { importUnits } from "../units/import-units.ts";
import { joinList, type UnitKind } from "./police-unit.ts";

export const DEMO_PREFIX = "[DEMO] ";

/** Official codes and names (2025 reorganisation) of the communes the demo units cover. */
export const DEMO_COMMUNES = [
  { code: "21484", fullName: "Xã Ba Tơ" },
  { code: "21289", fullName: "Xã Sơn Hà" },
  { code: "21115", fullName: "Xã Trà Bồng" },
  { code: "21025", fullName: "Phường Cẩm Thành" },
] as const;

interface DemoUnit {
  id: string;
  name: string;
  kind: UnitKind;
  communes?: string[];
  categories?: string[];
  languages: string[];
  /** Sample contact data (never real). */
  contact: { phone: string; address: string; hours: string };
}

const OFFICE_HOURS = "Thứ Hai đến thứ Sáu: sáng 7:30–11:30, chiều 13:30–17:00 (ngoài giờ có cán bộ trực)";
const sample = (n: number, address: string, hours = OFFICE_HOURS) => ({ phone: `0000 000 00${n}`, address: `${address} (địa chỉ mẫu)`, hours });

export const DEMO_UNITS: DemoUnit[] = [
  {
    id: "DEMO-TRUCBAN",
    name: "Trực ban Công an tỉnh Quảng Ngãi",
    kind: "duty_desk",
    languages: ["vi"],
    contact: sample(0, "Trụ sở Công an tỉnh Quảng Ngãi", "Trực 24/24, cả ngày nghỉ và ngày lễ"),
  },
  { id: "DEMO-CAX-BATO", name: "Công an xã Ba Tơ", kind: "commune", communes: ["21484"], languages: ["vi", "hre"], contact: sample(1, "Trụ sở Công an xã Ba Tơ") },
  { id: "DEMO-CAX-SONHA", name: "Công an xã Sơn Hà", kind: "commune", communes: ["21289"], languages: ["vi", "hre"], contact: sample(2, "Trụ sở Công an xã Sơn Hà") },
  { id: "DEMO-CAX-TRABONG", name: "Công an xã Trà Bồng", kind: "commune", communes: ["21115"], languages: ["vi", "cua"], contact: sample(3, "Trụ sở Công an xã Trà Bồng") },
  { id: "DEMO-CAP-CAMTHANH", name: "Công an phường Cẩm Thành", kind: "commune", communes: ["21025"], languages: ["vi"], contact: sample(4, "Trụ sở Công an phường Cẩm Thành") },
  {
    id: "DEMO-MATUY",
    name: "Phòng Cảnh sát điều tra tội phạm về ma túy",
    kind: "specialised",
    categories: ["drugs"],
    languages: ["vi"],
    contact: sample(5, "Trụ sở Công an tỉnh Quảng Ngãi"),
  },
];

export interface DemoSetup {
  units: string[];
  /** The demo administrative-unit version, when none existed. */
  adminVersion: string | null;
}

/** Creates the demo set on a database with no police units; returns null when there already are some. */
export async function ensureDemoSetup(ctx: Pick<AppContext, "db">): Promise<DemoSetup | null> {
  if ((await ctx.db.policeUnit.count()) > 0) return null;
  let adminVersion: string | null = null;
  if ((await ctx.db.adminDataVersion.count()) === 0) {
    const list = [{ Code: HOME_PROVINCE.code, FullName: HOME_PROVINCE.fullName, Wards: DEMO_COMMUNES.map((c) => ({ Code: c.code, FullName: c.fullName, ProvinceCode: HOME_PROVINCE.code })) }];
    const summary = await importUnits(ctx.db, { bytes: Buffer.from(JSON.stringify(list)), file: "demo-communes.json", format: "list", demo: true });
    adminVersion = summary.version;
  }
  try {
    await ctx.db.policeUnit.createMany({
      data: DEMO_UNITS.map((u) => ({
        id: u.id,
        name: DEMO_PREFIX + u.name,
        kind: u.kind,
        provinceCode: HOME_PROVINCE.code,
        communes: joinList(u.communes ?? []),
        categories: joinList(u.categories ?? []),
        languages: joinList(u.languages),
        ...u.contact,
        contactSample: true,
        demo: true,
      })),
    });
  } catch (e) {
    // Another process created the demo set at the same moment.
    if ((e as { code?: string }).code === "P2002") return null;
    throw e;
  }
  return { units: DEMO_UNITS.map((u) => u.id), adminVersion };
}
