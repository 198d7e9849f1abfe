/** Numbers as people read them, in the UI's language. */
import type { Lang } from "../bindings/Lang";

const UNITS: Record<Lang, readonly string[]> = {
  fr: ["octets", "Ko", "Mo", "Go"],
  en: ["bytes", "KB", "MB", "GB"],
};

/** `10485760` → "10 Mo" / "10 MB" (binary multiples, one decimal under 10). */
export function humanSize(bytes: number, lang: Lang): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS[lang].length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
  return `${number} ${UNITS[lang][unit]}`;
}
