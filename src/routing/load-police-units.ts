/**
 * Loads police units from a setup file (first setup, or a bulk change), in one transaction:
 * every entry is checked first (fields, commune codes in the current data), then each unit is
 * created or updated by its id. Units not in the file are left alone. Loading real units turns
 * the demo units off (they keep their tips, receive no new ones) unless `keepDemo`.
 *
 * File: `{ "units": [{ "id": "CAX-BATO", "name": "Công an xã Ba Tơ", "kind": "commune",
 * "communes": ["21484"], "languages": ["vi", "hre"], "phone": "…", "address": "…", "hours": "…" }, …] }`
 * (or the array alone). `phone`, `address` and `hours` are the public contact data residents get
 * when they ask where their commune police is (`contactSample: true` marks them as sample data).
 * A field the file leaves out keeps what the unit has (set in the console); `null` clears it.
 *
 * @example await loadPoliceUnits(ctx, { bytes, file: "don-vi.json" })
 */
import path from "node:path";
import type { AppContext } from "../context.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { HOME_PROVINCE } from "../units/home-province.ts";
import { ProblemList } from "../units/import-problems.ts";
import { JsonSyntaxError, parseJsonWithLines } from "../units/parse-json.ts";
import { currentUnitData } from "../units/unit-data.ts";
import { joinList, policeUnitInput, type PoliceUnitInput } from "./police-unit.ts";

export interface LoadPoliceUnitsInput {
  bytes: Buffer;
  file: string;
  keepDemo?: boolean;
}

export interface LoadPoliceUnitsSummary {
  created: string[];
  updated: string[];
  demoDisabled: string[];
}

export async function loadPoliceUnits(ctx: Pick<AppContext, "db" | "now">, input: LoadPoliceUnitsInput): Promise<LoadPoliceUnitsSummary> {
  const problems = new ProblemList(path.basename(input.file));
  let located;
  try {
    located = parseJsonWithLines(input.bytes.toString("utf8"));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    problems.add(`line ${e.line}, column ${e.column}`, "bad JSON");
    problems.done();
    throw e;
  }
  const root = located.value as { units?: unknown } | unknown[];
  const list = Array.isArray(root) ? root : (root as { units?: unknown })?.units;
  if (!Array.isArray(list)) {
    problems.add("line 1", 'expected { "units": [ … ] }');
    problems.done();
    return { created: [], updated: [], demoDisabled: [] };
  }
  const units: PoliceUnitInput[] = [];
  const ids = new Set<string>();
  for (const [k, entry] of list.entries()) {
    const where = `unit ${k + 1}${located.where(entry) ? `, ${located.where(entry)}` : ""}`;
    const parsed = policeUnitInput.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.add(where, `${issue.path.join(".") || "unit"}: ${issue.message}`);
      continue;
    }
    if (ids.has(parsed.data.id)) problems.add(where, `id ${parsed.data.id} appears twice`);
    ids.add(parsed.data.id);
    units.push(parsed.data);
  }

  return ctx.db.$transaction(async (tx) => {
    const data = await currentUnitData(tx);
    for (const [k, u] of units.entries()) {
      const unknown = u.communes.filter((c) => !data?.units.has(c));
      if (unknown.length) problems.add(`unit ${k + 1} (${u.id})`, `communes not in the current administrative data: ${unknown.join(", ")}`);
    }
    if (!units.some((u) => u.kind === "duty_desk") && (await tx.policeUnit.count({ where: { kind: "duty_desk", demo: false, disabledAt: null } })) === 0) {
      problems.add("units", "no provincial duty desk (kind duty_desk): tips without a place would reach nobody");
    }
    problems.done();

    const summary: LoadPoliceUnitsSummary = { created: [], updated: [], demoDisabled: [] };
    for (const u of units) {
      const fields = {
        name: u.name,
        kind: u.kind,
        communes: joinList(u.communes),
        categories: joinList(u.categories),
        languages: joinList(u.languages),
        // Only when the file gives them: contact data or a chat set in the console survive reloading a file without them.
        ...(u.phone !== undefined ? { phone: u.phone } : {}),
        ...(u.address !== undefined ? { address: u.address } : {}),
        ...(u.hours !== undefined ? { hours: u.hours } : {}),
        ...(u.contactSample !== undefined ? { contactSample: u.contactSample } : {}),
        ...(u.dutyChatId !== undefined ? { dutyChatId: u.dutyChatId } : {}),
      };
      const existing = await tx.policeUnit.findUnique({ where: { id: u.id }, select: { id: true } });
      if (existing) await tx.policeUnit.update({ where: { id: u.id }, data: { ...fields, demo: false, disabledAt: null } });
      else await tx.policeUnit.create({ data: { id: u.id, provinceCode: HOME_PROVINCE.code, ...fields } });
      (existing ? summary.updated : summary.created).push(u.id);
    }
    if (!input.keepDemo) {
      const demo = await tx.policeUnit.findMany({ where: { demo: true, disabledAt: null }, select: { id: true } });
      await tx.policeUnit.updateMany({ where: { id: { in: demo.map((d) => d.id) } }, data: { disabledAt: ctx.now() } });
      summary.demoDisabled = demo.map((d) => d.id);
    }
    await recordAudit(ctx, { officerId: null, action: "unit.load", targetType: "unit", data: { file: path.basename(input.file), ...summary } }, tx);
    return summary;
  });
}
