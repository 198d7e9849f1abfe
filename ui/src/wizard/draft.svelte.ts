/**
 * What the user has entered so far, shared by every step of the wizard, and how it becomes the
 * `ReportInput` and `ScreenshotChoice` of the `submit` command.
 */
import type { Annotation } from "../bindings/Annotation";
import type { Field } from "../bindings/Field";
import type { ReportInput } from "../bindings/ReportInput";
import type { ScreenPreview } from "../bindings/ScreenPreview";
import type { ScreenshotChoice } from "../bindings/ScreenshotChoice";
import type { WizardContext } from "../bindings/WizardContext";

/** One captured screen: whether it is attached, and the rectangles drawn on it. */
export interface ScreenChoice {
  preview: ScreenPreview;
  included: boolean;
  /** In the capture's physical pixels, `screen` being `preview.index`. */
  annotations: Annotation[];
}

/** Problems to show beside each field, in the user's language. */
export type FieldErrors = Partial<Record<Field, string[]>>;

export class Draft {
  subject = $state("");
  /** A category id, or "" for none. */
  category = $state("");
  description = $state("");
  phone = $state("");
  location = $state("");
  screens = $state<ScreenChoice[]>([]);
  /** Absolute paths of the extra files. */
  attachments = $state<string[]>([]);
  errors = $state<FieldErrors>({});
  /** The user agreed to attach Guichet's diagnostic log (unchecked until they do). */
  attachLog = $state(false);

  constructor(context: WizardContext) {
    this.phone = context.phone ?? "";
    this.location = context.location ?? "";
    this.useCapture(context);
  }

  /** Takes the screens of a (new) capture: every screen attached, nothing drawn. */
  useCapture(context: WizardContext): void {
    this.screens = context.screens.map((preview) => ({ preview, included: true, annotations: [] }));
  }

  /** How many screenshots will be sent. */
  includedScreens(): number {
    return this.screens.filter((s) => s.included).length;
  }

  /** Screenshots and files together: the help desk's limit counts both. */
  /** The files the report carries: the screens kept, the files added, and the log if chosen. */
  attachmentCount(): number {
    return this.includedScreens() + this.attachments.length + (this.attachLog ? 1 : 0);
  }

  report(): ReportInput {
    return {
      subject: this.subject.trim(),
      description: this.description.trim(),
      category: this.category === "" ? null : this.category,
      phone: this.phone.trim() === "" ? null : this.phone.trim(),
      location: this.location.trim() === "" ? null : this.location.trim(),
      attachments: $state.snapshot(this.attachments),
      attachLog: this.attachLog,
    };
  }

  screenshots(): ScreenshotChoice {
    const included = $state.snapshot(this.screens).filter((s) => s.included);
    return {
      screens: included.map((s) => s.preview.index),
      annotations: included.flatMap((s) => s.annotations),
    };
  }
}
