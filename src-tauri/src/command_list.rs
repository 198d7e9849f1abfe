// The window process's commands, listed once. `build.rs` includes this file to declare them (each
// window's capability must then grant the ones it uses: `allow-wizard-context`, …), and
// `commands::handler` includes it to register them. A new command is added here and written in
// `commands.rs`; nothing else lists them.
macro_rules! with_commands {
    ($then:ident) => {
        $then!(
            launch,
            wizard_context,
            window_ready,
            recapture,
            submit,
            my_tickets,
            ticket,
            act,
            await_ticket,
            settings,
            save_profile,
            doctor,
            sign_in,
            sign_out,
            save_preferences,
            entities,
            test_capture,
            install_shortcut
        )
    };
}
