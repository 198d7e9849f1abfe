//! Reads the registry: the values of one `HKEY_LOCAL_MACHINE` key, in the 64-bit view (where a
//! 64-bit MSI and Group Policy write), for `crate::config::managed`; and one text value, for the
//! WebView2 lookup. The Win32 registry calls are `unsafe`; each says why it is sound.
#![allow(unsafe_code)]

use crate::config::managed::RegValue;
use windows_sys::Win32::Foundation::{ERROR_MORE_DATA, ERROR_NO_MORE_ITEMS, ERROR_SUCCESS};
use windows_sys::Win32::System::Registry::{
    RegCloseKey, RegEnumValueW, RegGetValueW, RegOpenKeyExW, HKEY, HKEY_LOCAL_MACHINE, KEY_READ,
    KEY_WOW64_64KEY, REG_DWORD, REG_EXPAND_SZ, REG_SZ, RRF_RT_REG_SZ,
};

/// The values of `HKLM\<key>`: `None` when the key does not exist or cannot be read. Values of
/// other types (binary, multi-string) are skipped with a warning.
pub fn machine_values(key: &str) -> Option<Vec<(String, RegValue)>> {
    let wide: Vec<u16> = key.encode_utf16().chain(Some(0)).collect();
    let mut handle: HKEY = std::ptr::null_mut();
    // SAFETY: `wide` is NUL-terminated and outlives the call; `handle` is written on success.
    let opened = unsafe {
        RegOpenKeyExW(
            HKEY_LOCAL_MACHINE,
            wide.as_ptr(),
            0,
            KEY_READ | KEY_WOW64_64KEY,
            &mut handle,
        )
    };
    if opened != ERROR_SUCCESS {
        return None;
    }
    let values = enumerate(handle, key);
    // SAFETY: `handle` was opened above and is closed once.
    unsafe { RegCloseKey(handle) };
    Some(values)
}

fn enumerate(handle: HKEY, key: &str) -> Vec<(String, RegValue)> {
    let mut values = Vec::new();
    let mut name = vec![0u16; 256];
    let mut data = vec![0u8; 4096];
    let mut index = 0;
    loop {
        let mut name_len = name.len() as u32;
        let mut data_len = data.len() as u32;
        let mut kind = 0u32;
        // SAFETY: the buffers and their lengths match; the call writes within them.
        let status = unsafe {
            RegEnumValueW(
                handle,
                index,
                name.as_mut_ptr(),
                &mut name_len,
                std::ptr::null(),
                &mut kind,
                data.as_mut_ptr(),
                &mut data_len,
            )
        };
        if status == ERROR_MORE_DATA && data.len() < 1 << 20 {
            name.resize(name.len() * 2, 0);
            data.resize(data.len() * 4, 0);
            continue;
        }
        if status == ERROR_NO_MORE_ITEMS || status != ERROR_SUCCESS {
            if status != ERROR_NO_MORE_ITEMS {
                tracing::warn!("HKLM\\{key}: reading its values stopped (error {status})");
            }
            return values;
        }
        index += 1;
        let value_name = String::from_utf16_lossy(&name[..name_len as usize]);
        let bytes = &data[..(data_len as usize).min(data.len())];
        match kind {
            REG_SZ | REG_EXPAND_SZ => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .take_while(|&unit| unit != 0)
                    .collect();
                values.push((value_name, RegValue::Text(String::from_utf16_lossy(&units))));
            }
            REG_DWORD if bytes.len() >= 4 => {
                let number = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                values.push((value_name, RegValue::Number(number)));
            }
            _ => tracing::warn!("HKLM\\{key}\\{value_name}: a value of type {kind} is not read"),
        }
    }
}

/// The text value `name` of `root\<key>` (trimmed), or `None` when it is absent or not text.
pub(crate) fn string_value(root: HKEY, key: &str, name: &str) -> Option<String> {
    let key: Vec<u16> = key.encode_utf16().chain(Some(0)).collect();
    let name: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
    let mut data = vec![0u16; 128];
    let mut size = (data.len() * 2) as u32;
    // SAFETY: the key and value names are NUL-terminated; `data` holds `size` bytes, and the call
    // writes at most that many (it fails with ERROR_MORE_DATA otherwise: no version is that long).
    let status = unsafe {
        RegGetValueW(
            root,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            data.as_mut_ptr().cast(),
            &mut size,
        )
    };
    if status != ERROR_SUCCESS {
        return None;
    }
    let units = (size as usize / 2).min(data.len());
    let text: Vec<u16> = data[..units]
        .iter()
        .copied()
        .take_while(|&u| u != 0)
        .collect();
    Some(String::from_utf16_lossy(&text).trim().to_owned())
}
