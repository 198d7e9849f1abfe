/**
 * The checks the wizard makes before leaving a step, so that common mistakes are caught at once.
 * The agent validates everything again on `submit`, and its answer is what counts.
 */
import type { Limits } from "../bindings/Limits";
import { t } from "../i18n.svelte";
import type { Draft, FieldErrors } from "./draft.svelte";
import type { Step } from "./steps";
import { charCount } from "./text";

export function checkStep(step: Step, draft: Draft, limits: Limits): FieldErrors {
  switch (step) {
    case "report":
      return { ...checkSubject(draft, limits), ...checkDescription(draft, limits) };
    case "screenshots":
      if (draft.attachmentCount() > limits.max_attachments) {
        return { attachments: [t("files.refused.count", { max: limits.max_attachments })] };
      }
      return {};
    case "contact":
    case "review":
      return {};
  }
}

function checkSubject(draft: Draft, limits: Limits): FieldErrors {
  const len = charCount(draft.subject);
  if (len === 0) return { subject: [t("validation.subject.missing")] };
  if (len > limits.subject_max) {
    return { subject: [t("validation.subject.too_long", { len, max: limits.subject_max })] };
  }
  return {};
}

function checkDescription(draft: Draft, limits: Limits): FieldErrors {
  const len = charCount(draft.description);
  if (len < limits.description_min) {
    return { description: [t("validation.description.too_short", { len, min: limits.description_min })] };
  }
  if (len > limits.description_max) {
    return { description: [t("validation.description.too_long", { len, max: limits.description_max })] };
  }
  return {};
}
