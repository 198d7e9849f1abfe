//! Linux: the display back ends' capture, one per session kind (X11: `x11`, MIT-SHM in
//! `shm_capture`; Wayland: the Screenshot portal in `wayland`), GNOME's custom keyboard
//! shortcuts (`gnome`), and the kernel's route notifications.

pub mod gnome;
pub mod netwatch;
pub mod shm_capture;
pub mod wayland;
mod x11;

pub use netwatch::NetWatch;
pub use wayland::WaylandScreens;
pub use x11::X11Screens;
