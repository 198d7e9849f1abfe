/** Pure helpers about what the user types. */

/** Characters as the core counts them: Unicode scalar values of the trimmed text. */
export function charCount(text: string): number {
  return [...text.trim()].length;
}

/** Openings of a sentence that announce another problem. */
const ANOTHER_PROBLEM =
  /^(et aussi|aussi|autre problème|un autre problème|deuxième problème|de plus|par ailleurs|also|another problem|another issue|second problem|in addition)\b/iu;

/** A numbered list item: "1.", "2)". */
const NUMBERED = /^\s*\d+[.)]\s+/u;

/**
 * Whether `text` looks like several problems in one report: a sentence after the first that
 * opens like another problem, or a numbered list of at least two items.
 */
export function looksLikeSeveralProblems(text: string): boolean {
  const sentences = text
    .split(/(?<=[.!?;])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (sentences.slice(1).some((s) => ANOTHER_PROBLEM.test(s))) return true;
  return text.split("\n").filter((line) => NUMBERED.test(line)).length >= 2;
}

/** The last component of a path, for lists: `/home/a/notes.pdf` → `notes.pdf`. */
export function fileName(path: string): string {
  return path.split(/[\\/]/u).pop() ?? path;
}

/** The extension, lower case, without the dot; empty when there is none. */
export function extension(path: string): string {
  const name = fileName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** `["a", "b", "c"]` → "a, b and c", with `and` the language's " and ". */
export function listed(items: readonly string[], and: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")}${and}${items[items.length - 1]}`;
}
