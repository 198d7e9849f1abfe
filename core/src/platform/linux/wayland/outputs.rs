//! The outputs (monitors) of a Wayland session, as the compositor describes them to any client:
//! `wl_output` for the scale and the mode, `zxdg_output_v1` for the name and the place on the
//! desktop in logical pixels. The Screenshot portal gives one picture of the whole desktop; these
//! are what [`super::split`] cuts it along.

use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::{wl_output, wl_registry};
use wayland_client::{Connection, Dispatch, Proxy, QueueHandle};
use wayland_protocols::xdg::xdg_output::zv1::client::{zxdg_output_manager_v1, zxdg_output_v1};

/// One output, in the compositor's words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Its connector name (`HDMI-A-1`, `HEADLESS-1`), or empty when the compositor gives none.
    pub name: String,
    /// Its left edge on the desktop, in logical pixels.
    pub x: i32,
    /// Its top edge on the desktop, in logical pixels.
    pub y: i32,
    /// Its width on the desktop, in logical pixels (0 until `xdg_output` says).
    pub width: i32,
    /// Its height on the desktop, in logical pixels.
    pub height: i32,
    /// Its current mode's width, in physical pixels (0 when unknown).
    pub mode_width: i32,
    /// Its integer scale factor (`wl_output.scale`, 1 when not said).
    pub scale: i32,
}

/// Why the outputs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum OutputsError {
    /// No compositor answered at `WAYLAND_DISPLAY`.
    #[error("cannot connect to the Wayland compositor: {0}")]
    Connect(#[from] wayland_client::ConnectError),
    /// The compositor's globals could not be read.
    #[error("cannot read the Wayland compositor's globals: {0}")]
    Globals(#[from] wayland_client::globals::GlobalError),
    /// The conversation with the compositor broke.
    #[error("the Wayland compositor stopped answering: {0}")]
    Dispatch(#[from] wayland_client::DispatchError),
    /// The compositor lacks `zxdg_output_manager_v1`, so outputs have no place on the desktop.
    #[error("the compositor does not tell where its outputs are (no xdg-output)")]
    NoXdgOutput,
}

/// The session's outputs, in the compositor's order. Two round trips: the globals, then each
/// output's description.
pub fn list() -> Result<Vec<Output>, OutputsError> {
    let connection = Connection::connect_to_env()?;
    let (globals, mut queue) = registry_queue_init::<Outputs>(&connection)?;
    let handle = queue.handle();
    let manager: zxdg_output_manager_v1::ZxdgOutputManagerV1 = globals
        .bind(&handle, 1..=3, ())
        .map_err(|_| OutputsError::NoXdgOutput)?;
    let mut state = Outputs::default();
    let wl_outputs: Vec<wl_output::WlOutput> = globals.contents().with_list(|list| {
        list.iter()
            .filter(|g| g.interface == wl_output::WlOutput::interface().name)
            .enumerate()
            .map(|(index, g)| {
                globals
                    .registry()
                    .bind(g.name, g.version.min(4), &handle, index)
            })
            .collect()
    });
    state.outputs = vec![Output::default(); wl_outputs.len()];
    for (index, output) in wl_outputs.iter().enumerate() {
        manager.get_xdg_output(output, &handle, index);
    }
    queue.roundtrip(&mut state)?;
    queue.roundtrip(&mut state)?;
    Ok(state.outputs)
}

/// What the events fill in; each output is known by its index in the list.
#[derive(Debug, Default)]
struct Outputs {
    outputs: Vec<Output>,
}

impl Outputs {
    fn at(&mut self, index: usize) -> Option<&mut Output> {
        self.outputs.get_mut(index)
    }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for Outputs {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        // Outputs plugged in during the two round trips are not in this capture.
    }
}

impl Dispatch<wl_output::WlOutput, usize> for Outputs {
    fn event(
        state: &mut Self,
        _: &wl_output::WlOutput,
        event: wl_output::Event,
        index: &usize,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let Some(output) = state.at(*index) else {
            return;
        };
        match event {
            wl_output::Event::Scale { factor } => output.scale = factor.max(1),
            wl_output::Event::Mode { flags, width, .. } => {
                let current = flags
                    .into_result()
                    .is_ok_and(|f| f.contains(wl_output::Mode::Current));
                if current {
                    output.mode_width = width;
                }
            }
            wl_output::Event::Name { name } if output.name.is_empty() => output.name = name,
            _ => {}
        }
    }
}

impl Dispatch<zxdg_output_manager_v1::ZxdgOutputManagerV1, ()> for Outputs {
    fn event(
        _: &mut Self,
        _: &zxdg_output_manager_v1::ZxdgOutputManagerV1,
        _: zxdg_output_manager_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<zxdg_output_v1::ZxdgOutputV1, usize> for Outputs {
    fn event(
        state: &mut Self,
        _: &zxdg_output_v1::ZxdgOutputV1,
        event: zxdg_output_v1::Event,
        index: &usize,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let Some(output) = state.at(*index) else {
            return;
        };
        match event {
            zxdg_output_v1::Event::LogicalPosition { x, y } => (output.x, output.y) = (x, y),
            zxdg_output_v1::Event::LogicalSize { width, height } => {
                (output.width, output.height) = (width, height);
            }
            zxdg_output_v1::Event::Name { name } => output.name = name,
            _ => {}
        }
    }
}
