//! Scripts the XSS end-to-end test (`tests/e2e_xss.rs`) runs in the "My tickets" page through
//! WebDriver: hooks that watch for scripts and IPC, the events a user's pointer and keyboard
//! would fire, and what running payloads would leave behind.

/// Installed once the page has rendered: records CSP violations and every command sent through
/// Tauri's IPC bridge, and says what the page looks like before the payloads are shown again.
pub const HOOKS: &str = r##"
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
}, true);
window.__invoked = [];
// Tauri's invoke cannot be replaced (a read-only property); on Linux it calls fetch on
// `ipc://localhost/<command>`, which can be watched.
const originalFetch = window.fetch;
window.fetch = function (resource, ...rest) {
  const url = String(resource instanceof Request ? resource.url : resource);
  if (/^(ipc:|http:\/\/ipc\.localhost)/.test(url)) {
    window.__invoked.push(decodeURIComponent(new URL(url).pathname.slice(1)));
  }
  return originalFetch.call(window, resource, ...rest);
};
return { hooked: window.fetch !== originalFetch, title: document.title,
         globalTauri: typeof window.__TAURI__, xss: typeof window.__xss };
"##;

/// Fires every event an inline handler could wait for on every element of the help desk's HTML
/// (focused and scrolled to first); returns how many were dispatched.
pub const STIR: &str = r##"
const types = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "click", "dblclick",
  "focus", "focusin", "blur", "toggle", "load", "error", "animationstart", "transitionend",
  "pointerover", "pointerenter", "input", "change", "submit", "keydown", "begin", "start"];
let count = 0;
for (const element of document.querySelectorAll("#ticket-detail .rich, #ticket-detail .rich *")) {
  element.scrollIntoView({ block: "center" });
  if (typeof element.focus === "function") element.focus();
  for (const type of types) {
    element.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
    count += 1;
  }
}
return count;
"##;

/// Scrolls timeline entry `arguments[0]` into view; the centre of its text, in viewport pixels.
pub const ENTRY_CENTRE: &str = r##"
const rich = document.querySelectorAll("#ticket-detail li.entry .rich")[arguments[0]];
rich.scrollIntoView({ block: "center" });
const r = rich.getBoundingClientRect();
return [Math.round(r.left + Math.min(r.width / 2, 40)), Math.round(r.top + r.height / 2)];
"##;

/// What running scripts would have left behind.
pub const TRACES: &str = r##"
return { xss: typeof window.__xss === "undefined" ? null : window.__xss, title: document.title,
         violations: window.__violations, invoked: window.__invoked };
"##;

/// An element with an inline handler, clicked: whether the handler ran.
pub const INLINE_PROBE: &str = r##"
const probe = document.createElement("div");
probe.setAttribute("onclick", "window.__inline = true");
document.body.append(probe);
probe.click();
probe.remove();
return window.__inline === true;
"##;

/// Whatever in the help desk's HTML could still run or load something.
pub const AUDIT: &str = r##"
const forbidden = new Set(["script", "iframe", "frame", "object", "embed", "img", "svg", "math",
  "style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "video",
  "audio", "source", "marquee", "noscript", "template", "isindex", "keygen", "applet"]);
const risky = ["style", "srcdoc", "formaction", "action", "background", "xlink:href", "src",
  "data", "srcset", "poster"];
const found = [];
for (const element of document.querySelectorAll("#ticket-detail .rich *")) {
  const tag = element.tagName.toLowerCase();
  if (forbidden.has(tag)) found.push(`<${tag}>`);
  for (const a of element.attributes) {
    const name = a.name.toLowerCase();
    const value = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
    if (name.startsWith("on") || risky.includes(name) || /^(javascript|data|vbscript):/.test(value)) {
      found.push(`<${tag} ${a.name}="${a.value.slice(0, 80)}">`);
    }
  }
}
return found;
"##;

/// Each timeline entry of the shown ticket: its kind and its visible text.
pub const ENTRIES: &str = r##"
return [...document.querySelectorAll("#ticket-detail li.entry")]
  .map((li) => ({ kind: li.dataset.entry, text: li.innerText }));
"##;
