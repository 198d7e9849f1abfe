/**
 * How the forms of a ticket hand their action to the pane that performs it, and what they learn
 * back. The pane shows the outcome and reloads the ticket; each form shows its own field errors.
 */
import type { ActionKind } from "../bindings/ActionKind";
import type { Field } from "../bindings/Field";
import type { FieldError } from "../bindings/FieldError";

/**
 * What became of a form's action: `done`, sent or saved in the outbox (the form starts over);
 * `invalid`, refused with per-field errors; `kept`, nothing saved and the pane says why (the form
 * keeps what the user typed).
 */
export type ActReply = { kind: "done" } | { kind: "invalid"; fields: FieldError[] } | { kind: "kept" };

export interface ActOptions {
  /** Absolute paths of files, for a followup. */
  attachments?: string[];
  /** The user was asked whether they meant to refuse, and still approves. */
  confirmed?: boolean;
}

export type Perform = (kind: ActionKind, options?: ActOptions) => Promise<ActReply>;

/** The agent's key for an approval whose comment reads like "it still does not work". */
export const CONTRADICTION = "validation.approve.contradiction";

/** Problems to show beside each field, in the agent's words. */
export type FieldMessagesOf = Partial<Record<Field, string[]>>;

export function messagesByField(fields: readonly FieldError[]): FieldMessagesOf {
  const grouped: FieldMessagesOf = {};
  for (const { field, message } of fields) (grouped[field] ??= []).push(message);
  return grouped;
}

/** The messages of fields a form does not show, so that none is lost. */
export function otherMessages(fields: readonly FieldError[], shown: readonly Field[]): string[] {
  return fields.filter((f) => !shown.includes(f.field)).map((f) => f.message);
}

/** The text the user wrote for an action, as a list shows it; a score out of `scaleMax`. */
export function actionText(kind: ActionKind, scaleMax = 5): string | null {
  switch (kind.type) {
    case "followup":
      return kind.message;
    case "approve":
      return kind.comment;
    case "refuse":
      return kind.reason;
    case "rate":
      return kind.comment === null
        ? `${kind.score}/${scaleMax}`
        : `${kind.score}/${scaleMax} — ${kind.comment}`;
  }
}
