/** The wizard's steps, in order, and which step shows each field of the report. */
import type { Field } from "../bindings/Field";
import type { MessageKey } from "../i18n.svelte";

export const STEPS = ["subject", "description", "contact", "screenshots", "review"] as const;

export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Record<Step, MessageKey> = {
  subject: "step.subject",
  description: "step.description",
  contact: "step.contact",
  screenshots: "step.screenshots",
  review: "step.review",
};

/** The report's fields; the others (`message`, `reason`, …) belong to actions on a ticket. */
const STEP_OF_FIELD: Partial<Record<Field, Step>> = {
  subject: "subject",
  category: "subject",
  description: "description",
  phone: "contact",
  attachments: "screenshots",
};

/** The first step, in wizard order, that shows one of `fields`. */
export function firstStepOf(fields: readonly Field[]): Step | undefined {
  return STEPS.find((step) => fields.some((field) => STEP_OF_FIELD[field] === step));
}

/** The fields a step shows. */
export function fieldsOf(step: Step): Field[] {
  return (Object.keys(STEP_OF_FIELD) as Field[]).filter((field) => STEP_OF_FIELD[field] === step);
}
