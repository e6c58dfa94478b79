/** What the console needs to draw its forms: labels and workflow from the same tables the server enforces, and what this officer may do. */
import { z } from "zod";
import { loadLanguages } from "../i18n/index.ts";
import { ROLES, ROLE_NAMES } from "../officers/roles.ts";
import { TIP_CATEGORIES } from "../tips/categories.ts";
import { OPEN_STATUSES, OUTCOMES, STATUS_LABELS, TIP_STATUSES, TRANSITIONS } from "../tips/workflow.ts";
import { canAnswerQuestions, canReadQuestions, canApproveQuiz, canEditFaq, canReadCampaigns, canListTips, canManageOfficers, canManageUnits, canReadAudit, canReadReports } from "./permissions.ts";
import { CHANNEL_LABELS, categoryLabel } from "./labels.ts";
import { defineRoute, type ApiRoute } from "./route.ts";

const option = z.object({ value: z.string(), label: z.string() });
export const consoleMeta = z
  .object({
    statuses: z.array(option.extend({ open: z.boolean(), next: z.array(z.string()) })),
    outcomes: z.array(option),
    categories: z.array(option),
    channels: z.array(option),
    languages: z.array(option),
    roles: z.array(option.extend({ needsUnit: z.boolean().meta({ description: "Vai trò chỉ xem tin của đơn vị mình: tài khoản phải có đơn vị" }) })),
    permissions: z.object({
      canListTips: z.boolean(),
      canAct: z.boolean(),
      canRevealIdentity: z.boolean(),
      canManageUnits: z.boolean(),
      canManageOfficers: z.boolean(),
      canReadAudit: z.boolean(),
      canEditFaq: z.boolean(),
      canReadQuestions: z.boolean(),
      canAnswerQuestions: z.boolean(),
      canApproveQuiz: z.boolean(),
      canReadCampaigns: z.boolean(),
      canReadReports: z.boolean(),
    }),
  })
  .meta({ id: "ConsoleMeta" });


export const metaRoutes: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/meta",
    tag: "meta",
    summary: "Nhãn, quy trình và quyền của tài khoản",
    description: "Trạng thái (và trạng thái chuyển tiếp được), kết quả giải quyết, loại tin, kênh, ngôn ngữ, vai trò, và những gì tài khoản đang đăng nhập được làm.",
    auth: true,
    response: { status: 200, description: "Dữ liệu cho các biểu mẫu của trang console", schema: consoleMeta },
    errors: ["unauthorized"],
    async run({ auth }) {
      const officer = auth.officer;
      const role = ROLES[officer.role];
      return {
        statuses: TIP_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value], open: OPEN_STATUSES.includes(value), next: [...TRANSITIONS[value]] })),
        outcomes: Object.entries(OUTCOMES).map(([value, label]) => ({ value, label })),
        categories: TIP_CATEGORIES.map((value) => ({ value, label: categoryLabel(value) })),
        channels: Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label })),
        languages: loadLanguages().map((l) => ({ value: l.code, label: l.label })),
        roles: ROLE_NAMES.map((value) => ({ value, label: ROLES[value].label, needsUnit: ROLES[value].tipScope === "unit" })),
        permissions: {
          canListTips: canListTips(officer),
          canAct: role.canAct,
          canRevealIdentity: role.canRevealIdentity,
          canManageUnits: canManageUnits(officer),
          canManageOfficers: canManageOfficers(officer),
          canReadAudit: canReadAudit(officer),
          canEditFaq: canEditFaq(officer),
          canReadQuestions: canReadQuestions(officer),
          canAnswerQuestions: canAnswerQuestions(officer),
          canApproveQuiz: canApproveQuiz(officer),
          canReadCampaigns: canReadCampaigns(officer),
          canReadReports: canReadReports(officer),
        },
      };
    },
  }),
];
