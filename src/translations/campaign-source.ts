/**
 * Campaign texts as translation entries ("campaign:<campaignId>") for every campaign not yet over (drafts too: a
 * translation can be ready before it is approved). An approved Hre/Co text becomes the campaign's variant for that
 * language (`variantsJson`), which the sender reads per batch (src/outreach/campaigns/campaign-sender.ts, cached 2 s)
 * and the editor's preview shows. The campaign's own approval is not touched: that approval is about what the
 * campaign says; the translation's is a second speaker's, in the workbench.
 *
 * @example await campaignSource.applyReviewed!(tx, "hre", `campaign:${id}`, "[hre test] …")
 */
import type { Tx } from "../db/client.ts";
import { AppError } from "../http/errors.ts";
import { CAMPAIGN_TEXT_MAX, variantsSchema, type Variants } from "../outreach/campaigns/campaign-input.ts";
import { STATUS_LABELS, type CampaignStatus } from "../outreach/campaigns/manage-campaigns.ts";
import { viBotText } from "./vi-bot-text.ts";
import { MESSAGE_LIMITS, type SourceEntry, type TranslationSource } from "./translation-sources.ts";

const PREFIX = "campaign:";
const OPEN_STATUSES: CampaignStatus[] = ["draft", "submitted", "approved", "sending", "paused"];
const BUTTON_KEYS = { report: "outreach.campaign.report", quiz: "outreach.campaign.quiz" } as const;

interface CampaignTextRow {
  id: string;
  title: string;
  status: string;
  variantsJson: string;
  buttonsJson: string;
}

const SELECT = { id: true, title: true, status: true, variantsJson: true, buttonsJson: true } as const;

function entryOf(row: CampaignTextRow): SourceEntry {
  const variants = JSON.parse(row.variantsJson) as Variants;
  const kinds = (JSON.parse(row.buttonsJson) as { kind: string }[]).map((b) => b.kind).filter((k): k is "report" | "quiz" => k === "report" || k === "quiz");
  const buttonKeys = [...kinds.map((k) => BUTTON_KEYS[k]), "outreach.campaign.stop"];
  const status = STATUS_LABELS[row.status as CampaignStatus] ?? row.status;
  return {
    key: `${PREFIX}${row.id}`,
    source: variants.vi.text,
    area: "campaign",
    context: {
      where: `Chiến dịch «${row.title}» (${status.toLowerCase()}): tin gửi cho người dân đã đăng ký nhận tin.`,
      buttons: buttonKeys.map(viBotText),
      buttonKeys,
      limits: { telegram: Math.min(CAMPAIGN_TEXT_MAX, MESSAGE_LIMITS.telegram!), zalo: MESSAGE_LIMITS.zalo!, webchat: CAMPAIGN_TEXT_MAX },
    },
  };
}

export const campaignSource: TranslationSource = {
  area: "campaign",
  label: "Chiến dịch tuyên truyền",
  async entries(db) {
    const rows = await db.campaign.findMany({ where: { status: { in: OPEN_STATUSES }, kind: "message" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: SELECT });
    return rows.map(entryOf);
  },
  async find(db, key) {
    if (!key.startsWith(PREFIX)) return undefined;
    const row = await db.campaign.findUnique({ where: { id: key.slice(PREFIX.length) }, select: { ...SELECT, kind: true } });
    // A Zalo article's summary is for the approver only: nothing to translate.
    return row && row.kind === "message" && (OPEN_STATUSES as string[]).includes(row.status) ? entryOf(row) : undefined;
  },
  async applyReviewed(tx, lang, key, text) {
    await writeVariant(tx, lang, key, text);
  },
};

/** The reviewed text as the language's variant (null takes the variant out: Vietnamese for those residents). */
async function writeVariant(tx: Tx, lang: string, key: string, text: string | null): Promise<void> {
  if (!key.startsWith(PREFIX) || (lang !== "hre" && lang !== "cua")) return;
  const id = key.slice(PREFIX.length);
  const row = await tx.campaign.findUnique({ where: { id }, select: { variantsJson: true } });
  if (!row) return;
  const variants = JSON.parse(row.variantsJson) as Variants;
  if ((variants[lang]?.text ?? null) === text) return;
  if (text === null) delete variants[lang];
  else variants[lang] = { text };
  const checked = variantsSchema.safeParse(variants);
  if (!checked.success) {
    throw new AppError("validation_failed", `Nội dung chiến dịch dài tối đa ${CAMPAIGN_TEXT_MAX} ký tự và không được để trống. Hãy sửa bản dịch.`);
  }
  await tx.campaign.update({ where: { id }, data: { variantsJson: JSON.stringify(checked.data) } });
}
