//! Tariffs and the bill calculation (domain brief §4): pure, exact (`rust_decimal`), no I/O.
//!
//! A [`Tariff`] is data an administrator edits: how energy is priced (flat, tiered by the
//! energy of a tier year or month, or by time of use), an optional basic charge (per kVA of
//! capacity or per kW of maximum demand), an optional power-factor standard, and funds and
//! surcharges per kWh. [`versions`] dates them; [`calc`] turns a period's metered energy
//! into charge lines, rounded half up to the fen at line level only. The domain brief's
//! defaults are [`defaults`], for the demo and the tests, never constants of the rules.

pub mod calc;
pub mod defaults;
pub mod intervals;
pub mod power_factor;
pub mod tiers;
pub mod versions;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use calc::{BillRequest, CalcError, Calculation, ChargeLine, LineKind, Metered, calculate};
pub use power_factor::PfStandard;
pub use tiers::{Tier, TierError, Tiers};
pub use versions::{TariffVersion, VersionError};

use crate::Money;
use crate::roles::{UnknownName, named_set};

named_set! {
    /// A time-of-use period (分时时段).
    TouPeriod {
        /// 尖峰: the few hours of the year's highest load.
        CriticalPeak = "critical_peak",
        /// 高峰.
        Peak = "peak",
        /// 平段.
        Flat = "flat",
        /// 低谷.
        Valley = "valley",
    }
}

named_set! {
    /// What the bounds of a tiered tariff count: a tier year's energy or one bill's.
    TierBasis {
        /// 年阶梯: bounds on the calendar year's energy, the usual case.
        Annual = "annual",
        /// 月阶梯: bounds on each bill's energy.
        Monthly = "monthly",
    }
}

/// Which period each hour of the day (0–23) belongs to; [`Tariff::check`] makes sure
/// there are 24.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TouSchedule(Vec<TouPeriod>);

impl TouSchedule {
    /// The period of an hour of the day; hours past 23 wrap (an unchecked short schedule
    /// answers flat).
    pub fn period_at(&self, hour: u32) -> TouPeriod {
        self.0.get((hour % 24) as usize).copied().unwrap_or(TouPeriod::Flat)
    }

    /// The periods the schedule uses, in display order.
    pub fn periods(&self) -> BTreeSet<TouPeriod> {
        self.0.iter().copied().collect()
    }

    /// The hours, 0 to 23.
    pub fn hours(&self) -> &[TouPeriod] {
        &self.0
    }
}

/// The price of one time-of-use period (for a tiered tariff with time of use on top: the
/// amount added to or taken off the tier price).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodPrice {
    /// The period.
    pub period: TouPeriod,
    /// Yuan per kWh.
    pub price: Money,
}

/// Time-of-use pricing: a schedule of the day's hours and a price for each period it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOfUse {
    /// Period by hour.
    pub schedule: TouSchedule,
    /// One price per period the schedule uses.
    pub prices: Vec<PeriodPrice>,
}

impl TimeOfUse {
    /// The price of a period.
    pub fn price(&self, period: TouPeriod) -> Option<Money> {
        self.prices.iter().find(|p| p.period == period).map(|p| p.price)
    }
}

/// How a tariff prices energy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnergyPricing {
    /// One price per kWh (单一制).
    Flat {
        /// Yuan per kWh.
        price: Money,
    },
    /// Tiers by energy (阶梯电价), optionally with time-of-use differences on top.
    Tiered {
        /// Annual or monthly bounds.
        basis: TierBasis,
        /// The tiers.
        tiers: Tiers,
        /// Amounts added to (peak) or taken off (valley) the tier price per kWh.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_of_use: Option<TimeOfUse>,
    },
    /// A price per time-of-use period (峰谷分时).
    TimeOfUse(TimeOfUse),
}

/// The basic charge of a two-part tariff (基本电费), per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum BasicCharge {
    /// Per kVA of contracted capacity (按容量).
    Capacity {
        /// Yuan per kVA per month.
        price_per_kva: Money,
    },
    /// Per kW of the month's maximum demand (按需量).
    Demand {
        /// Yuan per kW per month.
        price_per_kw: Money,
    },
}

/// A government fund or surcharge per kWh (政府性基金及附加).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surcharge {
    /// A short code, unique within the tariff (`renewable`).
    pub code: String,
    /// The name on a Chinese bill.
    pub name_zh: String,
    /// The name on an English bill.
    pub name_en: String,
    /// Yuan per kWh.
    pub price: Money,
}

/// A tariff's structure and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// How energy is priced.
    pub energy: EnergyPricing,
    /// The basic charge of a two-part tariff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicCharge>,
    /// The power-factor standard, where the adjustment applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<PfStandard>,
    /// Funds and surcharges per kWh, billed on all energy.
    #[serde(default)]
    pub surcharges: Vec<Surcharge>,
}

/// What is wrong with a tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TariffErrorKind {
    /// The tiers are refused.
    #[error("{0}")]
    Tiers(#[from] TierError),
    /// A time-of-use schedule must name a period for each of the day's 24 hours.
    #[error("the schedule must give a period for each of the 24 hours")]
    ScheduleNot24Hours,
    /// A period of the schedule has no price.
    #[error("a period of the schedule has no price")]
    PeriodWithoutPrice,
    /// A price is given twice, or for a period the schedule does not use.
    #[error("a period is priced twice or is not in the schedule")]
    StrayPeriodPrice,
    /// A price is negative (only time-of-use differences on top of tiers may be).
    #[error("the price is negative")]
    NegativePrice,
    /// A price above 100 yuan per unit: a typing error, not a tariff.
    #[error("the price is implausibly high")]
    PriceTooHigh,
    /// A surcharge without a code or a name, or a code used twice.
    #[error("each surcharge needs a unique code and a name in both languages")]
    SurchargeName,
}

/// A refusal with the field it concerns (`energy.tiers`, `surcharges[1].price`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffError {
    /// The field, as a path into the tariff's JSON.
    pub field: String,
    /// What is wrong.
    pub kind: TariffErrorKind,
}

impl Tariff {
    /// Checks the numbers and structure. Tiers are already checked when built or read.
    pub fn check(&self) -> Result<(), TariffError> {
        let fail = |field: &str, kind| Err(TariffError { field: field.to_owned(), kind });
        match &self.energy {
            EnergyPricing::Flat { price } => check_price(*price, false).or_else(|k| fail("energy.price", k))?,
            EnergyPricing::Tiered { tiers, time_of_use, .. } => {
                tiers.check().map_err(TariffErrorKind::Tiers).or_else(|k| fail("energy.tiers", k))?;
                for (i, tier) in tiers.as_slice().iter().enumerate() {
                    check_price(tier.price, false).or_else(|k| fail(&format!("energy.tiers[{i}].price"), k))?;
                }
                if let Some(tou) = time_of_use {
                    check_time_of_use(tou, true).or_else(|k| fail("energy.time_of_use", k))?;
                }
            }
            EnergyPricing::TimeOfUse(tou) => check_time_of_use(tou, false).or_else(|k| fail("energy", k))?,
        }
        match self.basic {
            Some(BasicCharge::Capacity { price_per_kva: price } | BasicCharge::Demand { price_per_kw: price }) => {
                check_price(price, false).or_else(|k| fail("basic", k))?;
            }
            None => {}
        }
        let mut codes = BTreeSet::new();
        for (i, surcharge) in self.surcharges.iter().enumerate() {
            let named = [&surcharge.code, &surcharge.name_zh, &surcharge.name_en].iter().all(|s| !s.trim().is_empty());
            if !named || !codes.insert(surcharge.code.trim()) {
                return fail(&format!("surcharges[{i}].code"), TariffErrorKind::SurchargeName);
            }
            check_price(surcharge.price, false).or_else(|k| fail(&format!("surcharges[{i}].price"), k))?;
        }
        Ok(())
    }

    /// The kind of tariff, as customers and staff name it.
    pub fn kind(&self) -> TariffKind {
        match (&self.energy, self.basic) {
            (_, Some(_)) => TariffKind::TwoPart,
            (EnergyPricing::Flat { .. }, None) => TariffKind::Flat,
            (EnergyPricing::Tiered { .. }, None) => TariffKind::Tiered,
            (EnergyPricing::TimeOfUse(_), None) => TariffKind::TimeOfUse,
        }
    }

    /// The time-of-use schedule, if energy is priced by period.
    pub fn schedule(&self) -> Option<&TouSchedule> {
        match &self.energy {
            EnergyPricing::TimeOfUse(tou) | EnergyPricing::Tiered { time_of_use: Some(tou), .. } => Some(&tou.schedule),
            _ => None,
        }
    }
}

named_set! {
    /// The kind of a tariff, for lists and labels.
    TariffKind {
        /// 阶梯电价.
        Tiered = "tiered",
        /// 峰谷分时.
        TimeOfUse = "time_of_use",
        /// 单一制.
        Flat = "flat",
        /// 两部制.
        TwoPart = "two_part",
    }
}

fn check_price(price: Money, may_be_negative: bool) -> Result<(), TariffErrorKind> {
    if !may_be_negative && price.yuan().is_sign_negative() {
        return Err(TariffErrorKind::NegativePrice);
    }
    if price.yuan().abs() > Decimal::ONE_HUNDRED {
        return Err(TariffErrorKind::PriceTooHigh);
    }
    Ok(())
}

fn check_time_of_use(tou: &TimeOfUse, differences: bool) -> Result<(), TariffErrorKind> {
    if tou.schedule.0.len() != 24 {
        return Err(TariffErrorKind::ScheduleNot24Hours);
    }
    let used = tou.schedule.periods();
    let mut priced = BTreeSet::new();
    for p in &tou.prices {
        if !used.contains(&p.period) || !priced.insert(p.period) {
            return Err(TariffErrorKind::StrayPeriodPrice);
        }
        check_price(p.price, differences)?;
    }
    if priced != used {
        return Err(TariffErrorKind::PeriodWithoutPrice);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tariffs_pass_their_own_checks_and_survive_json() {
        for (_, tariff) in defaults::all() {
            tariff.check().expect("default tariff");
            let json = serde_json::to_string(&tariff).expect("json");
            assert_eq!(serde_json::from_str::<Tariff>(&json).expect("read back"), tariff);
        }
    }

    #[test]
    fn refuses_broken_tariffs_by_field() {
        let mut tariff = defaults::time_of_use();
        if let EnergyPricing::TimeOfUse(tou) = &mut tariff.energy {
            tou.prices.pop();
        }
        assert_eq!(
            tariff.check().map_err(|e| (e.field, e.kind)),
            Err(("energy".into(), TariffErrorKind::PeriodWithoutPrice))
        );

        let mut tariff = defaults::two_part();
        tariff.surcharges[1].code = tariff.surcharges[0].code.clone();
        assert_eq!(tariff.check().map_err(|e| e.field), Err("surcharges[1].code".into()));

        let tariff = Tariff {
            energy: EnergyPricing::Flat { price: Money::from_fen(-1) },
            basic: None,
            power_factor: None,
            surcharges: vec![],
        };
        assert_eq!(tariff.check().map_err(|e| e.kind), Err(TariffErrorKind::NegativePrice));
        let tariff = Tariff { energy: EnergyPricing::Flat { price: Money::from_fen(50_000) }, ..tariff };
        assert_eq!(tariff.check().map_err(|e| e.kind), Err(TariffErrorKind::PriceTooHigh));
    }

    #[test]
    fn a_tariff_with_a_gap_between_tiers_or_a_short_day_is_refused_by_field() {
        let json = r#"{"energy":{"kind":"tiered","basis":"annual","tiers":[
            {"up_to_kwh":"2880","price":"0.4883"},{"up_to_kwh":"2000","price":"0.5383"},{"up_to_kwh":null,"price":"0.7883"}]}}"#;
        let tariff: Tariff = serde_json::from_str(json).expect("read");
        let error = tariff.check().expect_err("refused");
        assert_eq!(
            (error.field.as_str(), error.kind),
            ("energy.tiers", TariffErrorKind::Tiers(TierError::BoundsNotAscending))
        );
        let short = r#"{"energy":{"kind":"time_of_use","schedule":["peak"],"prices":[{"period":"peak","price":"1"}]}}"#;
        let tariff: Tariff = serde_json::from_str(short).expect("read");
        assert_eq!(tariff.check().map_err(|e| e.kind), Err(TariffErrorKind::ScheduleNot24Hours));
        assert_eq!(tariff.schedule().map(|s| s.period_at(13)), Some(TouPeriod::Flat));
    }
}
