//! The bill calculation: a period's metered energy and the tariff's versions in, charge
//! lines out, each with its quantity, unit price and amount.
//!
//! The period is cut where a new tariff version takes effect and, for annual tiers, where a
//! new tier year (the calendar year) begins. Energy, capacity and demand are shared among
//! the pieces pro rata by days (to 0.01 kWh, the last piece taking the remainder so nothing
//! is lost or made up). Amounts are rounded half up to the fen on each line and nowhere
//! else; the total is the sum of the lines.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::power_factor::power_factor;
use super::versions::in_force;
use super::{BasicCharge, EnergyPricing, PfStandard, TariffVersion, TierBasis, TimeOfUse, TouPeriod};
use crate::Money;

/// What the meters say about a billing period, after the multiplier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metered {
    /// Active energy (kWh).
    pub kwh: Decimal,
    /// Active energy by time-of-use period, where the meter records it; sums to `kwh`.
    #[serde(default)]
    pub by_period: BTreeMap<TouPeriod, Decimal>,
    /// Reactive energy (kvarh), where the meter records it.
    #[serde(default)]
    pub kvarh: Option<Decimal>,
    /// The period's maximum demand (kW), from interval data or a demand register.
    #[serde(default)]
    pub max_demand_kw: Option<Decimal>,
}

/// Everything a bill is computed from.
#[derive(Debug, Clone, Copy)]
pub struct BillRequest<'a> {
    /// The first day of the period.
    pub from: NaiveDate,
    /// The last day of the period (inclusive).
    pub to: NaiveDate,
    /// The versions of the account's tariff.
    pub versions: &'a [TariffVersion],
    /// The period's energy.
    pub metered: &'a Metered,
    /// Contracted capacity (kVA), for a capacity charge.
    pub capacity_kva: Option<Decimal>,
    /// Energy already billed into each tier year before this bill (annual tiers).
    pub tier_years: &'a BTreeMap<i32, Decimal>,
}

/// What a charge line is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineKind {
    /// Energy at a single rate.
    Energy,
    /// Energy in a tier (1-based).
    Tier {
        /// Which tier.
        tier: u8,
    },
    /// Energy in a time-of-use period.
    Period {
        /// Which period.
        period: TouPeriod,
    },
    /// The time-of-use difference on top of tier prices.
    TouAdjustment {
        /// Which period.
        period: TouPeriod,
    },
    /// The basic charge by capacity: kVA·months.
    Capacity,
    /// The basic charge by maximum demand: kW·months.
    Demand,
    /// The power-factor adjustment: the quantity is the charges it applies to (yuan), the
    /// unit price the rate from the table.
    PowerFactor {
        /// The month's power factor, to 0.01.
        actual: Decimal,
        /// The tariff's standard.
        standard: PfStandard,
    },
    /// A fund or surcharge per kWh.
    Surcharge {
        /// Its code.
        code: String,
        /// Its Chinese name.
        name_zh: String,
        /// Its English name.
        name_en: String,
    },
}

impl LineKind {
    /// Whether the line prices energy (and so counts in the energy by tier or period).
    pub fn is_energy(&self) -> bool {
        matches!(self, LineKind::Energy | LineKind::Tier { .. } | LineKind::Period { .. })
    }
}

/// One line of a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeLine {
    /// What it charges for.
    pub kind: LineKind,
    /// The first day it covers.
    pub from: NaiveDate,
    /// The last day it covers.
    pub to: NaiveDate,
    /// kWh, kVA·months, kW·months, or yuan (power factor).
    pub quantity: Decimal,
    /// Yuan per unit, or the power-factor rate.
    pub unit_price: Decimal,
    /// `quantity × unit_price`, rounded half up to the fen.
    pub amount: Money,
}

/// A computed bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calculation {
    /// The charge lines in order: by piece of the period, energy, basic charge, power
    /// factor, surcharges.
    pub lines: Vec<ChargeLine>,
    /// The sum of the lines.
    pub total: Money,
    /// The energy this bill put into each tier year (annual tiers only).
    pub tier_years: BTreeMap<i32, Decimal>,
    /// The month's power factor, where the tariff adjusts for it.
    pub power_factor: Option<Decimal>,
}

/// Why a bill cannot be computed; each is an exception for a billing operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// The period ends before it starts.
    #[error("the period ends before it starts")]
    PeriodBackwards,
    /// No tariff version is in force on a day of the period.
    #[error("no tariff is in force on {0}")]
    NoTariff(NaiveDate),
    /// Negative energy, capacity or demand.
    #[error("the metered energy is negative")]
    Negative,
    /// The tariff prices by time of use and the energy is not split by period (or the
    /// split does not add up to the energy).
    #[error("the tariff needs energy by time-of-use period")]
    NoEnergyByPeriod,
    /// Energy fell in a period the tariff has no price for.
    #[error("energy in the {0} period has no price")]
    UnpricedPeriod(TouPeriod),
    /// A capacity charge without the account's capacity.
    #[error("the tariff charges by capacity and the account has none")]
    NoCapacity,
    /// A demand charge without a maximum demand.
    #[error("the tariff charges by demand and there is no maximum demand")]
    NoDemand,
    /// A power-factor adjustment without reactive energy.
    #[error("the tariff adjusts for power factor and there is no reactive energy")]
    NoReactive,
    /// An amount too large to represent; no real bill comes near.
    #[error("an amount is out of range")]
    Overflow,
}

/// One piece of the period under one tariff version (and one tier year).
struct Piece<'a> {
    from: NaiveDate,
    to: NaiveDate,
    version: &'a TariffVersion,
}

impl Piece<'_> {
    fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

fn annual_tiers(version: &TariffVersion) -> bool {
    matches!(version.tariff.energy, EnergyPricing::Tiered { basis: TierBasis::Annual, .. })
}

/// Cuts the period at version changes and, under annual tiers, at new year.
fn pieces<'a>(request: &BillRequest<'a>) -> Result<Vec<Piece<'a>>, CalcError> {
    let mut pieces = Vec::new();
    let mut day = request.from;
    while day <= request.to {
        let version = in_force(request.versions, day).ok_or(CalcError::NoTariff(day))?;
        let mut to = version.effective_to.map_or(request.to, |last| last.min(request.to));
        if annual_tiers(version) {
            let year_end = NaiveDate::from_ymd_opt(day.year(), 12, 31).ok_or(CalcError::Overflow)?;
            to = to.min(year_end);
        }
        pieces.push(Piece { from: day, to, version });
        match to.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    Ok(pieces)
}

/// Shares `total` among pieces pro rata by days, each to 0.01, the last taking the rest.
/// Cumulative shares are rounded down, so no share is negative and they sum to `total`.
fn shares(total: Decimal, days: &[i64]) -> Result<Vec<Decimal>, CalcError> {
    let all: i64 = days.iter().sum();
    let mut result = Vec::with_capacity(days.len());
    let (mut elapsed, mut given) = (0i64, Decimal::ZERO);
    for (i, d) in days.iter().enumerate() {
        elapsed += d;
        let cumulative = if i + 1 == days.len() {
            total
        } else {
            total
                .checked_mul(Decimal::from(elapsed))
                .and_then(|x| x.checked_div(Decimal::from(all)))
                .ok_or(CalcError::Overflow)?
                .round_dp_with_strategy(2, RoundingStrategy::ToZero)
        };
        result.push(cumulative - given);
        given = cumulative;
    }
    Ok(result)
}

fn line(kind: LineKind, piece: &Piece<'_>, quantity: Decimal, unit_price: Decimal) -> Result<ChargeLine, CalcError> {
    let amount = Money::line_amount(Money::from_yuan(unit_price), quantity).ok_or(CalcError::Overflow)?;
    Ok(ChargeLine { kind, from: piece.from, to: piece.to, quantity, unit_price, amount })
}

/// Energy by period for one piece, checked against the tariff's prices.
fn period_lines(
    tou: &TimeOfUse,
    piece: &Piece<'_>,
    by_period: &BTreeMap<TouPeriod, Decimal>,
    kind: fn(TouPeriod) -> LineKind,
    lines: &mut Vec<ChargeLine>,
) -> Result<(), CalcError> {
    for (&period, &kwh) in by_period {
        if kwh.is_zero() {
            continue;
        }
        let price = tou.price(period).ok_or(CalcError::UnpricedPeriod(period))?;
        if kind(period).is_energy() || !price.yuan().is_zero() {
            lines.push(line(kind(period), piece, kwh, price.yuan())?);
        }
    }
    Ok(())
}

/// Computes a bill.
pub fn calculate(request: &BillRequest<'_>) -> Result<Calculation, CalcError> {
    if request.to < request.from {
        return Err(CalcError::PeriodBackwards);
    }
    let metered = request.metered;
    let negative = |x: Option<Decimal>| x.is_some_and(|x| x.is_sign_negative() && !x.is_zero());
    if negative(Some(metered.kwh))
        || metered.by_period.values().any(|x| negative(Some(*x)))
        || negative(metered.kvarh)
        || negative(metered.max_demand_kw)
        || negative(request.capacity_kva)
    {
        return Err(CalcError::Negative);
    }
    let pieces = pieces(request)?;
    let days: Vec<i64> = pieces.iter().map(Piece::days).collect();
    let energy = shares(metered.kwh, &days)?;
    let by_period_needed = pieces.iter().any(|p| p.version.tariff.schedule().is_some());
    let mut by_period: Vec<BTreeMap<TouPeriod, Decimal>> = vec![BTreeMap::new(); pieces.len()];
    if by_period_needed {
        if metered.by_period.is_empty() || metered.by_period.values().copied().sum::<Decimal>() != metered.kwh {
            return Err(CalcError::NoEnergyByPeriod);
        }
        for (&period, &kwh) in &metered.by_period {
            for (i, share) in shares(kwh, &days)?.into_iter().enumerate() {
                by_period[i].insert(period, share);
            }
        }
    }
    let capacity = match request.capacity_kva {
        Some(kva) => Some(shares(kva, &days)?),
        None => None,
    };
    let demand = match metered.max_demand_kw {
        Some(kw) => Some(shares(kw, &days)?),
        None => None,
    };
    let actual_pf = match metered.kvarh {
        Some(kvarh) => power_factor(metered.kwh, kvarh),
        None => None,
    };

    let mut lines = Vec::new();
    let mut tier_years = BTreeMap::new();
    // Energy of the bill so far by tier year (annual) or in all (monthly, key 0).
    let mut used: BTreeMap<i32, Decimal> = BTreeMap::new();
    for (i, piece) in pieces.iter().enumerate() {
        let tariff = &piece.version.tariff;
        let first_line = lines.len();
        match &tariff.energy {
            EnergyPricing::Flat { price } => {
                if !energy[i].is_zero() {
                    lines.push(line(LineKind::Energy, piece, energy[i], price.yuan())?);
                }
            }
            EnergyPricing::Tiered { basis, tiers, time_of_use } => {
                let key = match basis {
                    TierBasis::Annual => piece.from.year(),
                    TierBasis::Monthly => 0,
                };
                let before = *used.entry(key).or_insert_with(|| match basis {
                    TierBasis::Annual => request.tier_years.get(&key).copied().unwrap_or_default(),
                    TierBasis::Monthly => Decimal::ZERO,
                });
                for (t, (kwh, tier)) in tiers.split(before, energy[i]).into_iter().zip(tiers.as_slice()).enumerate() {
                    if !kwh.is_zero() {
                        let tier_number = u8::try_from(t + 1).map_err(|_| CalcError::Overflow)?;
                        lines.push(line(LineKind::Tier { tier: tier_number }, piece, kwh, tier.price.yuan())?);
                    }
                }
                used.insert(key, before + energy[i]);
                if *basis == TierBasis::Annual {
                    *tier_years.entry(key).or_default() += energy[i];
                }
                if let Some(tou) = time_of_use {
                    let kind: fn(TouPeriod) -> LineKind = |period| LineKind::TouAdjustment { period };
                    period_lines(tou, piece, &by_period[i], kind, &mut lines)?;
                }
            }
            EnergyPricing::TimeOfUse(tou) => {
                let kind: fn(TouPeriod) -> LineKind = |period| LineKind::Period { period };
                period_lines(tou, piece, &by_period[i], kind, &mut lines)?;
            }
        }
        match tariff.basic {
            Some(BasicCharge::Capacity { price_per_kva }) => {
                let kva = capacity.as_ref().ok_or(CalcError::NoCapacity)?[i];
                lines.push(line(LineKind::Capacity, piece, kva, price_per_kva.yuan())?);
            }
            Some(BasicCharge::Demand { price_per_kw }) => {
                let kw = demand.as_ref().ok_or(CalcError::NoDemand)?[i];
                lines.push(line(LineKind::Demand, piece, kw, price_per_kw.yuan())?);
            }
            None => {}
        }
        if let Some(standard) = tariff.power_factor {
            if metered.kvarh.is_none() {
                return Err(CalcError::NoReactive);
            }
            if let Some(actual) = actual_pf {
                let base: Money = lines[first_line..].iter().map(|l| l.amount).sum();
                lines.push(line(
                    LineKind::PowerFactor { actual, standard },
                    piece,
                    base.yuan(),
                    standard.adjustment(actual),
                )?);
            }
        }
        for surcharge in &tariff.surcharges {
            if !energy[i].is_zero() {
                let kind = LineKind::Surcharge {
                    code: surcharge.code.clone(),
                    name_zh: surcharge.name_zh.clone(),
                    name_en: surcharge.name_en.clone(),
                };
                lines.push(line(kind, piece, energy[i], surcharge.price.yuan())?);
            }
        }
    }
    let total = lines.iter().map(|l| l.amount).sum();
    let power_factor = pieces.iter().any(|p| p.version.tariff.power_factor.is_some()).then_some(actual_pf).flatten();
    Ok(Calculation { lines, total, tier_years, power_factor })
}

#[cfg(test)]
mod tests;
