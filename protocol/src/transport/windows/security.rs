//! Who may open the agent's pipe: this user only. The pipe is created with a security descriptor
//! whose protected DACL has one entry, full access for the user's SID (`D:P(A;;GA;;;<SID>)`):
//! no inherited entries, nothing for Everyone, other users, or even Administrators.
#![allow(unsafe_code)]

use std::io;
use std::path::Path;
use tokio::net::windows::named_pipe::{NamedPipeServer, ServerOptions};
use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, TokenUser, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY,
    TOKEN_USER,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// The descriptor, in SDDL, that lets only `sid` open the pipe.
pub fn pipe_sddl(sid: &str) -> String {
    format!("D:P(A;;GA;;;{sid})")
}

/// A NUL-terminated UTF-16 copy of `text`.
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Reads a NUL-terminated UTF-16 string that Windows allocated, then frees it.
///
/// # Safety
/// `text` must be a valid NUL-terminated string allocated with `LocalAlloc`.
unsafe fn take_local_wide(text: *mut u16) -> String {
    let mut len = 0;
    // SAFETY: the caller guarantees NUL termination.
    while unsafe { *text.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` units were just read.
    let out = String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(text, len) });
    // SAFETY: allocated by the system with LocalAlloc, freed once.
    unsafe { LocalFree(text.cast()) };
    out
}

/// Closes a handle when dropped.
struct Owned(HANDLE);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the handle was opened by us and is closed once.
        unsafe { CloseHandle(self.0) };
    }
}

/// The SID of the user this process runs as, as text (`S-1-5-21-…`).
pub fn user_sid() -> io::Result<String> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: the pseudo-handle of the current process needs no closing; `token` is written.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let token = Owned(token);
    let mut len = 0u32;
    // SAFETY: a size query with no buffer; it fails with the size needed.
    unsafe { GetTokenInformation(token.0, TokenUser, std::ptr::null_mut(), 0, &mut len) };
    if len == 0 {
        return Err(io::Error::last_os_error());
    }
    // u64 units: TOKEN_USER needs pointer alignment.
    let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
    // SAFETY: the buffer holds `len` bytes.
    let ok = unsafe {
        GetTokenInformation(
            token.0,
            TokenUser,
            buffer.as_mut_ptr().cast(),
            len,
            &mut len,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: GetTokenInformation wrote a TOKEN_USER at the start of the aligned buffer.
    let user = unsafe { &*buffer.as_ptr().cast::<TOKEN_USER>() };
    let mut text: *mut u16 = std::ptr::null_mut();
    // SAFETY: the SID points into `buffer`, alive here; `text` is written on success.
    if unsafe { ConvertSidToStringSidW(user.User.Sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a LocalAlloc'd NUL-terminated string from ConvertSidToStringSidW.
    Ok(unsafe { take_local_wide(text) })
}

/// The security attributes every instance of the pipe is created with.
#[derive(Debug)]
pub(super) struct PipeSecurity {
    descriptor: PSECURITY_DESCRIPTOR,
}

// SAFETY: the descriptor is written once by Windows, then only read (by CreateNamedPipeW), and
// freed once in Drop; nothing mutates it from several threads.
unsafe impl Send for PipeSecurity {}
// SAFETY: as above: shared references only ever read it.
unsafe impl Sync for PipeSecurity {}

impl PipeSecurity {
    pub(super) fn for_current_user() -> io::Result<PipeSecurity> {
        let sddl = wide(&pipe_sddl(&user_sid()?));
        let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; `descriptor` is written on success.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(PipeSecurity { descriptor })
    }

    /// Creates one instance of the pipe `name` with this descriptor.
    pub(super) fn create(
        &self,
        options: &ServerOptions,
        name: &Path,
    ) -> io::Result<NamedPipeServer> {
        let mut attributes = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.descriptor,
            bInheritHandle: 0,
        };
        // SAFETY: `attributes` is a valid SECURITY_ATTRIBUTES for the duration of the call, and
        // its descriptor lives as long as `self`.
        unsafe {
            options.create_with_security_attributes_raw(
                name,
                (&mut attributes as *mut SECURITY_ATTRIBUTES).cast(),
            )
        }
    }
}

impl Drop for PipeSecurity {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW, freed once.
        unsafe { LocalFree(self.descriptor) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_user_is_granted_anything() {
        let sid = "S-1-5-21-1-2-3-1001";
        // Protected (no inherited entry), one allow entry, for this SID only.
        assert_eq!(pipe_sddl(sid), "D:P(A;;GA;;;S-1-5-21-1-2-3-1001)");
    }

    #[test]
    fn the_descriptor_reads_back_as_written() {
        use windows_sys::Win32::Security::Authorization::ConvertSecurityDescriptorToStringSecurityDescriptorW;
        use windows_sys::Win32::Security::DACL_SECURITY_INFORMATION;
        let security = PipeSecurity::for_current_user().expect("descriptor");
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: a valid descriptor; `text` is written on success.
        let ok = unsafe {
            ConvertSecurityDescriptorToStringSecurityDescriptorW(
                security.descriptor,
                SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION,
                &mut text,
                std::ptr::null_mut(),
            )
        };
        assert_ne!(ok, 0, "{}", io::Error::last_os_error());
        // SAFETY: LocalAlloc'd NUL-terminated string.
        let back = unsafe { take_local_wide(text) };
        let sid = user_sid().expect("sid");
        assert_eq!(back, pipe_sddl(&sid), "no entry but the user's");
    }
}
