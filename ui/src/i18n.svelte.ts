/**
 * UI strings: one catalogue per language in `locales/`, French first, English complete (the
 * type below refuses an English catalogue missing a French key). Messages shared with the tray
 * and notifications (`action.report`) use the same keys as `core/locales`.
 *
 * The language starts as the webview's preferred one, then follows the agent's (`setLang`), which
 * comes from Guichet's configuration or the OS locale.
 */
import type { Lang } from "./bindings/Lang";
import type { RejectCode } from "./bindings/RejectCode";
import type { RejectedFile } from "./bindings/RejectedFile";
import en from "./locales/en.json";
import fr from "./locales/fr.json";

export type MessageKey = keyof typeof fr;

/** Values for a message's `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

const catalogues: Record<Lang, Record<MessageKey, string>> = { fr, en };

/** The first supported language among `preferred` (BCP 47 tags), else French. */
export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "fr" || base === "en") return base;
  }
  return "fr";
}

let current = $state<Lang>(
  pickLang(navigator.languages.length > 0 ? navigator.languages : [navigator.language]),
);

/** What this window is, for its title: "Guichet — <what>". */
let titleKey: MessageKey = "action.report";

export function lang(): Lang {
  return current;
}

/** Switches the whole UI, the document's language and its title. */
export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next;
  setTitle(titleKey);
}

/** Names the document after this window, in the current language; returns the title. */
export function setTitle(key: MessageKey): string {
  titleKey = key;
  document.title = `${t("app.title")} — ${t(key)}`;
  return document.title;
}

/** The message `key` in the current language, placeholders filled from `params`. */
export function t(key: MessageKey, params: MessageParams = {}): string {
  return catalogues[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The catalogue key of each of Guichet's own reasons for a missing file (`RejectCode::key`). */
const REJECT_KEYS: Record<RejectCode, MessageKey> = {
  notOnTicket: "rejected.not_on_ticket",
};

/** Why the help desk did not keep `file`: Guichet's reason in the current language, else the
 * help desk's own words. */
export function rejectedReason(file: RejectedFile): string {
  return file.code ? t(REJECT_KEYS[file.code]) : file.reason;
}
