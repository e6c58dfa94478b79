/**
 * Flows are data, and typed: `defineFlow` checks at compile time that a flow declares exactly the
 * steps named in FlowSteps (types.ts) and that every `to` names a step that exists; at run time
 * the engine checks the flow's session data against its zod schema on every save, so a typo in a
 * `set` fails the turn (and its test) instead of leaving a resident in a broken state.
 *
 * @example
 * export const helloFlow = defineFlow({ id: "menu", start: "main", data: flowData({ name: z.string().optional() }), steps: { … } });
 */
import { z, type ZodType, type output } from "zod";
import type { Flow, FlowId, FlowSteps, Step } from "./types.ts";

/** Keys every flow keeps (they start with "_" and survive moving between flows). */
export const GLOBAL_DATA = {
  /** The "answers are in Vietnamese until translated" note was given. */
  _faqFallbackNoted: z.boolean().optional(),
  /** When the emergency numbers were last given (ISO): not repeated within a conversation. */
  _emergencyAt: z.string().optional(),
  /** The "written Hre/Co is not ready, voice is welcome" note was given for this language. */
  _languageNoted: z.string().optional(),
};

/** A flow's data schema: its own keys plus the global ones, nothing else. */
export function flowData<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...GLOBAL_DATA, ...shape });
}

export function defineFlow<F extends FlowId, S extends ZodType<Record<string, unknown>>>(flow: {
  id: F;
  start: NoInfer<FlowSteps[F]>;
  data: S;
  steps: { [K in FlowSteps[NoInfer<F>]]: Step<NoInfer<F>, output<S>> };
}): Flow<F, output<S>> {
  return flow as unknown as Flow<F, output<S>>;
}
