/** How "My tickets" words what the help desk says: statuses, dates, news. */
import type { Lang } from "../bindings/Lang";
import type { NoticeKind } from "../bindings/NoticeKind";
import type { SolutionStatus } from "../bindings/SolutionStatus";
import type { TicketStatus } from "../bindings/TicketStatus";
import type { MessageKey } from "../i18n.svelte";

export const STATUS_LABELS: Record<TicketStatus, MessageKey> = {
  new: "status.new",
  assigned: "status.assigned",
  planned: "status.planned",
  waiting: "status.waiting",
  solved: "status.solved",
  closed: "status.closed",
};

export const SOLUTION_LABELS: Record<SolutionStatus, MessageKey> = {
  waiting: "tickets.solution.waiting",
  accepted: "tickets.solution.accepted",
  refused: "tickets.solution.refused",
};

export const NOTICE_LABELS: Record<NoticeKind["type"], MessageKey> = {
  followup: "tickets.unread.followup",
  solved: "tickets.unread.solved",
  closed: "tickets.unread.closed",
  survey: "tickets.unread.survey",
};

/** The help desk's "2026-11-28 13:30:00" (its local time), or null when it reads otherwise. */
function parse(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/u.exec(text.trim());
  if (m === null) return null;
  const [year, month, day, hours, minutes, seconds] = m.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(year, month - 1, day, hours, minutes, seconds);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date as people read it in `lang`; the help desk's text as is when it cannot be read. */
export function humanDate(text: string, lang: Lang): string {
  const date = parse(text);
  return date === null ? text : humanTime(date.getTime(), lang);
}

/** A moment in milliseconds since the epoch, as people read it in `lang`. */
export function humanTime(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** The `datetime` attribute of a `<time>` showing the help desk's `text`, when it is a date. */
export function machineDate(text: string): string | undefined {
  return parse(text) === null ? undefined : text.trim().replace(" ", "T");
}
