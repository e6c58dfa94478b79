/** What a tip can be about: the report flow's buttons, the console's filter, specialised units' rules. */
export const TIP_CATEGORIES = [
  "drugs", "gambling", "theft", "fraud", "violence", "school_violence", "weapons", "traffic", "forest", "other",
] as const;

export type TipCategory = (typeof TIP_CATEGORIES)[number];
