//! Linux: the X11 display back end's capture (`x11`, MIT-SHM in `shm_capture`), and the kernel's
//! route notifications.

pub mod netwatch;
pub mod shm_capture;
mod x11;

pub use netwatch::NetWatch;
pub use x11::X11Screens;
