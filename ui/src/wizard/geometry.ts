/** From a rectangle drawn on a screen's preview to the capture's physical pixels. */
import type { Rect } from "../bindings/Rect";

/** A point on a preview, as fractions of its displayed width and height (0 to 1). */
export interface Point {
  x: number;
  y: number;
}

/** Rectangles smaller than this many physical pixels are taken for a stray click. */
const MIN_SIDE = 4;

/** The point of `event` on `element`, clamped to it. */
export function pointOn(element: Element, event: PointerEvent): Point {
  const box = element.getBoundingClientRect();
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    x: clamp((event.clientX - box.left) / box.width),
    y: clamp((event.clientY - box.top) / box.height),
  };
}

/**
 * The rectangle between two corners, in the physical pixels of a `width`×`height` capture,
 * whatever the preview's scale; `null` when it is too small to be meant.
 */
export function physicalRect(a: Point, b: Point, width: number, height: number): Rect | null {
  const x0 = Math.round(Math.min(a.x, b.x) * width);
  const x1 = Math.round(Math.max(a.x, b.x) * width);
  const y0 = Math.round(Math.min(a.y, b.y) * height);
  const y1 = Math.round(Math.max(a.y, b.y) * height);
  if (x1 - x0 < MIN_SIDE || y1 - y0 < MIN_SIDE) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** CSS placing `rect` over a preview of a `width`×`height` capture, in percent. */
export function placement(rect: Rect, width: number, height: number): string {
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  return `left: ${pct(rect.x, width)}; top: ${pct(rect.y, height)}; width: ${pct(rect.w, width)}; height: ${pct(rect.h, height)};`;
}
