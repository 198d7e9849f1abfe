/**
 * The wizard's steps. The common report takes the two main ones: the report (subject,
 * description, and what goes with it) and the review. Contact and the screenshot with files are
 * detours, one click away from either, that lead back where they were opened from.
 */
import type { Field } from "../bindings/Field";
import type { MessageKey } from "../i18n.svelte";

/** The main path, in order. */
export const STEPS = ["report", "review"] as const;

/** Steps opened from a main one, which lead back to it. */
export const DETOURS = ["contact", "screenshots"] as const;

export type MainStep = (typeof STEPS)[number];
export type Detour = (typeof DETOURS)[number];
export type Step = MainStep | Detour;

export const STEP_TITLES: Record<MainStep, MessageKey> = {
  report: "step.report",
  review: "step.review",
};

export function isDetour(step: Step): step is Detour {
  return (DETOURS as readonly Step[]).includes(step);
}

/** The report's fields; the others (`message`, `reason`, …) belong to actions on a ticket. */
const STEP_OF_FIELD: Partial<Record<Field, Step>> = {
  subject: "report",
  category: "report",
  description: "report",
  phone: "contact",
  attachments: "screenshots",
};

/** Where the fields are shown, in the order the user meets them. */
const ORDER: readonly Step[] = ["report", "contact", "screenshots", "review"];

/** The first step, in wizard order, that shows one of `fields`. */
export function firstStepOf(fields: readonly Field[]): Step | undefined {
  return ORDER.find((step) => fields.some((field) => STEP_OF_FIELD[field] === step));
}

/** The fields a step shows. */
export function fieldsOf(step: Step): Field[] {
  return (Object.keys(STEP_OF_FIELD) as Field[]).filter((field) => STEP_OF_FIELD[field] === step);
}
