//! Requests paired with their answers by type. Each request of a protocol is a struct that names
//! the answer it calls for ([`Ask::Answer`]): a client writes `client.ask(ask::QueueList {})` and
//! gets `Vec<QueueItem>`, and the answering side builds its response with
//! `ask::QueueList::reply(items)`, so neither can pair a request with the wrong answer. An answer
//! of another kind (a peer from another build) is handed back by [`Ask::answer`] for the one place
//! per client that reports it.
//!
//! The wire stays the two tagged enums ([`super::Request`], [`super::Response`]); the [`asks!`]
//! macro writes one struct per request and its [`Ask`] impl from one line each.

/// One request of a protocol, and the answer it calls for.
pub trait Ask: Sized {
    /// The protocol's request enum, as it travels.
    type Request;
    /// The protocol's response enum, as it travels.
    type Response;
    /// What the expected response carries.
    type Answer;
    /// This request on the wire.
    fn into_request(self) -> Self::Request;
    /// The answer carried by `response`, or `response` itself when it is of another kind.
    fn answer(response: Self::Response) -> Result<Self::Answer, Self::Response>;
    /// The response carrying `answer` (the answering side).
    fn reply(answer: Self::Answer) -> Self::Response;
}

/// Declares request structs and their [`Ask`] impls for a pair of wire enums. Each line reads
/// `Name { field: Type, … } => ResponseVariant { payload: AnswerType };` (or `=> Done;` for a
/// response without payload): the struct `Name` has the fields of the request variant `Name`,
/// and its answer is the response variant's one field.
#[macro_export]
macro_rules! asks {
    (
        $request:ident => $response:ident;
        $(
            $(#[$meta:meta])*
            $name:ident { $($field:ident : $fty:ty),* $(,)? }
                => $variant:ident $({ $payload:ident : $answer:ty })?;
        )*
    ) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq)]
            pub struct $name {
                $(#[allow(missing_docs)] pub $field: $fty),*
            }

            impl $crate::ipc::ask::Ask for $name {
                type Request = $request;
                type Response = $response;
                type Answer = $crate::asks!(@answer $($answer)?);

                fn into_request(self) -> $request {
                    let $name { $($field),* } = self;
                    $request::$name { $($field),* }
                }

                fn answer(response: $response) -> Result<Self::Answer, $response> {
                    match response {
                        $response::$variant { $($payload)? } => Ok($crate::asks!(@value $($payload)?)),
                        other => Err(other),
                    }
                }

                #[allow(clippy::unused_unit, unused_variables)]
                fn reply(answer: Self::Answer) -> $response {
                    $response::$variant { $($payload: answer)? }
                }
            }
        )*
    };
    (@answer $answer:ty) => { $answer };
    (@answer) => { () };
    (@value $payload:ident) => { $payload };
    (@value) => { () };
}

use super::{Preferences, Request, Response, SignInInput};
use crate::action::ActionInput;
use crate::facts::ScreenInfo;
use crate::report::ReportInput;
use crate::ticket::TicketId;
use crate::view::{InlineFile, ScreenshotChoice, WindowKind};
use uuid::Uuid;

asks! {
    Request => Response;
    /// Capture the screens, then open the wizard.
    OpenWizard {} => Done;
    /// Open a window (for "My tickets", on `ticket`).
    OpenWindow { window: WindowKind, ticket: Option<TicketId> } => Done;
    /// A window is interactive, with its content shown.
    WindowReady { window: WindowKind } => Done;
    /// The wizard's initial data.
    WizardContext {} => WizardContext { context: Box<crate::view::WizardContext> };
    /// Capture again; answers with a new context.
    Recapture {} => WizardContext { context: Box<crate::view::WizardContext> };
    /// The wizard's report, with the chosen screenshots.
    Submit { report: ReportInput, screenshots: ScreenshotChoice }
        => Submitted { outcome: crate::view::SubmitOutcome };
    /// The CLI's report.
    Report { report: ReportInput, files: Vec<InlineFile>, screens: Vec<ScreenInfo> }
        => Submitted { outcome: crate::view::SubmitOutcome };
    /// What waits in the outbox.
    QueueList {} => Queue { items: Vec<crate::view::QueueItem> };
    /// Try everything in the outbox now.
    QueueFlush {} => Flushed { summary: crate::view::FlushSummary };
    /// Try this entry again now.
    QueueRetry { id: Uuid } => Done;
    /// Drop this entry; answers whether it was there.
    QueueDismiss { id: Uuid } => Dismissed { dismissed: bool };
    /// The user's tickets, from the help desk.
    Tickets {} => Tickets { tickets: Vec<crate::ticket::TicketSummary> };
    /// The categories the wizard offers.
    Categories {} => Categories { list: crate::view::CategoryList };
    /// "My tickets".
    MyTickets {} => MyTickets { view: crate::view::MyTickets };
    /// One ticket in detail.
    Ticket { id: TicketId } => Ticket { view: Box<crate::view::TicketView> };
    /// A followup, approval, refusal or survey answer.
    Act { action: ActionInput } => Submitted { outcome: crate::view::SubmitOutcome };
    /// What the Settings window shows.
    Settings {} => Settings { view: crate::view::SettingsView };
    /// The user's own phone and location; answers with the new Settings.
    SaveProfile { phone: Option<String>, location: Option<String> }
        => Settings { view: crate::view::SettingsView };
    /// The connection doctor.
    Doctor {} => Doctor { report: crate::doctor::DoctorReport };
    /// Sign in; answers with the new Settings.
    SignIn { sign_in: SignInInput } => Settings { view: crate::view::SettingsView };
    /// Sign out; answers with the new Settings.
    SignOut {} => Settings { view: crate::view::SettingsView };
    /// The user's preferences; answers with the new Settings.
    SavePreferences { preferences: Preferences } => Settings { view: crate::view::SettingsView };
    /// Capture now from Settings (a desktop's permission is asked then); nothing is kept.
    TestCapture {} => CaptureTested { test: crate::desktop::CaptureTest };
    /// Install GNOME's custom keyboard shortcut; answers with the new Settings.
    InstallShortcut {} => Settings { view: crate::view::SettingsView };
    /// The entities the user's tickets may go to.
    Entities {} => Entities { list: crate::view::EntityList };
}

/// The first message on every connection: the peer's protocol version, and the agent's own
/// version (`Response::Hello`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hello {
    /// This side's protocol version.
    pub version: u32,
}

/// The agent's answer to [`Hello`].
#[derive(Debug, Clone, PartialEq)]
pub struct HelloAnswer {
    /// The agent's protocol version.
    pub version: u32,
    /// The agent's program version.
    pub agent: String,
}

impl Ask for Hello {
    type Request = Request;
    type Response = Response;
    type Answer = HelloAnswer;
    fn into_request(self) -> Request {
        Request::Hello {
            version: self.version,
        }
    }
    fn answer(response: Response) -> Result<HelloAnswer, Response> {
        match response {
            Response::Hello { version, agent } => Ok(HelloAnswer { version, agent }),
            other => Err(other),
        }
    }
    fn reply(answer: HelloAnswer) -> Response {
        Response::Hello {
            version: answer.version,
            agent: answer.agent,
        }
    }
}

/// "My tickets" waits to be told to show another ticket: `Some(ticket)`, or `None` when the wait
/// ended without one (`Response::Done`).
#[derive(Debug, Clone, PartialEq)]
pub struct AwaitTicket {}

impl Ask for AwaitTicket {
    type Request = Request;
    type Response = Response;
    type Answer = Option<TicketId>;
    fn into_request(self) -> Request {
        Request::AwaitTicket
    }
    fn answer(response: Response) -> Result<Option<TicketId>, Response> {
        match response {
            Response::OpenTicket { ticket } => Ok(Some(ticket)),
            Response::Done => Ok(None),
            other => Err(other),
        }
    }
    fn reply(answer: Option<TicketId>) -> Response {
        match answer {
            Some(ticket) => Response::OpenTicket { ticket },
            None => Response::Done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_travels_as_its_variant_and_takes_only_its_answer() {
        let ask = Ticket { id: 7 };
        assert_eq!(ask.clone().into_request(), Request::Ticket { id: 7 });
        assert_eq!(
            QueueDismiss::answer(QueueDismiss::reply(true)),
            Ok(true),
            "reply and answer agree"
        );
        assert_eq!(QueueRetry::answer(Response::Done), Ok(()));
        let other = Response::Dismissed { dismissed: false };
        assert_eq!(QueueRetry::answer(other.clone()), Err(other));
        assert_eq!(AwaitTicket::answer(Response::Done), Ok(None));
        assert_eq!(
            AwaitTicket::answer(AwaitTicket::reply(Some(3))),
            Ok(Some(3))
        );
        assert_eq!(OpenWizard {}.into_request(), Request::OpenWizard);
    }
}
