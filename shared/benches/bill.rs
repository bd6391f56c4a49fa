//! The bill calculation per account: a residential tiered month, one across new year, and a
//! large-industry month with every kind of line. `cargo bench -p shared --bench bill`.

use std::collections::BTreeMap;
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use shared::tariff::{BillRequest, Metered, TariffVersion, TouPeriod, calculate, defaults};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn always(tariff: shared::tariff::Tariff) -> Vec<TariffVersion> {
    vec![TariffVersion { effective_from: day(2000, 1, 1), effective_to: None, tariff }]
}

fn bills(c: &mut Criterion) {
    let residential = always(defaults::residential_tiered());
    let metered = Metered { kwh: Decimal::new(26_035, 2), ..Metered::default() };
    let before = BTreeMap::from([(2026, Decimal::new(2_800, 0)), (2025, Decimal::new(4_700, 0))]);
    let month = BillRequest {
        from: day(2026, 9, 1),
        to: day(2026, 9, 30),
        versions: &residential,
        metered: &metered,
        capacity_kva: None,
        tier_years: &before,
    };
    c.bench_function("bill: residential tiered, one month", |b| b.iter(|| calculate(black_box(&month))));
    let new_year = BillRequest { from: day(2025, 12, 17), to: day(2026, 1, 15), ..month };
    c.bench_function("bill: residential tiered, across new year", |b| b.iter(|| calculate(black_box(&new_year))));

    let industry = always(defaults::two_part());
    let metered = Metered {
        kwh: Decimal::new(30_000, 0),
        by_period: BTreeMap::from([
            (TouPeriod::Peak, Decimal::new(10_000, 0)),
            (TouPeriod::Flat, Decimal::new(12_000, 0)),
            (TouPeriod::Valley, Decimal::new(8_000, 0)),
        ]),
        kvarh: Some(Decimal::new(12_000, 0)),
        max_demand_kw: Some(Decimal::new(310, 0)),
    };
    let two_part = BillRequest {
        from: day(2026, 3, 1),
        to: day(2026, 3, 31),
        versions: &industry,
        metered: &metered,
        capacity_kva: Some(Decimal::new(400, 0)),
        tier_years: &BTreeMap::new(),
    };
    c.bench_function("bill: large industry, two-part with time of use", |b| b.iter(|| calculate(black_box(&two_part))));
}

criterion_group!(benches, bills);
criterion_main!(benches);
