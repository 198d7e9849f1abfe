/**
 * The one module that talks to Rust. Every call to Tauri (commands, this window, the file
 * picker, drag-and-drop events) goes through here; components import these typed functions and
 * never `@tauri-apps/*`.
 *
 * Commands are thin adapters over requests to the resident agent. Their types are generated
 * from the core crate (`bindings/`, ts-rs). A failed command rejects with a `CommandFailure`
 * whose `info` has a code from a closed set the UI branches on.
 */
import { invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open } from "@tauri-apps/plugin-dialog";
import type { ActionInput } from "./bindings/ActionInput";
import type { CaptureTest } from "./bindings/CaptureTest";
import type { DoctorReport } from "./bindings/DoctorReport";
import type { EntityList } from "./bindings/EntityList";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { FieldError } from "./bindings/FieldError";
import type { MyTickets } from "./bindings/MyTickets";
import type { Preferences } from "./bindings/Preferences";
import type { ReportInput } from "./bindings/ReportInput";
import type { ScreenshotChoice } from "./bindings/ScreenshotChoice";
import type { SettingsView } from "./bindings/SettingsView";
import type { SignInInput } from "./bindings/SignInInput";
import type { SubmitOutcome } from "./bindings/SubmitOutcome";
import type { TicketView } from "./bindings/TicketView";
import type { WindowLaunch } from "./bindings/WindowLaunch";
import type { WizardContext } from "./bindings/WizardContext";

/** A command's error, `fields` always present (empty unless the code is `validation`). */
export interface Failure {
  code: ErrorCode;
  message: string;
  fields: FieldError[];
}

export class CommandFailure extends Error {
  constructor(readonly info: Failure) {
    super(info.message);
  }
}

/** What a caught error means to the UI: a command's failure as it came, anything else internal. */
export function failureOf(error: unknown): Failure {
  return error instanceof CommandFailure ? error.info : { code: "internal", message: String(error), fields: [] };
}

/** An error carried inside an answer (an offline list, a queued or failed action). */
export function failureFrom(info: ErrorInfo): Failure {
  return { code: info.code, message: info.message, fields: info.fields ?? [] };
}

const CODES: readonly ErrorCode[] = ["offline", "unauthorized", "validation", "server", "internal"];

/** Our commands reject with `{code, message, fields?}`; Tauri itself (a refused permission,
 * a missing command) rejects with a string. */
function asFailure(raw: unknown): Failure {
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message } = raw;
    const fields = "fields" in raw && Array.isArray(raw.fields) ? (raw.fields as FieldError[]) : [];
    if (CODES.includes(code as ErrorCode) && typeof message === "string") {
      return { code: code as ErrorCode, message, fields };
    }
  }
  return { code: "internal", message: String(raw), fields: [] };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new CommandFailure(asFailure(raw));
  }
}

/** Which window this process was started for and, for "My tickets", the ticket to open first. */
export function launch(): Promise<WindowLaunch> {
  return call("launch");
}

/** What the wizard shows before the user types anything, with previews of the capture. */
export function wizardContext(): Promise<WizardContext> {
  return call("wizard_context");
}

/** Tells the agent this window is shown and usable (it logs the delay since the trigger). */
export function windowReady(): Promise<void> {
  return call("window_ready");
}

/** Hides this window, captures the screens again, shows the window: the new context. */
export function recapture(): Promise<WizardContext> {
  return call("recapture");
}

export function submit(report: ReportInput, screenshots: ScreenshotChoice): Promise<SubmitOutcome> {
  return call("submit", { report, screenshots });
}

/** "My tickets": the list (this computer's memory of it when the help desk is offline), and news. */
export function myTickets(): Promise<MyTickets> {
  return call("my_tickets");
}

/** One ticket in detail, with this user's actions on it still waiting in the outbox. Opening a
 * ticket marks its news read. */
export function ticketView(id: number): Promise<TicketView> {
  return call("ticket", { id });
}

/** A followup, an approval, a refusal or a survey answer: sent now, queued, or refused. */
export function act(action: ActionInput): Promise<SubmitOutcome> {
  return call("act", { action });
}

/**
 * Resolves with a ticket to show when a notification about it is clicked while this window is
 * open (the agent brings the window forward); may wait for hours.
 */
export function awaitTicket(): Promise<number> {
  return call("await_ticket");
}

/** What the Settings window shows. */
export function settingsView(): Promise<SettingsView> {
  return call("settings");
}

/** Saves the user's phone and location (`null`: none); answers with the settings as saved. */
export function saveProfile(phone: string | null, location: string | null): Promise<SettingsView> {
  return call("save_profile", { phone, location });
}

/** The user's preferences (only the values given change); the agent applies them at once. */
export function savePreferences(preferences: Preferences): Promise<SettingsView> {
  return call("save_preferences", { preferences });
}

/** The entities the user's tickets may go to (asked of the help desk), and the one in force. */
export function entities(): Promise<EntityList> {
  return call("entities");
}

/** Captures the screens now (a Wayland desktop may ask the user first); nothing is kept. */
export function testCapture(): Promise<CaptureTest> {
  return call("test_capture");
}

/** Installs GNOME's custom keyboard shortcut running `guichet --report`; the new settings. */
export function installShortcut(): Promise<SettingsView> {
  return call("install_shortcut");
}

/** The connection doctor: each step from the help desk's name to the account's rights. */
export function doctor(): Promise<DoctorReport> {
  return call("doctor");
}

/**
 * Signs in (the agent checks with the help desk, which takes a few seconds, then keeps the secret
 * in the OS keyring); answers with the settings as they now are. Callers drop `input` afterwards:
 * the secret is kept nowhere in the web UI.
 */
export function signIn(input: SignInInput): Promise<SettingsView> {
  return call("sign_in", { signIn: input });
}

/** Forgets the user's credentials; answers with the settings as they now are. */
export function signOut(): Promise<SettingsView> {
  return call("sign_out");
}

/** The native window's title (the template's is French). */
export function setWindowTitle(title: string): Promise<void> {
  return getCurrentWindow().setTitle(title);
}

/** Closes this window (the window process exits with its last window). */
export function closeWindow(): Promise<void> {
  return getCurrentWindow().close();
}

/** The file picker: absolute paths of the chosen files, none when cancelled. */
export async function pickFiles(title: string): Promise<string[]> {
  return (await open({ title, multiple: true, directory: false })) ?? [];
}

export type DropState = { kind: "hovering" } | { kind: "dropped"; paths: string[] } | { kind: "left" };

/** Files dragged onto the window, with their absolute paths. Resolves to the unsubscribe. */
export function onFileDrop(handler: (state: DropState) => void): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent(({ payload }) => {
    switch (payload.type) {
      case "enter":
      case "over":
        handler({ kind: "hovering" });
        break;
      case "drop":
        handler({ kind: "dropped", paths: payload.paths });
        break;
      case "leave":
        handler({ kind: "left" });
        break;
    }
  });
}
