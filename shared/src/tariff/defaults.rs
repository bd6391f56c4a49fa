//! The demo tariff set: the domain brief's residential tiers (Beijing's) and plausible
//! figures for the other structures. Seed data for the demo and the tests; a utility
//! enters its own as tariff versions.

use rust_decimal::Decimal;

use super::{
    BasicCharge, EnergyPricing, PeriodPrice, PfStandard, Surcharge, Tariff, TierBasis, Tiers, TimeOfUse, TouPeriod,
    TouSchedule,
};
use crate::Money;

fn yuan(units: i64, scale: u32) -> Money {
    Money::from_yuan(Decimal::new(units, scale))
}

/// Beijing's general schedule: valley 23–7, peak 10–15 and 18–21, flat otherwise.
pub fn schedule() -> TouSchedule {
    let hours = (0..24)
        .map(|hour| match hour {
            0..=6 | 23 => TouPeriod::Valley,
            10..=14 | 18..=20 => TouPeriod::Peak,
            _ => TouPeriod::Flat,
        })
        .collect();
    TouSchedule(hours)
}

/// Residential, tiered by the calendar year: ≤ 2,880 kWh at 0.4883, to 4,800 at 0.5383,
/// above at 0.7883 yuan/kWh.
pub fn residential_tiered() -> Tariff {
    Tariff {
        energy: EnergyPricing::Tiered { basis: TierBasis::Annual, tiers: Tiers::beijing_default(), time_of_use: None },
        basic: None,
        power_factor: None,
        surcharges: vec![],
    }
}

/// Residential tiers with time of use on top: peak hours 0.03 more, valley 0.20 less.
pub fn residential_tiered_time_of_use() -> Tariff {
    let prices = vec![
        PeriodPrice { period: TouPeriod::Peak, price: yuan(3, 2) },
        PeriodPrice { period: TouPeriod::Flat, price: Money::ZERO },
        PeriodPrice { period: TouPeriod::Valley, price: yuan(-20, 2) },
    ];
    Tariff {
        energy: EnergyPricing::Tiered {
            basis: TierBasis::Annual,
            tiers: Tiers::beijing_default(),
            time_of_use: Some(TimeOfUse { schedule: schedule(), prices }),
        },
        ..residential_tiered()
    }
}

/// Small business (一般工商业), time of use: peak 1.0455, flat 0.6825, valley 0.3195.
pub fn time_of_use() -> Tariff {
    let prices = vec![
        PeriodPrice { period: TouPeriod::Peak, price: yuan(10455, 4) },
        PeriodPrice { period: TouPeriod::Flat, price: yuan(6825, 4) },
        PeriodPrice { period: TouPeriod::Valley, price: yuan(3195, 4) },
    ];
    Tariff {
        energy: EnergyPricing::TimeOfUse(TimeOfUse { schedule: schedule(), prices }),
        basic: None,
        power_factor: None,
        surcharges: vec![],
    }
}

/// Small business, single rate: 0.6825 yuan/kWh.
pub fn flat() -> Tariff {
    Tariff { energy: EnergyPricing::Flat { price: yuan(6825, 4) }, basic: None, power_factor: None, surcharges: vec![] }
}

/// Large industry at 10 kV (大工业): 32 yuan per kVA a month, energy by time of use
/// (0.9012 / 0.6152 / 0.3292), power factor against 0.90, and three funds per kWh.
pub fn two_part() -> Tariff {
    let prices = vec![
        PeriodPrice { period: TouPeriod::Peak, price: yuan(9012, 4) },
        PeriodPrice { period: TouPeriod::Flat, price: yuan(6152, 4) },
        PeriodPrice { period: TouPeriod::Valley, price: yuan(3292, 4) },
    ];
    let surcharge = |code: &str, name_zh: &str, name_en: &str, price| Surcharge {
        code: code.into(),
        name_zh: name_zh.into(),
        name_en: name_en.into(),
        price,
    };
    Tariff {
        energy: EnergyPricing::TimeOfUse(TimeOfUse { schedule: schedule(), prices }),
        basic: Some(BasicCharge::Capacity { price_per_kva: yuan(32, 0) }),
        power_factor: Some(PfStandard::P90),
        surcharges: vec![
            surcharge("renewable", "可再生能源电价附加", "Renewable energy surcharge", yuan(19, 3)),
            surcharge("water_works", "国家重大水利工程建设基金", "Major water works fund", yuan(19, 4)),
            surcharge("reservoir", "大中型水库移民后期扶持基金", "Reservoir resettlement fund", yuan(62, 4)),
        ],
    }
}

/// The demo tariff set by code, as the demo seeds it.
pub fn all() -> Vec<(&'static str, Tariff)> {
    vec![
        ("residential-tiered", residential_tiered()),
        ("residential-tiered-tou", residential_tiered_time_of_use()),
        ("business-tou", time_of_use()),
        ("business-flat", flat()),
        ("large-industry", two_part()),
    ]
}
