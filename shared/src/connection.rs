//! Connection applications (业扩报装, domain brief §3): the kinds, the classes, the steps
//! each class goes through, and the state machine that says which action may come next.
//!
//! The machine is pure: [`Process::apply`] takes the current state and an action and
//! answers the next state or a refusal. The server stores the result with a history row and
//! does the clock keeping (which working days belong to the utility and which to the
//! customer) around it.
//!
//! Longer than most modules by design: the kinds, steps, states and transitions are one
//! machine, read together and property-tested together (the tests are a third of it).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::commitments::codes;
use crate::roles::{UnknownName, named_set};

named_set! {
    /// What the customer asks for.
    ApplicationKind {
        /// A new connection (新装).
        NewConnection = "new_connection",
        /// More capacity on an existing account (增容).
        CapacityIncrease = "capacity_increase",
        /// Less capacity on an existing account (减容).
        CapacityDecrease = "capacity_decrease",
        /// A temporary supply (临时用电), with an end date.
        Temporary = "temporary",
        /// A change of the account holder's name (更名/过户).
        ChangeOfName = "change_of_name",
    }
}

impl ApplicationKind {
    /// Whether the kind concerns an account the customer already has.
    pub fn needs_existing_account(self) -> bool {
        matches!(self, Self::CapacityIncrease | Self::CapacityDecrease | Self::ChangeOfName)
    }

    /// Whether the kind asks for capacity, voltage and a wanted date.
    pub fn asks_capacity(self) -> bool {
        !matches!(self, Self::ChangeOfName)
    }

    /// Whether the kind asks for the supply address and its use.
    pub fn asks_address(self) -> bool {
        matches!(self, Self::NewConnection | Self::Temporary)
    }
}

named_set! {
    /// The customer class, which decides the steps and the limits.
    CustomerClass {
        /// Residential, low voltage.
        Residential = "residential",
        /// Low-voltage non-residential (shops, small business).
        LvNonResidential = "lv_non_residential",
        /// High voltage (10 kV and up).
        HighVoltage = "high_voltage",
    }
}

named_set! {
    /// Supply voltage.
    Voltage {
        /// 220 V single phase.
        V220 = "220v",
        /// 380 V three phase.
        V380 = "380v",
        /// 10 kV.
        Kv10 = "10kv",
        /// 35 kV.
        Kv35 = "35kv",
        /// 110 kV.
        Kv110 = "110kv",
    }
}

impl Voltage {
    /// Whether a class may be supplied at this voltage.
    pub fn fits(self, class: CustomerClass) -> bool {
        let low = matches!(self, Voltage::V220 | Voltage::V380);
        low != (class == CustomerClass::HighVoltage)
    }
}

named_set! {
    /// Where an application stands as a whole.
    ApplicationStatus {
        /// Being written by the customer; not yet sent.
        Draft = "draft",
        /// Sent, waiting for the utility to accept it.
        Submitted = "submitted",
        /// Accepted and being worked.
        InProgress = "in_progress",
        /// Finished: energised, or the change made.
        Completed = "completed",
        /// Refused at acceptance, with a reason.
        Rejected = "rejected",
        /// Withdrawn by the customer.
        Cancelled = "cancelled",
    }
}

impl ApplicationStatus {
    /// Whether the application is still moving.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::InProgress)
    }
}

named_set! {
    /// A step of the process (domain brief §3).
    Step {
        /// Acceptance (受理).
        Acceptance = "acceptance",
        /// Site survey (现场勘查).
        SiteSurvey = "site_survey",
        /// Supply scheme reply with the fee (供电方案答复).
        SupplyScheme = "supply_scheme",
        /// Design review (设计审查).
        DesignReview = "design_review",
        /// Mid-construction inspection (中间检查).
        MidInspection = "mid_inspection",
        /// Completion inspection (竣工检验).
        CompletionInspection = "completion_inspection",
        /// Supply contract (供用电合同).
        Contract = "contract",
        /// Meter installation and energising (装表接电).
        Energising = "energising",
    }
}

named_set! {
    /// Where a step is.
    StepState {
        /// Not started.
        Pending = "pending",
        /// With the utility: its clock runs.
        Open = "open",
        /// With the customer: the utility's clock is stopped.
        WithCustomer = "with_customer",
        /// Finished.
        Done = "done",
    }
}

named_set! {
    /// What the customer must do while a step is in their hands.
    Waiting {
        /// Upload the documents staff asked for.
        Documents = "documents",
        /// Read and accept the supply scheme.
        SchemeAcceptance = "scheme_acceptance",
        /// Hand in the design for review.
        Design = "design",
        /// Build and say when the works are ready for inspection.
        Works = "works",
        /// Repair the defects the inspection found.
        DefectRepair = "defect_repair",
        /// Read and accept the supply contract.
        ContractAcceptance = "contract_acceptance",
    }
}

named_set! {
    /// Who acts.
    Party {
        /// The applicant (or their organisation).
        Customer = "customer",
        /// Utility staff.
        Utility = "utility",
    }
}

const RESIDENTIAL_STEPS: &[Step] = &[Step::Acceptance, Step::SiteSurvey, Step::Contract, Step::Energising];
const LV_STEPS: &[Step] =
    &[Step::Acceptance, Step::SupplyScheme, Step::CompletionInspection, Step::Contract, Step::Energising];
const HV_STEPS: &[Step] = &[
    Step::Acceptance,
    Step::SiteSurvey,
    Step::SupplyScheme,
    Step::DesignReview,
    Step::MidInspection,
    Step::CompletionInspection,
    Step::Contract,
    Step::Energising,
];
const DECREASE_STEPS: &[Step] = &[Step::Acceptance, Step::SiteSurvey, Step::Contract, Step::Energising];
const CHANGE_OF_NAME_STEPS: &[Step] = &[Step::Acceptance, Step::Contract];

/// The steps of an application, in order (domain brief §3). A capacity decrease needs no
/// scheme or works; a change of name is accepted and ends with the new contract.
pub fn steps_for(kind: ApplicationKind, class: CustomerClass) -> &'static [Step] {
    match (kind, class) {
        (ApplicationKind::ChangeOfName, _) => CHANGE_OF_NAME_STEPS,
        (ApplicationKind::CapacityDecrease, _) => DECREASE_STEPS,
        (_, CustomerClass::Residential) => RESIDENTIAL_STEPS,
        (_, CustomerClass::LvNonResidential) => LV_STEPS,
        (_, CustomerClass::HighVoltage) => HV_STEPS,
    }
}

impl Step {
    /// What the customer does before the utility can work the step, if anything: the
    /// design before its review, the works before an inspection.
    pub fn opens_with_customer(self) -> Option<Waiting> {
        match self {
            Step::DesignReview => Some(Waiting::Design),
            Step::MidInspection | Step::CompletionInspection => Some(Waiting::Works),
            _ => None,
        }
    }

    /// What the customer accepts to finish the step, if anything.
    pub fn acceptance(self) -> Option<Waiting> {
        match self {
            Step::SupplyScheme => Some(Waiting::SchemeAcceptance),
            Step::Contract => Some(Waiting::ContractAcceptance),
            _ => None,
        }
    }

    /// The commitment code holding the step's limit for a class.
    pub fn limit_code(self, class: CustomerClass, dual_supply: bool) -> &'static str {
        use CustomerClass::*;
        match (self, class) {
            (Step::Acceptance, _) => codes::STEP_ACCEPTANCE,
            // A residential survey answers with the scheme: the scheme-reply limit is its own.
            (Step::SiteSurvey, Residential) => codes::SCHEME_REPLY_RESIDENTIAL,
            (Step::SiteSurvey, _) => codes::STEP_SITE_SURVEY,
            (Step::SupplyScheme, Residential | LvNonResidential) => codes::SCHEME_REPLY_LV,
            (Step::SupplyScheme, HighVoltage) if dual_supply => codes::SCHEME_REPLY_HV_DUAL,
            (Step::SupplyScheme, HighVoltage) => codes::SCHEME_REPLY_HV_SINGLE,
            (Step::DesignReview, _) => codes::STEP_DESIGN_REVIEW,
            (Step::MidInspection, _) => codes::STEP_MID_INSPECTION,
            (Step::CompletionInspection, _) => codes::STEP_COMPLETION_INSPECTION,
            (Step::Contract, _) => codes::STEP_CONTRACT,
            (Step::Energising, Residential) => codes::ENERGISE_RESIDENTIAL,
            (Step::Energising, _) => codes::ENERGISE_NON_RESIDENTIAL,
        }
    }
}

/// The commitment code of the whole-process limit of a class.
pub fn total_limit_code(class: CustomerClass, dual_supply: bool) -> &'static str {
    match class {
        CustomerClass::Residential => codes::CONNECTION_TOTAL_RESIDENTIAL,
        CustomerClass::LvNonResidential => codes::CONNECTION_TOTAL_LV_NON_RESIDENTIAL,
        CustomerClass::HighVoltage if dual_supply => codes::CONNECTION_TOTAL_HV_DUAL,
        CustomerClass::HighVoltage => codes::CONNECTION_TOTAL_HV_SINGLE,
    }
}

/// The limits an application keeps from the day it was accepted, in working days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Limits {
    /// The whole process (the utility's days only).
    pub total: u32,
    /// Each step.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, u32>))]
    pub steps: BTreeMap<Step, u32>,
}

impl Limits {
    /// The limits for a green-channel application: every one halved, rounded up.
    pub fn halved(&self) -> Limits {
        Limits { total: self.total.div_ceil(2), steps: self.steps.iter().map(|(s, n)| (*s, n.div_ceil(2))).collect() }
    }

    /// A step's limit (one day when none is configured).
    pub fn of(&self, step: Step) -> u32 {
        self.steps.get(&step).copied().unwrap_or(1)
    }
}

/// One step's place in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepStatus {
    /// Which step.
    pub step: Step,
    /// Where it is.
    pub state: StepState,
    /// What the customer must do, while it is with them.
    pub waiting: Option<Waiting>,
    /// The version of the scheme or contract offered for acceptance, if any.
    pub offer_version: Option<u32>,
}

impl StepStatus {
    fn pending(step: Step) -> StepStatus {
        StepStatus { step, state: StepState::Pending, waiting: None, offer_version: None }
    }
}

/// The state the machine works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// What is asked for.
    pub kind: ApplicationKind,
    /// The class.
    pub class: CustomerClass,
    /// Where the application stands.
    pub status: ApplicationStatus,
    /// Green channel: steps after acceptance run in parallel.
    pub green_channel: bool,
    /// Every step of the class, in order.
    pub steps: Vec<StepStatus>,
}

/// Something a customer or staff member does to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Customer: send the draft.
    Submit,
    /// Customer: withdraw (not once energised).
    Cancel,
    /// Staff: accept the application.
    Accept,
    /// Staff: refuse the application at acceptance.
    Reject,
    /// Staff: ask for documents; the step's clock passes to the customer.
    RequestDocuments(Step),
    /// Customer: the asked-for documents are uploaded.
    ProvideDocuments(Step),
    /// Staff: finish the site survey with its findings.
    CompleteSurvey,
    /// Staff: issue (or reissue) the scheme or the contract for the customer to accept.
    IssueOffer(Step),
    /// Customer: accept the scheme or the contract, naming the version read.
    AcceptOffer(Step, u32),
    /// Customer: the design is handed in, or the works or repairs are ready for inspection.
    ReadyForReview(Step),
    /// Staff: the design review or an inspection passed (`true`) or failed with defects.
    Review(Step, bool),
    /// Staff: the meter is installed and the supply energised.
    Energise,
    /// Supervisor: flag the application for the green channel.
    GreenChannel,
}

impl Action {
    /// Who may take the action: the party of what it records.
    pub fn party(self) -> Party {
        self.recorded_as().party()
    }

    /// The history row it writes.
    pub fn recorded_as(self) -> HistoryAction {
        match self {
            Action::Submit => HistoryAction::Submit,
            Action::Cancel => HistoryAction::Cancel,
            Action::Accept => HistoryAction::Accept,
            Action::Reject => HistoryAction::Reject,
            Action::RequestDocuments(_) => HistoryAction::RequestDocuments,
            Action::ProvideDocuments(_) => HistoryAction::ProvideDocuments,
            Action::CompleteSurvey => HistoryAction::CompleteSurvey,
            Action::IssueOffer(_) => HistoryAction::IssueOffer,
            Action::AcceptOffer(..) => HistoryAction::AcceptOffer,
            Action::ReadyForReview(_) => HistoryAction::Ready,
            Action::Review(_, true) => HistoryAction::ReviewPassed,
            Action::Review(_, false) => HistoryAction::ReviewFailed,
            Action::Energise => HistoryAction::Energise,
            Action::GreenChannel => HistoryAction::GreenChannel,
        }
    }
}

named_set! {
    /// What a row of an application's append-only history records.
    HistoryAction {
        /// The draft was started.
        Created = "created",
        /// The customer sent it.
        Submit = "submit",
        /// The customer withdrew it.
        Cancel = "cancel",
        /// The utility accepted it.
        Accept = "accept",
        /// The utility refused it at acceptance.
        Reject = "reject",
        /// The utility asked for documents.
        RequestDocuments = "request_documents",
        /// The customer provided them.
        ProvideDocuments = "provide_documents",
        /// The utility offered a survey appointment.
        ScheduleSurvey = "schedule_survey",
        /// The survey was done.
        CompleteSurvey = "complete_survey",
        /// The scheme or contract was issued for acceptance.
        IssueOffer = "issue_offer",
        /// The customer accepted it.
        AcceptOffer = "accept_offer",
        /// The customer is ready for review or inspection.
        Ready = "ready",
        /// The review or inspection passed.
        ReviewPassed = "review_passed",
        /// It failed, with defects.
        ReviewFailed = "review_failed",
        /// The meter was installed and the supply energised.
        Energise = "energise",
        /// A supervisor put it in the green channel.
        GreenChannel = "green_channel",
        /// A handler was assigned.
        Assign = "assign",
        /// The follow-up visit was recorded.
        FollowUp = "follow_up",
    }
}

impl HistoryAction {
    /// Which party did it: what the customer does is told to the handler, what the
    /// utility does to the applicant.
    pub fn party(self) -> Party {
        match self {
            HistoryAction::Created
            | HistoryAction::Submit
            | HistoryAction::Cancel
            | HistoryAction::ProvideDocuments
            | HistoryAction::AcceptOffer
            | HistoryAction::Ready => Party::Customer,
            HistoryAction::Accept
            | HistoryAction::Reject
            | HistoryAction::RequestDocuments
            | HistoryAction::ScheduleSurvey
            | HistoryAction::CompleteSurvey
            | HistoryAction::IssueOffer
            | HistoryAction::ReviewPassed
            | HistoryAction::ReviewFailed
            | HistoryAction::Energise
            | HistoryAction::GreenChannel
            | HistoryAction::Assign
            | HistoryAction::FollowUp => Party::Utility,
        }
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The application or step is not where the action can be taken.
    NotNow,
    /// The version accepted is not the one on offer.
    Superseded,
    /// The other party takes this action.
    WrongParty,
}

impl Process {
    /// A new draft.
    pub fn draft(kind: ApplicationKind, class: CustomerClass) -> Process {
        Process {
            kind,
            class,
            status: ApplicationStatus::Draft,
            green_channel: false,
            steps: steps_for(kind, class).iter().map(|s| StepStatus::pending(*s)).collect(),
        }
    }

    /// A step's status, if the class has the step.
    pub fn step(&self, step: Step) -> Option<&StepStatus> {
        self.steps.iter().find(|s| s.step == step)
    }

    fn step_mut(&mut self, step: Step) -> Result<&mut StepStatus, Refusal> {
        self.steps.iter_mut().find(|s| s.step == step).ok_or(Refusal::NotNow)
    }

    /// The steps being worked now (open or with the customer).
    pub fn current(&self) -> impl Iterator<Item = &StepStatus> {
        self.steps.iter().filter(|s| matches!(s.state, StepState::Open | StepState::WithCustomer))
    }

    /// The next action due from a party, for the "what to do next" line.
    pub fn waiting_for(&self, party: Party) -> Vec<(Step, Option<Waiting>)> {
        self.current()
            .filter(|s| (s.state == StepState::WithCustomer) == (party == Party::Customer))
            .map(|s| (s.step, s.waiting))
            .collect()
    }

    fn expect_state(&self, step: Step, state: StepState) -> Result<(), Refusal> {
        match self.step(step) {
            Some(s) if s.state == state => Ok(()),
            _ => Err(Refusal::NotNow),
        }
    }

    /// Applies an action by a party; answers the next state, or why not.
    pub fn apply(&self, action: Action, by: Party) -> Result<Process, Refusal> {
        if action.party() != by {
            return Err(Refusal::WrongParty);
        }
        let mut next = self.clone();
        let in_progress = self.status == ApplicationStatus::InProgress;
        match action {
            Action::Submit => {
                if self.status != ApplicationStatus::Draft {
                    return Err(Refusal::NotNow);
                }
                next.status = ApplicationStatus::Submitted;
                next.open(Step::Acceptance)?;
            }
            Action::Cancel => {
                let energised = self.step(Step::Energising).is_some_and(|s| s.state == StepState::Done);
                if !(self.status == ApplicationStatus::Draft || self.status.is_open()) || energised {
                    return Err(Refusal::NotNow);
                }
                next.status = ApplicationStatus::Cancelled;
                next.close_all_current();
            }
            Action::Accept | Action::Reject => {
                if self.status != ApplicationStatus::Submitted {
                    return Err(Refusal::NotNow);
                }
                self.expect_state(Step::Acceptance, StepState::Open)?;
                if action == Action::Reject {
                    next.status = ApplicationStatus::Rejected;
                    next.close_all_current();
                } else {
                    next.status = ApplicationStatus::InProgress;
                    next.finish(Step::Acceptance)?;
                }
            }
            Action::RequestDocuments(step) => {
                if !self.status.is_open() {
                    return Err(Refusal::NotNow);
                }
                self.expect_state(step, StepState::Open)?;
                let s = next.step_mut(step)?;
                s.state = StepState::WithCustomer;
                s.waiting = Some(Waiting::Documents);
            }
            Action::ProvideDocuments(step) => {
                self.expect_waiting(step, Waiting::Documents)?;
                next.reopen(step)?;
            }
            Action::CompleteSurvey => {
                if !in_progress {
                    return Err(Refusal::NotNow);
                }
                self.expect_state(Step::SiteSurvey, StepState::Open)?;
                next.finish(Step::SiteSurvey)?;
            }
            Action::IssueOffer(step) => {
                let Some(waiting) = step.acceptance() else { return Err(Refusal::NotNow) };
                let current = self.step(step).ok_or(Refusal::NotNow)?;
                let reissue = current.state == StepState::WithCustomer && current.waiting == Some(waiting);
                if !in_progress || !(current.state == StepState::Open || reissue) {
                    return Err(Refusal::NotNow);
                }
                let s = next.step_mut(step)?;
                s.state = StepState::WithCustomer;
                s.waiting = Some(waiting);
                s.offer_version = Some(current.offer_version.unwrap_or(0) + 1);
            }
            Action::AcceptOffer(step, version) => {
                let waiting = step.acceptance().ok_or(Refusal::NotNow)?;
                self.expect_waiting(step, waiting)?;
                if self.step(step).and_then(|s| s.offer_version) != Some(version) {
                    return Err(Refusal::Superseded);
                }
                next.finish(step)?;
            }
            Action::ReadyForReview(step) => {
                let current = self.step(step).ok_or(Refusal::NotNow)?;
                let ready = matches!(current.waiting, Some(Waiting::Design | Waiting::Works | Waiting::DefectRepair));
                if !in_progress || current.state != StepState::WithCustomer || !ready {
                    return Err(Refusal::NotNow);
                }
                next.reopen(step)?;
            }
            Action::Review(step, passed) => {
                if !in_progress || step.opens_with_customer().is_none() {
                    return Err(Refusal::NotNow);
                }
                self.expect_state(step, StepState::Open)?;
                if passed {
                    next.finish(step)?;
                } else {
                    let s = next.step_mut(step)?;
                    s.state = StepState::WithCustomer;
                    s.waiting = Some(if step == Step::DesignReview { Waiting::Design } else { Waiting::DefectRepair });
                }
            }
            Action::Energise => {
                if !in_progress {
                    return Err(Refusal::NotNow);
                }
                // No energising without a signed contract (杜绝未签合同送电).
                self.expect_state(Step::Contract, StepState::Done)?;
                self.expect_state(Step::Energising, StepState::Open)?;
                next.finish(Step::Energising)?;
            }
            Action::GreenChannel => {
                if self.green_channel || !self.status.is_open() {
                    return Err(Refusal::NotNow);
                }
                next.green_channel = true;
                if in_progress {
                    next.open_ready()?;
                }
            }
        }
        Ok(next)
    }

    fn expect_waiting(&self, step: Step, waiting: Waiting) -> Result<(), Refusal> {
        match self.step(step) {
            Some(s) if s.state == StepState::WithCustomer && s.waiting == Some(waiting) && self.status.is_open() => {
                Ok(())
            }
            _ => Err(Refusal::NotNow),
        }
    }

    fn open(&mut self, step: Step) -> Result<(), Refusal> {
        let s = self.step_mut(step)?;
        if s.state != StepState::Pending {
            return Err(Refusal::NotNow);
        }
        match step.opens_with_customer() {
            Some(waiting) => {
                s.state = StepState::WithCustomer;
                s.waiting = Some(waiting);
            }
            None => s.state = StepState::Open,
        }
        Ok(())
    }

    fn reopen(&mut self, step: Step) -> Result<(), Refusal> {
        let s = self.step_mut(step)?;
        s.state = StepState::Open;
        s.waiting = None;
        Ok(())
    }

    fn close_all_current(&mut self) {
        for s in &mut self.steps {
            if matches!(s.state, StepState::Open | StepState::WithCustomer) {
                s.state = StepState::Pending;
                s.waiting = None;
            }
        }
    }

    /// Finishes a step, opens what may start next, and completes the application when
    /// the last step is done.
    fn finish(&mut self, step: Step) -> Result<(), Refusal> {
        let s = self.step_mut(step)?;
        s.state = StepState::Done;
        s.waiting = None;
        if self.steps.iter().all(|s| s.state == StepState::Done) {
            self.status = ApplicationStatus::Completed;
            return Ok(());
        }
        self.open_ready()
    }

    /// Opens the steps whose turn has come: the next one in order, or (green channel, after
    /// acceptance) every step but energising at once, and energising when all are done.
    fn open_ready(&mut self) -> Result<(), Refusal> {
        if self.current().next().is_some() && !self.green_channel {
            return Ok(());
        }
        let accepted = self.step(Step::Acceptance).is_some_and(|s| s.state == StepState::Done);
        let pending: Vec<Step> = self.steps.iter().filter(|s| s.state == StepState::Pending).map(|s| s.step).collect();
        let Some(&first) = pending.first() else { return Ok(()) };
        if !(self.green_channel && accepted) {
            return self.open(first);
        }
        let others_done = self.steps.iter().filter(|s| s.step != Step::Energising).all(|s| s.state == StepState::Done);
        for step in pending {
            if step != Step::Energising || others_done {
                self.open(step)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::NotNow => "not allowed at this point",
            Refusal::Superseded => "superseded version",
            Refusal::WrongParty => "not this party's action",
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn run(process: Process, actions: &[(Action, Party)]) -> Process {
        actions.iter().fold(process, |p, (a, by)| p.apply(*a, *by).unwrap_or_else(|r| panic!("{a:?}: {r}")))
    }

    use Party::{Customer as C, Utility as U};

    #[test]
    fn a_residential_connection_runs_to_energised() {
        let p = run(
            Process::draft(ApplicationKind::NewConnection, CustomerClass::Residential),
            &[
                (Action::Submit, C),
                (Action::Accept, U),
                (Action::CompleteSurvey, U),
                (Action::IssueOffer(Step::Contract), U),
                (Action::AcceptOffer(Step::Contract, 1), C),
            ],
        );
        assert_eq!(p.current().map(|s| s.step).collect::<Vec<_>>(), [Step::Energising]);
        let done = p.apply(Action::Energise, U).expect("energise");
        assert_eq!(done.status, ApplicationStatus::Completed);
        assert!(done.apply(Action::Cancel, C).is_err(), "no cancelling once energised");
    }

    #[test]
    fn a_high_voltage_connection_hands_the_clock_to_the_customer_for_works() {
        let p = run(
            Process::draft(ApplicationKind::NewConnection, CustomerClass::HighVoltage),
            &[
                (Action::Submit, C),
                (Action::Accept, U),
                (Action::CompleteSurvey, U),
                (Action::IssueOffer(Step::SupplyScheme), U),
                (Action::AcceptOffer(Step::SupplyScheme, 1), C),
            ],
        );
        let design = p.step(Step::DesignReview).expect("step");
        assert_eq!((design.state, design.waiting), (StepState::WithCustomer, Some(Waiting::Design)));
        let p = run(
            p,
            &[
                (Action::ReadyForReview(Step::DesignReview), C),
                (Action::Review(Step::DesignReview, true), U),
                (Action::ReadyForReview(Step::MidInspection), C),
                (Action::Review(Step::MidInspection, true), U),
                (Action::ReadyForReview(Step::CompletionInspection), C),
                (Action::Review(Step::CompletionInspection, false), U),
            ],
        );
        let inspection = p.step(Step::CompletionInspection).expect("step");
        assert_eq!(inspection.waiting, Some(Waiting::DefectRepair), "a failed inspection waits for repairs");
        let p = run(
            p,
            &[
                (Action::ReadyForReview(Step::CompletionInspection), C),
                (Action::Review(Step::CompletionInspection, true), U),
                (Action::IssueOffer(Step::Contract), U),
                (Action::AcceptOffer(Step::Contract, 1), C),
                (Action::Energise, U),
            ],
        );
        assert_eq!(p.status, ApplicationStatus::Completed);
    }

    #[test]
    fn refuses_illegal_moves() {
        let draft = Process::draft(ApplicationKind::NewConnection, CustomerClass::Residential);
        assert_eq!(draft.apply(Action::Accept, U), Err(Refusal::NotNow), "accepting a draft");
        assert_eq!(draft.apply(Action::Submit, U), Err(Refusal::WrongParty), "staff submitting");
        let accepted = run(draft, &[(Action::Submit, C), (Action::Accept, U)]);
        assert_eq!(accepted.apply(Action::Accept, U), Err(Refusal::NotNow), "accepted twice");
        assert_eq!(accepted.apply(Action::Energise, U), Err(Refusal::NotNow), "energising without a contract");
        assert_eq!(accepted.apply(Action::IssueOffer(Step::SupplyScheme), U), Err(Refusal::NotNow), "no such step");
        let survey_done = accepted.apply(Action::CompleteSurvey, U).expect("survey");
        assert_eq!(survey_done.apply(Action::CompleteSurvey, U), Err(Refusal::NotNow), "a step completed twice");
    }

    #[test]
    fn accepting_a_superseded_contract_is_refused() {
        let p = run(
            Process::draft(ApplicationKind::ChangeOfName, CustomerClass::Residential),
            &[
                (Action::Submit, C),
                (Action::Accept, U),
                (Action::IssueOffer(Step::Contract), U),
                (Action::IssueOffer(Step::Contract), U),
            ],
        );
        assert_eq!(p.apply(Action::AcceptOffer(Step::Contract, 1), C), Err(Refusal::Superseded));
        let done = p.apply(Action::AcceptOffer(Step::Contract, 2), C).expect("latest version");
        assert_eq!(done.status, ApplicationStatus::Completed, "a change of name ends with its contract");
    }

    #[test]
    fn documents_requests_pause_and_resume_the_step() {
        let p = run(
            Process::draft(ApplicationKind::NewConnection, CustomerClass::LvNonResidential),
            &[(Action::Submit, C), (Action::RequestDocuments(Step::Acceptance), U)],
        );
        assert_eq!(p.waiting_for(Party::Customer), [(Step::Acceptance, Some(Waiting::Documents))]);
        assert_eq!(p.apply(Action::Accept, U), Err(Refusal::NotNow), "accepting while documents are missing");
        let p = p.apply(Action::ProvideDocuments(Step::Acceptance), C).expect("provide");
        assert_eq!(p.waiting_for(Party::Utility), [(Step::Acceptance, None)]);
    }

    #[test]
    fn the_green_channel_runs_steps_in_parallel_but_energises_last() {
        let p = run(
            Process::draft(ApplicationKind::NewConnection, CustomerClass::HighVoltage),
            &[(Action::Submit, C), (Action::GreenChannel, U), (Action::Accept, U)],
        );
        let current: Vec<Step> = p.current().map(|s| s.step).collect();
        assert_eq!(current.len(), 6, "all but acceptance and energising: {current:?}");
        assert!(!current.contains(&Step::Energising));
        // The contract may be signed before the inspections are finished …
        let p = run(p, &[(Action::IssueOffer(Step::Contract), U), (Action::AcceptOffer(Step::Contract, 1), C)]);
        assert_eq!(p.apply(Action::Energise, U), Err(Refusal::NotNow), "… but energising waits for every step");
    }

    #[test]
    fn limits_halve_rounding_up() {
        let limits = Limits { total: 5, steps: [(Step::SiteSurvey, 3), (Step::Energising, 1)].into() };
        let halved = limits.halved();
        assert_eq!((halved.total, halved.of(Step::SiteSurvey), halved.of(Step::Energising)), (3, 2, 1));
    }

    #[test]
    fn voltages_fit_their_classes() {
        assert!(Voltage::V220.fits(CustomerClass::Residential));
        assert!(!Voltage::Kv10.fits(CustomerClass::Residential));
        assert!(Voltage::Kv10.fits(CustomerClass::HighVoltage));
        assert!(!Voltage::V380.fits(CustomerClass::HighVoltage));
    }

    fn any_action() -> impl Strategy<Value = Action> {
        let step = proptest::sample::select(Step::ALL.to_vec());
        prop_oneof![
            Just(Action::Submit),
            Just(Action::Cancel),
            Just(Action::Accept),
            Just(Action::Reject),
            Just(Action::CompleteSurvey),
            Just(Action::Energise),
            Just(Action::GreenChannel),
            step.clone().prop_map(Action::RequestDocuments),
            step.clone().prop_map(Action::ProvideDocuments),
            step.clone().prop_map(Action::IssueOffer),
            (step.clone(), 0u32..4).prop_map(|(s, v)| Action::AcceptOffer(s, v)),
            step.clone().prop_map(Action::ReadyForReview),
            (step, any::<bool>()).prop_map(|(s, p)| Action::Review(s, p)),
        ]
    }

    proptest! {
        /// Whatever happens, the machine keeps its invariants: a finished application has
        /// every step done; energising is never done before the contract; only open
        /// applications have current steps; a closed application never moves again.
        #[test]
        fn invariants_hold_for_any_sequence(
            kind in proptest::sample::select(ApplicationKind::ALL.to_vec()),
            class in proptest::sample::select(CustomerClass::ALL.to_vec()),
            actions in proptest::collection::vec(any_action(), 0..40),
        ) {
            let mut p = Process::draft(kind, class);
            for action in actions {
                let closed = !p.status.is_open() && p.status != ApplicationStatus::Draft;
                match p.apply(action, action.party()) {
                    Ok(next) => {
                        prop_assert!(!closed, "{:?} moved a closed application", action);
                        p = next;
                    }
                    Err(_) => continue,
                }
                let energised = p.step(Step::Energising).is_some_and(|s| s.state == StepState::Done);
                let contract = p.step(Step::Contract).is_some_and(|s| s.state == StepState::Done);
                prop_assert!(!energised || contract);
                if p.status == ApplicationStatus::Completed {
                    prop_assert!(p.steps.iter().all(|s| s.state == StepState::Done));
                }
                if !p.status.is_open() {
                    prop_assert_eq!(p.current().count(), 0);
                }
                for s in &p.steps {
                    prop_assert_eq!(s.waiting.is_some(), s.state == StepState::WithCustomer);
                }
            }
        }
    }
}
