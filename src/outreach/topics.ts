/** What residents can subscribe to (issue 12). Labels are locale keys `outreach.topics.<id>`. */
export const TOPICS = ["scam", "drugs", "traffic", "wanted", "festival"] as const;
export type Topic = (typeof TOPICS)[number];
export const isTopic = (x: string): x is Topic => (TOPICS as readonly string[]).includes(x);
