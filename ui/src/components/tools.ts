/** The drawing tools, and their names in the tool picker and in the list of drawn areas. */
import type { AnnotationKind } from "../bindings/AnnotationKind";
import type { MessageKey } from "../i18n.svelte";

export const TOOLS: readonly AnnotationKind[] = ["maskSolid", "maskPixelate", "highlight"];

/** What drawing a rectangle will do, for the tool picker. */
export const TOOL_LABELS: Record<AnnotationKind, MessageKey> = {
  maskSolid: "tool.maskSolid",
  maskPixelate: "tool.maskPixelate",
  highlight: "tool.highlight",
};

/** What a drawn rectangle is, for the list of drawn areas. */
export const AREA_LABELS: Record<AnnotationKind, MessageKey> = {
  maskSolid: "area.maskSolid",
  maskPixelate: "area.maskPixelate",
  highlight: "area.highlight",
};
