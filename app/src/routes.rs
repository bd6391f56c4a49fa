//! The routes whose code is loaded when they are opened: with `cargo leptos build --split`
//! each page below goes into its own Wasm chunk, so a visitor of the home page downloads
//! only the home page's code. The server renders them like any other route.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::account::AccountPage;
use crate::pages::applications::{ApplicationPage, ApplicationsPage, NewApplicationPage};
use crate::pages::auth::{ConfirmPage, ForgotPasswordPage, LoginPage, RegisterPage, SetPasswordPage};
use crate::pages::billing::{BillingPage, RunPage};
use crate::pages::bills::{BillPage, BillsPage};
use crate::pages::connections::{DashboardPage, NoticesPage, QueuePage, StaffApplicationPage, StatisticsPage};
use crate::pages::enterprise::EnterprisePage;
use crate::pages::my_accounts::MyAccountsPage;
use crate::pages::settings::SettingsPage;
use crate::pages::staff::{AuditPage, StaffUsersPage};
use crate::pages::tariffs::TariffsPage;

/// `/register`.
pub struct RegisterRoute;

#[lazy_route]
impl LazyRoute for RegisterRoute {
    fn data() -> Self {
        RegisterRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <RegisterPage /> }.into_any()
    }
}

/// `/confirm`.
pub struct ConfirmRoute;

#[lazy_route]
impl LazyRoute for ConfirmRoute {
    fn data() -> Self {
        ConfirmRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ConfirmPage /> }.into_any()
    }
}

/// `/login`.
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        LoginRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage /> }.into_any()
    }
}

/// `/password/forgot`.
pub struct ForgotPasswordRoute;

#[lazy_route]
impl LazyRoute for ForgotPasswordRoute {
    fn data() -> Self {
        ForgotPasswordRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ForgotPasswordPage /> }.into_any()
    }
}

/// `/password/reset`.
pub struct ResetPasswordRoute;

#[lazy_route]
impl LazyRoute for ResetPasswordRoute {
    fn data() -> Self {
        ResetPasswordRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SetPasswordPage /> }.into_any()
    }
}

/// `/welcome`.
pub struct WelcomeRoute;

#[lazy_route]
impl LazyRoute for WelcomeRoute {
    fn data() -> Self {
        WelcomeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SetPasswordPage welcome=true /> }.into_any()
    }
}

/// `/account`.
pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        AccountRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AccountPage /> }.into_any()
    }
}

/// `/account/accounts`.
pub struct MyAccountsRoute;

#[lazy_route]
impl LazyRoute for MyAccountsRoute {
    fn data() -> Self {
        MyAccountsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <MyAccountsPage /> }.into_any()
    }
}

/// `/enterprise`.
pub struct EnterpriseRoute;

#[lazy_route]
impl LazyRoute for EnterpriseRoute {
    fn data() -> Self {
        EnterpriseRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <EnterprisePage /> }.into_any()
    }
}

/// `/staff/users`.
pub struct StaffUsersRoute;

#[lazy_route]
impl LazyRoute for StaffUsersRoute {
    fn data() -> Self {
        StaffUsersRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <StaffUsersPage /> }.into_any()
    }
}

/// `/staff/audit`.
pub struct AuditRoute;

#[lazy_route]
impl LazyRoute for AuditRoute {
    fn data() -> Self {
        AuditRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AuditPage /> }.into_any()
    }
}

/// `/applications`.
pub struct ApplicationsRoute;

#[lazy_route]
impl LazyRoute for ApplicationsRoute {
    fn data() -> Self {
        ApplicationsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ApplicationsPage /> }.into_any()
    }
}

/// `/applications/new`.
pub struct NewApplicationRoute;

#[lazy_route]
impl LazyRoute for NewApplicationRoute {
    fn data() -> Self {
        NewApplicationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <NewApplicationPage /> }.into_any()
    }
}

/// `/applications/:id`.
pub struct ApplicationRoute;

#[lazy_route]
impl LazyRoute for ApplicationRoute {
    fn data() -> Self {
        ApplicationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ApplicationPage /> }.into_any()
    }
}

/// `/staff/applications`.
pub struct QueueRoute;

#[lazy_route]
impl LazyRoute for QueueRoute {
    fn data() -> Self {
        QueueRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <QueuePage /> }.into_any()
    }
}

/// `/staff/applications/:id`.
pub struct StaffApplicationRoute;

#[lazy_route]
impl LazyRoute for StaffApplicationRoute {
    fn data() -> Self {
        StaffApplicationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <StaffApplicationPage /> }.into_any()
    }
}

/// `/staff/connections`.
pub struct DashboardRoute;

#[lazy_route]
impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        DashboardRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <DashboardPage /> }.into_any()
    }
}

/// `/statistics/connections`.
pub struct StatisticsRoute;

#[lazy_route]
impl LazyRoute for StatisticsRoute {
    fn data() -> Self {
        StatisticsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <StatisticsPage /> }.into_any()
    }
}

/// `/notices`.
pub struct NoticesRoute;

#[lazy_route]
impl LazyRoute for NoticesRoute {
    fn data() -> Self {
        NoticesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <NoticesPage /> }.into_any()
    }
}

/// `/staff/settings`.
pub struct SettingsRoute;

#[lazy_route]
impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        SettingsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SettingsPage /> }.into_any()
    }
}

/// `/bills`.
pub struct BillsRoute;

#[lazy_route]
impl LazyRoute for BillsRoute {
    fn data() -> Self {
        BillsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <BillsPage /> }.into_any()
    }
}

/// `/bills/:id`.
pub struct BillRoute;

#[lazy_route]
impl LazyRoute for BillRoute {
    fn data() -> Self {
        BillRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <BillPage /> }.into_any()
    }
}

/// `/staff/billing`.
pub struct BillingRoute;

#[lazy_route]
impl LazyRoute for BillingRoute {
    fn data() -> Self {
        BillingRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <BillingPage /> }.into_any()
    }
}

/// `/staff/billing/runs/:id`.
pub struct RunRoute;

#[lazy_route]
impl LazyRoute for RunRoute {
    fn data() -> Self {
        RunRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <RunPage /> }.into_any()
    }
}

/// `/staff/tariffs`.
pub struct TariffsRoute;

#[lazy_route]
impl LazyRoute for TariffsRoute {
    fn data() -> Self {
        TariffsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <TariffsPage /> }.into_any()
    }
}
