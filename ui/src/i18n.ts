/**
 * UI strings: one catalogue per language in `locales/`, French first, English complete.
 * The language is chosen once, at start-up, from the webview's preferred languages.
 */
import en from "./locales/en.json";
import fr from "./locales/fr.json";

/** A key of the catalogues; French is the reference every other language must cover. */
export type MessageKey = keyof typeof fr;

export type Lang = "fr" | "en";

const catalogues: Record<Lang, Record<MessageKey, string>> = { fr, en };

/** The first supported language among `preferred` (BCP 47 tags), else French. */
export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "fr" || base === "en") return base;
  }
  return "fr";
}

export const lang: Lang = pickLang(
  navigator.languages.length > 0 ? navigator.languages : [navigator.language],
);

/** The string for `key` in the current language. */
export function t(key: MessageKey): string {
  return catalogues[lang][key];
}
