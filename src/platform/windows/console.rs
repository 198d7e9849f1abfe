//! `guichet.exe` is a Windows GUI program, so that the agent started at login or from the Start
//! menu opens no console window. A command typed in a terminal (`guichet.exe report …`) still
//! prints there: the process attaches to its parent's console and writes to it. Handles its parent
//! gave it (a pipe, a file: `guichet.exe doctor --json > doctor.json`) are used as they are.
//!
//! What a GUI program cannot change: an interactive `cmd.exe` does not wait for it, so the prompt
//! comes back before the output, and `%ERRORLEVEL%` is not its exit code. Scripts get both as
//! usual (a batch file waits; so do `start /wait` and PowerShell's `Start-Process -Wait`, or a
//! pipe), which `docs/DEPLOYMENT.md` says.
//!
//! The console calls are Win32 and `unsafe`; each says why it is sound.
#![allow(unsafe_code)]

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Storage::FileSystem::{
    CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_EXISTING,
};
use windows_sys::Win32::System::Console::{
    AttachConsole, GetStdHandle, SetStdHandle, ATTACH_PARENT_PROCESS, STD_ERROR_HANDLE, STD_HANDLE,
    STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
};

/// Whether the command line asks for a command (or help) rather than the agent: only a command
/// writes to a terminal. The agent never attaches, since closing that terminal would end it.
pub fn wants_terminal(args: impl IntoIterator<Item = String>) -> bool {
    args.into_iter().skip(1).any(|arg| {
        !arg.starts_with('-') || matches!(arg.as_str(), "-h" | "--help" | "-V" | "--version")
    })
}

/// Attaches to the parent's console, if there is one, for the standard handles the parent did not
/// give. Started from Explorer or at login there is none, and nothing changes.
pub fn attach_parent() {
    let ids = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
    let missing: Vec<STD_HANDLE> = ids.into_iter().filter(|&id| !usable(id)).collect();
    // SAFETY: AttachConsole takes a process id constant and touches no memory of ours.
    if missing.is_empty() || unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
        return;
    }
    for id in missing {
        let name = if id == STD_INPUT_HANDLE {
            "CONIN$"
        } else {
            "CONOUT$"
        };
        let wide: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
        // SAFETY: `wide` is NUL-terminated; the handle is kept for the process's life, as the
        // standard handles are.
        let handle = unsafe {
            CreateFileW(
                wide.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                std::ptr::null(),
                OPEN_EXISTING,
                0,
                std::ptr::null_mut(),
            )
        };
        if handle != INVALID_HANDLE_VALUE {
            // SAFETY: a valid handle for a standard handle id.
            unsafe { SetStdHandle(id, handle) };
        }
    }
}

fn usable(id: STD_HANDLE) -> bool {
    // SAFETY: GetStdHandle only reads the process's table.
    let handle: HANDLE = unsafe { GetStdHandle(id) };
    !handle.is_null() && handle != INVALID_HANDLE_VALUE
}

#[cfg(test)]
mod tests {
    use super::wants_terminal;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn commands_and_help_write_to_the_terminal_the_agent_does_not() {
        for line in [
            "guichet report --subject x",
            "guichet doctor --json",
            "guichet --help",
        ] {
            assert!(wants_terminal(args(line)), "{line}");
        }
        for line in ["guichet", "guichet --background", "guichet --report"] {
            assert!(!wants_terminal(args(line)), "{line}");
        }
    }
}
