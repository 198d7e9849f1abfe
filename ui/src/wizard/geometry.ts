/**
 * From a rectangle drawn on a screen's preview to the capture's physical pixels, and the moves
 * and resizes of the keyboard's rectangles in those pixels.
 */
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

// Keyboard placement: whole physical pixels, always inside the capture, never under 1×1.

/** A whole number from `min` to `max`; `min` wins when they cross. */
function clampInt(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(value)));
}

/**
 * `rect` fitted to a `width`×`height` capture: whole pixels, at least 1×1, wholly inside it.
 * Its size wins over its position: a rectangle sticking out is moved back in, then cut down only
 * if it is larger than the capture.
 */
export function clampRect(rect: Rect, width: number, height: number): Rect {
  const w = clampInt(rect.w, 1, width);
  const h = clampInt(rect.h, 1, height);
  return { x: clampInt(rect.x, 0, width - w), y: clampInt(rect.y, 0, height - h), w, h };
}

/** A rectangle `fraction` of the capture's width and height, in its middle. */
export function centredRect(width: number, height: number, fraction = 0.25): Rect {
  const w = Math.round(width * fraction);
  const h = Math.round(height * fraction);
  return clampRect({ x: (width - w) / 2, y: (height - h) / 2, w, h }, width, height);
}

/** `rect` moved by `dx`, `dy` pixels, same size, stopping at the capture's edges. */
export function moveRect(rect: Rect, dx: number, dy: number, width: number, height: number): Rect {
  return clampRect({ ...rect, x: rect.x + dx, y: rect.y + dy }, width, height);
}

/**
 * `rect` made `dw`, `dh` pixels larger (smaller when negative), its top-left corner in place,
 * stopping at the capture's right and bottom edges and at 1 pixel.
 */
export function resizeRect(rect: Rect, dw: number, dh: number, width: number, height: number): Rect {
  const r = clampRect(rect, width, height);
  return { ...r, w: clampInt(r.w + dw, 1, width - r.x), h: clampInt(r.h + dh, 1, height - r.y) };
}

/** One arrow-key step along a side of `extent` pixels: 1 % of it, 10 % when `large`; at least 1. */
export function keyStep(extent: number, large: boolean): number {
  return Math.max(1, Math.round(extent * (large ? 0.1 : 0.01)));
}

/** Where an arrow key points (`KeyboardEvent.key`), `null` for any other key. */
export function arrowDirection(key: string): { dx: number; dy: number } | null {
  switch (key) {
    case "ArrowLeft":
      return { dx: -1, dy: 0 };
    case "ArrowRight":
      return { dx: 1, dy: 0 };
    case "ArrowUp":
      return { dx: 0, dy: -1 };
    case "ArrowDown":
      return { dx: 0, dy: 1 };
    default:
      return null;
  }
}

/** Whether two rectangles are the same. */
export function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}
