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

/**
 * A moment as people read it in `lang`. The help desk's connector gives the moment in ms since
 * the epoch (`atMs`) when it could read its own date; otherwise its text is shown as it is.
 */
export function humanDate(atMs: number | null, text: string, lang: Lang): string {
  return atMs === null ? text : humanTime(atMs, lang);
}

/** A moment in milliseconds since the epoch, as people read it in `lang`. */
export function humanTime(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** The `datetime` attribute of a `<time>` for a moment, when it is known. */
export function machineDate(atMs: number | null): string | undefined {
  return atMs === null ? undefined : new Date(atMs).toISOString();
}
