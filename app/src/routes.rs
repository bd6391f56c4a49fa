//! The routes whose code is loaded when they are opened: with `cargo leptos build --split`
//! each page below goes into its own Wasm chunk, so a visitor of the home page downloads
//! only the home page's code. The server renders them like any other route.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::account::AccountPage;
use crate::pages::auth::{ConfirmPage, ForgotPasswordPage, LoginPage, RegisterPage, SetPasswordPage};
use crate::pages::enterprise::EnterprisePage;
use crate::pages::my_accounts::MyAccountsPage;
use crate::pages::staff::{AuditPage, StaffUsersPage};

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
